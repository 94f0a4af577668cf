import { z } from 'zod';
import { ROLES } from './access/roles.ts';
import { CiContextSchema } from './ci-context.ts';
import { EVIDENCE_KINDS } from './evidence-record.ts';
import { JOB_STATES } from './job.ts';
import { RELEASE_STATES } from './release.ts';

/**
 * The JSON shapes of the public API, shared by the server (responses and the OpenAPI document),
 * the CLI's HTTP client and the web UI.
 */
export const ReleaseJson = z
  .object({
    id: z.string().describe('rel_ followed by a ULID'),
    tag: z.string().describe('service@version, then +chg-N when a change request is linked'),
    service: z.string(),
    version: z.string(),
    commit: z.string().describe('full git commit SHA'),
    change: z.string().nullable(),
    artifacts: z.array(z.string()).describe('artifact digests, sha256:<hex>'),
    state: z.enum(RELEASE_STATES),
    createdAt: z.string().describe('ISO 8601, UTC'),
    createdBy: z.string(),
    evidenceCount: z.number().int(),
  })
  .meta({ id: 'Release' });
export type ReleaseJson = z.infer<typeof ReleaseJson>;

export const EvidenceJson = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    kind: z.enum(EVIDENCE_KINDS),
    name: z.string(),
    size: z.number().int().describe('bytes'),
    sha256: z.string().describe('SHA-256 of the original bytes, hex'),
    mediaType: z.string(),
    format: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
    submittedBy: z.string(),
    submittedAt: z.string().describe('ISO 8601, UTC'),
    ciContext: CiContextSchema.nullable().describe(
      'the CI run that submitted it: provider, commit, branch, repository, run id and URL, actor',
    ),
  })
  .meta({ id: 'Evidence' });
export type EvidenceJson = z.infer<typeof EvidenceJson>;

export const ReleasePageJson = z
  .object({ items: z.array(ReleaseJson), nextCursor: z.string().nullable() })
  .meta({ id: 'ReleasePage' });
export type ReleasePageJson = z.infer<typeof ReleasePageJson>;

export const EvidenceListJson = z
  .object({ items: z.array(EvidenceJson) })
  .meta({ id: 'EvidenceList' });
export type EvidenceListJson = z.infer<typeof EvidenceListJson>;

export const AttachEvidenceJson = z
  .object({
    evidence: EvidenceJson,
    created: z
      .boolean()
      .describe('false when the same bytes of the same kind were already attached'),
  })
  .meta({ id: 'AttachEvidenceResult' });
export type AttachEvidenceJson = z.infer<typeof AttachEvidenceJson>;

/** RFC 9457 problem details, with Dossier's error code and the problems found in the input. */
export const ProblemJson = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type ProblemJson = z.infer<typeof ProblemJson>;

export const AuditEntryJson = z
  .object({
    seq: z.number().int().describe('position in the log, from 0: the Merkle leaf index'),
    time: z.string(),
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    details: z.record(z.string(), z.unknown()),
    leafHash: z.string().describe('RFC 6962 leaf hash of the canonical JSON of the entry, hex'),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryJson = z.infer<typeof AuditEntryJson>;

export const AuditEntryPageJson = z
  .object({ items: z.array(AuditEntryJson) })
  .meta({ id: 'AuditEntryPage' });

export const CheckpointJson = z
  .object({
    size: z.number().int(),
    rootHash: z.string().describe('hex'),
    time: z.string(),
    keyName: z.string(),
    note: z.string().describe('the C2SP signed note (tlog-checkpoint), byte for byte'),
  })
  .meta({ id: 'Checkpoint' });
export type CheckpointJson = z.infer<typeof CheckpointJson>;

export const CheckpointListJson = z
  .object({ items: z.array(CheckpointJson) })
  .meta({ id: 'CheckpointList' });

export const InclusionProofJson = z
  .object({
    seq: z.number().int(),
    treeSize: z.number().int(),
    leafHash: z.string(),
    proof: z.array(z.string()),
  })
  .meta({ id: 'InclusionProof' });
export type InclusionProofJson = z.infer<typeof InclusionProofJson>;

export const ConsistencyProofJson = z
  .object({ from: z.number().int(), to: z.number().int(), proof: z.array(z.string()) })
  .meta({ id: 'ConsistencyProof' });
export type ConsistencyProofJson = z.infer<typeof ConsistencyProofJson>;

export const LogKeysJson = z
  .object({
    origin: z.string(),
    keys: z.array(
      z.object({
        name: z.string(),
        verifierKey: z
          .string()
          .describe('C2SP verifier key: name+keyhash+base64(0x01 ‖ Ed25519 key)'),
        active: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'LogKeys' });
export type LogKeysJson = z.infer<typeof LogKeysJson>;

export const RotatedKeyJson = z
  .object({ previous: z.string(), active: z.string() })
  .meta({ id: 'RotatedKey' });

export const LeafTextPageJson = z
  .object({ items: z.array(z.string().describe('RFC 8785 canonical JSON of one entry')) })
  .meta({ id: 'LeafTextPage' });

const RoleList = z.array(z.enum(ROLES));

export const UserJson = z
  .object({
    id: z.string().describe('usr_ followed by a ULID'),
    username: z.string(),
    fullName: z.string().describe('the printed name signatures carry'),
    roles: RoleList,
    createdAt: z.string(),
    createdBy: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'User' });
export type UserJson = z.infer<typeof UserJson>;

export const UserListJson = z.object({ items: z.array(UserJson) }).meta({ id: 'UserList' });

export const PersonJson = z
  .object({ username: z.string(), fullName: z.string() })
  .meta({ id: 'Person' });
export type PersonJson = z.infer<typeof PersonJson>;
export const PeopleJson = z
  .object({ items: z.array(PersonJson).describe('enabled accounts, by username') })
  .meta({ id: 'People' });

export const RoleChangeJson = z
  .object({
    user: UserJson,
    changed: z
      .boolean()
      .describe('false when the role was already held (grant) or not held (revoke)'),
  })
  .meta({ id: 'RoleChange' });
export type RoleChangeJson = z.infer<typeof RoleChangeJson>;

export const ActorJson = z
  .object({
    id: z.string().describe('user:…, token:…, oidc:…'),
    roles: RoleList,
    method: z.string().optional(),
    person: z.string().optional().describe('the person behind the credential, if any'),
    services: z
      .array(z.string())
      .optional()
      .describe('services the credential may write; absent: any'),
  })
  .meta({ id: 'Actor' });
export type ActorJson = z.infer<typeof ActorJson>;

export const SessionJson = z
  .object({
    token: z
      .string()
      .describe('dss_…: send as "Authorization: Bearer"; also set as the dossier_session cookie'),
    expiresAt: z.string(),
    user: UserJson,
  })
  .meta({ id: 'Session' });
export type SessionJson = z.infer<typeof SessionJson>;

export const TokenJson = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: RoleList,
    services: z.array(z.string()).nullable().describe('null: any service'),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type TokenJson = z.infer<typeof TokenJson>;

export const TokenListJson = z.object({ items: z.array(TokenJson) }).meta({ id: 'ApiTokenList' });

export const CreatedTokenJson = z
  .object({
    token: TokenJson,
    value: z.string().describe('the token itself: shown only in this answer, store it now'),
  })
  .meta({ id: 'CreatedApiToken' });
export type CreatedTokenJson = z.infer<typeof CreatedTokenJson>;

export const TrainingRecordJson = z
  .object({
    id: z.string(),
    username: z.string(),
    course: z.string(),
    version: z.string(),
    completedOn: z.string().describe('YYYY-MM-DD'),
    expiresOn: z.string().nullable().describe('YYYY-MM-DD, the last day it counts; null: never'),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'TrainingRecord' });
export type TrainingRecordJson = z.infer<typeof TrainingRecordJson>;

export const TrainingListJson = z
  .object({ items: z.array(TrainingRecordJson) })
  .meta({ id: 'TrainingRecordList' });

export const EligibilityJson = z
  .object({
    eligible: z.boolean(),
    code: z.enum(['ACCOUNT_DISABLED', 'ROLE_NOT_HELD', 'TRAINING_MISSING']).optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'SigningEligibility' });
export type EligibilityJson = z.infer<typeof EligibilityJson>;
export const JobJson = z
  .object({
    id: z.string().describe('job_ followed by a ULID'),
    kind: z.string().describe('what the job does, e.g. log.checkpoint'),
    dedupeKey: z.string().describe('one logical job, one key: queuing it again is a no-op'),
    payload: z.record(z.string(), z.unknown()),
    state: z.enum(JOB_STATES),
    runAt: z
      .string()
      .describe('ISO 8601, UTC: not run before this time (the next retry if failed)'),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    leaseOwner: z.string().nullable().describe('the instance running it, while running'),
    leaseExpiresAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Job' });
export type JobJson = z.infer<typeof JobJson>;

export const JobPageJson = z
  .object({
    items: z.array(JobJson),
    nextCursor: z.string().nullable(),
    counts: z
      .object(Object.fromEntries(JOB_STATES.map((state) => [state, z.number().int()])))
      .describe('jobs in each state, over the whole queue'),
  })
  .meta({ id: 'JobPage' });
export type JobPageJson = z.infer<typeof JobPageJson>;

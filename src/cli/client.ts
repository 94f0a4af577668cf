import type { LeafBatch } from '../core/audit-log/leaf-batch.ts';
import type { CiContext } from '../core/ci-context.ts';
import type {
  ActorJson,
  AttachEvidenceJson,
  AuditEntryJson,
  CheckpointJson,
  ConsistencyProofJson,
  CreatedTokenJson,
  EligibilityJson,
  EvidenceJson,
  JobPageJson,
  LogKeysJson,
  ReleaseJson,
  ReleasePageJson,
  RoleChangeJson,
  SessionJson,
  TokenJson,
  TrainingRecordJson,
  UserJson,
} from '../core/wire-schemas.ts';
import type { AddedIntegrationJson, IntegrationJson } from '../core/wire-schemas-webhooks.ts';
import type { PolicyClient } from './policy-client.ts';

export interface AttachFile {
  release: string;
  kind: string;
  name: string;
  size: number;
  /** Opens the file again for each attempt: a retried upload sends the bytes from the start. */
  open(): AsyncIterable<Uint8Array> & NodeJS.ReadableStream;
  /** The CI run uploading it, recorded with the evidence. */
  ciContext?: CiContext | undefined;
  /** Retries of a transient failure at most (default 5: after 0.5, 1, 2, 4 and 8 s). */
  retries?: number | undefined;
  /** Told before each retry of this upload (attempt is the one about to start, from 2). */
  onRetry?: ((attempt: number, delayMs: number, reason: string) => void) | undefined;
}

export interface ListJobsParams {
  state?: string | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface ListReleasesParams {
  limit?: number | undefined;
  cursor?: string | undefined;
  service?: string | undefined;
}

/**
 * What the CLI asks of Dossier. Two implementations: over HTTP to a server, or in-process on a
 * data directory (`--local`). Both answer with the API's JSON shapes and fail with DossierErrors.
 */
export interface DossierClient extends PolicyClient {
  createRelease(
    input: Record<string, unknown>,
  ): Promise<{ release: ReleaseJson; created: boolean }>;
  getRelease(idOrTag: string): Promise<ReleaseJson>;
  listReleases(params: ListReleasesParams): Promise<ReleasePageJson>;
  listEvidence(idOrTag: string): Promise<EvidenceJson[]>;
  attachEvidence(file: AttachFile): Promise<AttachEvidenceJson>;
  logCheckpoint(): Promise<CheckpointJson>;
  logCheckpoints(fromSize: number, limit: number): Promise<CheckpointJson[]>;
  logKeys(): Promise<LogKeysJson>;
  logEntries(fromSeq: number, limit: number): Promise<AuditEntryJson[]>;
  /** Entries `fromSeq ≤ seq < toSeq` as packed leaf texts, to be hashed by the verifier. */
  logLeafBatch(fromSeq: number, toSeq: number): Promise<LeafBatch>;
  logConsistency(from: number, to: number): Promise<ConsistencyProofJson>;
  rotateLogKey(): Promise<{ previous: string; active: string }>;
  listJobs(params: ListJobsParams): Promise<JobPageJson>;
  importLegacy(
    bytes: Uint8Array,
  ): Promise<{ release: ReleaseJson; record: EvidenceJson; created: boolean }>;
  listIntegrations(): Promise<IntegrationJson[]>;
  putIntegration(source: string, secret: string): Promise<AddedIntegrationJson>;
  removeIntegration(source: string): Promise<void>;
  /** Streams the release dossier archive. */
  exportDossier(idOrTag: string): Promise<{ fileName: string; stream: NodeJS.ReadableStream }>;
  login(username: string, password: string): Promise<SessionJson>;
  /** Ends the session the client authenticates with. */
  logout(): Promise<void>;
  whoAmI(): Promise<ActorJson>;
  createUser(input: Record<string, unknown>): Promise<UserJson>;
  listUsers(): Promise<UserJson[]>;
  disableUser(username: string): Promise<UserJson>;
  grantRole(username: string, role: string): Promise<RoleChangeJson>;
  revokeRole(username: string, role: string): Promise<RoleChangeJson>;
  recordTraining(username: string, input: Record<string, unknown>): Promise<TrainingRecordJson>;
  listTraining(username: string): Promise<TrainingRecordJson[]>;
  eligibility(username: string, role: string): Promise<EligibilityJson>;
  createToken(input: Record<string, unknown>): Promise<CreatedTokenJson>;
  listTokens(): Promise<TokenJson[]>;
  revokeToken(idOrName: string): Promise<TokenJson>;
  close(): Promise<void>;
}

import type { TrainingRecord } from '../core/access/training.ts';
import type { User } from '../core/access/user.ts';
import type { Actor } from '../core/actor.ts';
import type { ApiToken } from '../core/api-token.ts';
import type { Evidence } from '../core/evidence-record.ts';
import type { Job } from '../core/job.ts';
import type { Release } from '../core/release.ts';
import type {
  ActorJson,
  EvidenceJson,
  JobJson,
  ReleaseJson,
  TokenJson,
  TrainingRecordJson,
  UserJson,
} from '../core/wire-schemas.ts';

// Field-by-field whitelists: a field added to a record is not published until it is added here.

export function presentRelease(release: Release): ReleaseJson {
  return {
    id: release.id,
    tag: release.tag,
    service: release.service,
    version: release.version,
    commit: release.commit,
    change: release.change,
    artifacts: release.artifacts,
    state: release.state,
    createdAt: release.createdAt,
    createdBy: release.createdBy,
    evidenceCount: release.evidenceCount,
  };
}

export function presentEvidence(evidence: Evidence): EvidenceJson {
  return {
    id: evidence.id,
    releaseId: evidence.releaseId,
    kind: evidence.kind,
    name: evidence.name,
    size: evidence.size,
    sha256: evidence.sha256,
    mediaType: evidence.mediaType,
    format: evidence.format,
    summary: evidence.summary,
    submittedBy: evidence.submittedBy,
    submittedAt: evidence.submittedAt,
    ciContext: evidence.ciContext,
  };
}

export function presentUser(user: User): UserJson {
  return {
    id: user.id,
    username: user.username,
    fullName: user.fullName,
    roles: user.roles,
    createdAt: user.createdAt,
    createdBy: user.createdBy,
    disabledAt: user.disabledAt,
  };
}

export function presentToken(token: Omit<ApiToken, 'tokenHash'>): TokenJson {
  return {
    id: token.id,
    name: token.name,
    roles: token.roles,
    services: token.services,
    createdAt: token.createdAt,
    createdBy: token.createdBy,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    revokedBy: token.revokedBy,
  };
}

export function presentTraining(record: TrainingRecord): TrainingRecordJson {
  return {
    id: record.id,
    username: record.username,
    course: record.course,
    version: record.version,
    completedOn: record.completedOn,
    expiresOn: record.expiresOn,
    recordedAt: record.recordedAt,
    recordedBy: record.recordedBy,
  };
}

export function presentActor(actor: Actor): ActorJson {
  const json: ActorJson = { id: actor.id, roles: [...actor.roles] };
  if (actor.method) json.method = actor.method;
  if (actor.person) json.person = actor.person;
  if (actor.services) json.services = [...actor.services];
  return json;
}
export function presentJob(job: Job): JobJson {
  return {
    id: job.id,
    kind: job.kind,
    dedupeKey: job.dedupeKey,
    payload: job.payload,
    state: job.state,
    runAt: job.runAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    leaseOwner: job.leaseOwner,
    leaseExpiresAt: job.leaseExpiresAt,
    lastError: job.lastError,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

import type { Role } from '../core/access/roles.ts';
import type { Session } from '../core/access/session.ts';
import type { TrainingRecord } from '../core/access/training.ts';
import type { User, UserCredentials } from '../core/access/user.ts';
import type { ApiToken } from '../core/api-token.ts';
import type { Delegation } from '../core/approval/delegation.ts';
import type { ConditionFulfilment, SignatureRecord } from '../core/approval/signature.ts';
import type { AuditEntry, AuditEntryInput } from '../core/audit-log/audit-entry.ts';
import type { LogKeyRecord, SignedCheckpoint } from '../core/audit-log/checkpoint.ts';
import type { LeafBatch } from '../core/audit-log/leaf-batch.ts';
import type { SubtreeRef } from '../core/audit-log/merkle-tree.ts';
import type { ChangeRequest } from '../core/change/change-request.ts';
import type { ApprovalCycleRows } from '../core/dashboard/approval-cycle.ts';
import type { DashboardBucket } from '../core/dashboard/dashboards.ts';
import type { ExceptionTimes } from '../core/dashboard/exception-aging.ts';
import type { PendingApprovalRow } from '../core/dashboard/pending-approvals.ts';
import type { Deployment, DeploymentStatus } from '../core/deployment/deployment.ts';
import type { Evidence, EvidenceKind } from '../core/evidence-record.ts';
import type { ExceptionRecord } from '../core/exception/exception.ts';
import type { Job, JobState } from '../core/job.ts';
import type { OutboundWebhook } from '../core/outbound/outbound-webhook.ts';
import type { Page } from '../core/page.ts';
import type { GateDecisionHead, GateDecisionRecord } from '../core/policy/gate-record.ts';
import type {
  ActivePolicy,
  PolicyActivation,
  PolicyVersion,
} from '../core/policy/policy-version.ts';
import type { Release } from '../core/release.ts';
import type { ReleaseFilter, ReleaseSort, SortOrder } from '../core/release-listing.ts';
import type { RiskRecord } from '../core/risk/risk-record.ts';
import type { ServiceRecord } from '../core/service-record.ts';
import type {
  Integration,
  WebhookDelivery,
  WebhookSource,
} from '../core/webhooks/webhook-source.ts';
import type { ExceptionFilter, ExceptionQuery } from './exception-listing-sql.ts';

export type { ExceptionFilter, ExceptionQuery } from './exception-listing-sql.ts';

export interface ReleaseQuery extends ReleaseFilter {
  limit: number;
  /** Cursor from a previous page's `nextCursor` (issued for the same sort and order). */
  cursor?: string | undefined;
  /** Default `created`, `desc`: newest first. */
  sort?: ReleaseSort | undefined;
  order?: SortOrder | undefined;
}

/**
 * A dashboard's period: whole UTC days, as ISO 8601 midnights (`toISOString()` form), from
 * inclusive, to exclusive. Figures are kept per day, so a period never splits one.
 */
export interface DashboardPeriod {
  from: string;
  to: string;
}

/** Releases created on a UTC day (`YYYY-MM-DD`), by the effective risk class of their change. */
export interface ThroughputRow {
  day: string;
  /** Null when the release names no change or its change has no assessment. */
  riskClass: string | null;
  releases: number;
}

/**
 * Releases created in the period that have a recorded gate decision, and those whose latest
 * decision for some environment found required evidence missing.
 */
export interface EvidenceGapRows {
  byService: Array<{ service: string; decided: number; incomplete: number }>;
  /** Per service and missing kind: releases missing it in their latest decision somewhere. */
  byKind: Array<{ service: string; kind: string; releases: number }>;
  byDay: Array<{ day: string; decided: number; incomplete: number }>;
}

/** Deployments to one environment in the period, for the DORA figures. */
export interface DeliveryRows {
  /** Deployments by the UTC day they happened and their status. */
  deployments: Array<{ day: string; status: DeploymentStatus; deployments: number }>;
  /**
   * Each release's first successful deployment in the period (none earlier): the seconds from the
   * release's creation to it, by the day it happened, counted per duration bin
   * (core/dashboard/time-bins.ts): `seconds` is the bin's duration.
   */
  leadTimes: Array<{ day: string; seconds: number; releases: number }>;
  /**
   * Each failed or rolled-back deployment in the period: seconds until the service's next
   * successful deployment to the environment, or null when none followed yet.
   */
  restores: Array<{ day: string; seconds: number | null }>;
}

export interface ChangeQuery {
  limit: number;
  cursor?: string | undefined;
  service?: string | undefined;
}

/** What a service's past releases did, counted for the defect-history risk factor. */
export interface ServiceTrackRecord {
  releases: number;
  deployments: number;
  failedDeployments: number;
  rolledBackDeployments: number;
  /** Releases whose gate was recorded as blocked at least once. */
  blockedReleases: number;
}

export interface AuditQuery {
  /** First sequence number to return. */
  fromSeq: number;
  limit: number;
}

/** Entries with `fromSeq ≤ seq < toSeq`. */
export interface AuditRange {
  fromSeq: number;
  toSeq: number;
}

export interface JobQuery {
  limit: number;
  /** Cursor from a previous page's `nextCursor`. */
  cursor?: string | undefined;
  state?: JobState | undefined;
  kind?: string | undefined;
}

/** A job to queue: it starts `queued` with no attempts. */
export type NewJob = Pick<
  Job,
  'id' | 'kind' | 'dedupeKey' | 'payload' | 'runAt' | 'maxAttempts' | 'createdAt'
>;

export interface JobClaim {
  /** Who claims: names the instance in `leaseOwner`; only it may finish the job. */
  owner: string;
  /** ISO 8601 UTC: jobs due at or before this time are claimable. */
  now: string;
  leaseExpiresAt: string;
  limit: number;
  /** Only jobs of these kinds (the ones the claimer can run). */
  kinds: readonly string[];
}

/** Identifies a claimed job and its claimer: a worker whose lease was taken over changes nothing. */
export interface JobLease {
  id: string;
  owner: string;
  /** ISO 8601 UTC of the change. */
  now: string;
}

/** Reads, available inside and outside a transaction. Records come back as domain types. */
export interface StoreReader {
  getReleaseById(id: string): Promise<Release | undefined>;
  getReleaseByTag(tag: string): Promise<Release | undefined>;
  /** Filtered and sorted as asked; newest first by default. */
  listReleases(query: ReleaseQuery): Promise<Page<Release>>;
  /** Oldest first, as attached. */
  listEvidence(releaseId: string): Promise<Evidence[]>;
  findEvidence(
    releaseId: string,
    kind: EvidenceKind,
    sha256: string,
  ): Promise<Evidence | undefined>;
  /** Releases built from this commit (full lowercase SHA), oldest first. */
  findReleasesByCommit(commit: string): Promise<Release[]>;
  /** Releases listing this artifact digest (`sha256:…`), oldest first. */
  findReleasesByArtifact(digest: string): Promise<Release[]>;
  /** Whether any evidence record points at this blob; blobs are only served if one does. */
  isBlobReferenced(sha256: string): Promise<boolean>;
  findTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  countTokens(): Promise<number>;
  /** Every token, revoked and expired ones too, oldest first. */
  listTokens(): Promise<ApiToken[]>;
  /** A token by its id (tok_…) or its name. */
  findToken(idOrName: string): Promise<ApiToken | undefined>;
  /** A user by (lowercase) username, with the roles granted now. */
  getUser(username: string): Promise<User | undefined>;
  /** Every user, in username order. */
  listUsers(): Promise<User[]>;
  getUserCredentials(userId: string): Promise<UserCredentials | undefined>;
  /** A user's training records, oldest first. */
  listTraining(username: string): Promise<TrainingRecord[]>;
  findSessionByHash(tokenHash: string): Promise<Session | undefined>;
  listAuditEntries(query: AuditQuery): Promise<AuditEntry[]>;
  /** Entries as their canonical leaf texts (what each leaf hash covers), in sequence order. */
  listAuditLeafTexts(query: AuditQuery): Promise<string[]>;
  /**
   * The same texts for a range, packed as a `LeafBatch` (each preceded by a 0x00 byte), in
   * sequence order: what log verification hashes. Byte for byte what `auditLeafText` builds.
   */
  readAuditLeafBatch(range: AuditRange): Promise<LeafBatch>;
  /** Entries about one subject (`release:rel_…`), oldest first. */
  listAuditEntriesFor(subject: string): Promise<AuditEntry[]>;
  countAuditEntries(): Promise<number>;
  /**
   * Hashes of complete perfect subtrees of the audit log, in the order asked. Throws if one is
   * not stored (it lies beyond the log's end).
   */
  getSubtreeHashes(refs: readonly SubtreeRef[]): Promise<Uint8Array[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints in increasing size. */
  listCheckpoints(query: { fromSize: number; limit: number }): Promise<StoredCheckpoint[]>;
  getCheckpoint(size: number): Promise<StoredCheckpoint | undefined>;
  /** The keys recorded for this log, oldest first: which origin and keys its checkpoints use. */
  listLogKeys(): Promise<LogKeyRecord[]>;

  getService(name: string): Promise<ServiceRecord | undefined>;
  listServices(): Promise<ServiceRecord[]>;
  serviceTrackRecord(service: string): Promise<ServiceTrackRecord>;

  getPolicyVersion(version: number): Promise<PolicyVersion | undefined>;
  getPolicyBySha256(sha256: string): Promise<PolicyVersion | undefined>;
  /** Newest first. */
  listPolicyVersions(limit: number): Promise<PolicyVersion[]>;
  /** The service's own activation if it has one, else the all-services one, else undefined. */
  getActivePolicy(service: string): Promise<ActivePolicy | undefined>;
  /**
   * Which activation applies to the service (its own, else the default), without the policy text:
   * the gate's hot path, which keeps parsed policies by hash.
   */
  getActivationFor(service: string): Promise<PolicyActivation | undefined>;
  /** The activation for exactly this scope (`*` or a service), if any. */
  getActivationForScope(scope: string): Promise<ActivePolicy | undefined>;
  /** Newest first. */
  listPolicyActivations(limit: number): Promise<PolicyActivation[]>;

  getChange(id: string): Promise<ChangeRequest | undefined>;
  /** Newest first. */
  listChanges(query: ChangeQuery): Promise<Page<ChangeRequest>>;
  /** Releases naming this change, oldest first. */
  listReleasesForChange(changeId: string): Promise<Release[]>;
  latestRiskRecord(changeId: string): Promise<RiskRecord | undefined>;
  /** Every version, oldest first. */
  listRiskRecords(changeId: string): Promise<RiskRecord[]>;

  /** Oldest first. */
  listDeployments(releaseId: string): Promise<Deployment[]>;
  latestGateDecision(
    releaseId: string,
    environment: string,
  ): Promise<GateDecisionRecord | undefined>;
  /** The latest decision's hash and time, without its body: what the gate compares against. */
  latestGateDecisionHead(
    releaseId: string,
    environment: string,
  ): Promise<GateDecisionHead | undefined>;
  /** Oldest first. */
  listGateDecisions(releaseId: string): Promise<GateDecisionRecord[]>;

  /** A release's signatures (approvals and withdrawals), oldest first. */
  listSignatures(releaseId: string): Promise<SignatureRecord[]>;
  getSignature(id: string): Promise<SignatureRecord | undefined>;
  listConditionFulfilments(releaseId: string): Promise<ConditionFulfilment[]>;
  /** Exceptions whose scope names this release or its service, oldest first. */
  listExceptionsFor(release: { id: string; service: string }): Promise<ExceptionRecord[]>;
  getException(id: string): Promise<ExceptionRecord | undefined>;
  /** Filtered as asked, newest first, in pages. */
  listExceptions(query: ExceptionQuery): Promise<Page<ExceptionRecord>>;
  /** Request time, expiry and approval of every exception the filter matches (aging counts). */
  exceptionTimes(filter: ExceptionFilter): Promise<ExceptionTimes[]>;
  /** Delegations naming this person as the delegate, oldest first. */
  listDelegationsTo(delegate: string): Promise<Delegation[]>;
  /** Newest first. */
  /** Newest first; only those `involving` a person as delegator or delegate when given. */
  listDelegations(limit: number, involving?: string): Promise<Delegation[]>;
  /** Outbound webhook subscriptions, oldest first. */
  listOutboundWebhooks(): Promise<OutboundWebhook[]>;
  getOutboundWebhook(id: string): Promise<OutboundWebhook | undefined>;
  getWebhookDelivery(
    source: WebhookSource,
    deliveryId: string,
  ): Promise<WebhookDelivery | undefined>;
  /** The first delivery from this source whose body had this SHA-256. */
  findWebhookDeliveryByBody(
    source: WebhookSource,
    bodySha256: string,
  ): Promise<WebhookDelivery | undefined>;
  getIntegration(source: WebhookSource): Promise<Integration | undefined>;
  /** By source name. */
  listIntegrations(): Promise<Integration[]>;

  /** The latest recorded decision for each environment the release was gated for, by environment. */
  latestGateDecisions(releaseId: string): Promise<GateDecisionRecord[]>;

  releaseThroughput(period: DashboardPeriod): Promise<ThroughputRow[]>;
  evidenceGaps(period: DashboardPeriod): Promise<EvidenceGapRows>;
  /**
   * Deployments and lead times summed per bucket, each row dated by its bucket's first day (the
   * day, the ISO week's Monday, the month's 1st), so a year is a few hundred rows; restores one
   * per failure, by day.
   */
  deliveryFigures(
    period: DashboardPeriod,
    environment: string,
    bucket: DashboardBucket,
  ): Promise<DeliveryRows>;
  getJob(id: string): Promise<Job | undefined>;
  /** Newest first. */
  listJobs(query: JobQuery): Promise<Page<Job>>;
  /** How many jobs are in each state. */
  countJobs(): Promise<Record<JobState, number>>;
  /**
   * Releases created in the period whose latest gate decision (in any environment) waits for a
   * role's approval now, by role and the UTC day the wait began (a release waiting in two
   * environments counts once, from the first decision that asked).
   */
  pendingApprovals(period: DashboardPeriod): Promise<PendingApprovalRow[]>;
  /**
   * Completed approval waits whose ending signature fell in the period, summed per bucket, role
   * and duration bin, and per risk class and bin (core/dashboard/approval-cycle.ts defines the
   * measure).
   */
  approvalCycles(period: DashboardPeriod, bucket: DashboardBucket): Promise<ApprovalCycleRows>;
}

/** A signed checkpoint of the audit log as published. */
export type StoredCheckpoint = SignedCheckpoint;

/** Writes. Only reachable inside `Store.transaction`, so every change commits with its audit entry. */
export interface StoreTx extends StoreReader {
  insertRelease(release: Release): Promise<void>;
  /** Inserts the record and counts it on its release. */
  insertEvidence(evidence: Evidence): Promise<void>;
  insertToken(token: ApiToken): Promise<void>;
  /** Marks a token revoked; the record stays. */
  revokeToken(id: string, at: string, by: string): Promise<void>;
  /** Inserts the account, its password hash and its initial role grants; a taken username conflicts. */
  insertUser(user: User, credentials: Pick<UserCredentials, 'passwordHash'>): Promise<void>;
  setUserDisabled(userId: string, at: string): Promise<void>;
  /** Adds a grant; false if the user already held the role. */
  grantRole(userId: string, role: Role, at: string, by: string): Promise<boolean>;
  /** Removes a grant; false if the user did not hold the role. */
  revokeRole(userId: string, role: Role): Promise<boolean>;
  /** Records the outcome of a password check: failed attempts and lockout. */
  setAuthState(
    userId: string,
    state: Pick<UserCredentials, 'failedAttempts' | 'lockedUntil'>,
  ): Promise<void>;
  /** Replaces the password hash (a rehash with stronger parameters at sign-in). */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  insertSession(session: Session): Promise<void>;
  endSession(id: string, at: string): Promise<void>;
  /** Training records are write-once. */
  insertTraining(record: TrainingRecord): Promise<void>;
  /**
   * Appends at the next sequence number, stores the Merkle subtree hashes the new leaf completes,
   * and returns the sealed entry.
   */
  appendAudit(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Records a signed checkpoint; a checkpoint for a size already recorded is a conflict. */
  insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** Records a log signing key (write-once); the same name twice is a conflict. */
  insertLogKey(key: LogKeyRecord): Promise<void>;
  /** Creates or replaces the service's record. */
  putService(service: ServiceRecord): Promise<void>;
  /**
   * Stores a policy text under the next version number, or returns the stored version when the
   * same text (same sha256) is already there.
   */
  insertPolicyVersion(
    policy: Omit<PolicyVersion, 'version'>,
  ): Promise<{ policy: PolicyVersion; created: boolean }>;
  insertPolicyActivation(activation: Omit<PolicyActivation, 'seq'>): Promise<PolicyActivation>;
  /** The next free change number (highest recorded + 1). */
  nextChangeNumber(): Promise<number>;
  insertChange(change: ChangeRequest): Promise<void>;
  /** Appends a version; a version already recorded for the change is a conflict. */
  insertRiskRecord(record: RiskRecord): Promise<void>;
  insertDeployment(deployment: Deployment): Promise<void>;
  insertGateDecision(record: Omit<GateDecisionRecord, 'seq'>): Promise<GateDecisionRecord>;
  /**
   * Holds the release against concurrent signing until the transaction ends (PostgreSQL: a row
   * lock; SQLite's single writer already serializes), so two signatures checked against the same
   * state cannot both pass a rule that only one may.
   */
  lockRelease(releaseId: string): Promise<void>;
  /** Appends a signature; a second withdrawal of the same approval is a conflict. */
  insertSignature(signature: SignatureRecord): Promise<void>;
  /** Records a met condition; a second one for the same signature is a conflict. */
  insertConditionFulfilment(fulfilment: ConditionFulfilment): Promise<void>;
  /** Stores an exception request (its `approval` must be null). */
  insertException(exception: ExceptionRecord): Promise<void>;
  insertDelegation(delegation: Delegation): Promise<void>;
  insertOutboundWebhook(webhook: OutboundWebhook): Promise<void>;
  /** Removes a subscription; false when there was none. */
  deleteOutboundWebhook(id: string): Promise<boolean>;
  /** Records the approval of an exception; a second approval is a conflict. */
  insertExceptionApproval(
    exceptionId: string,
    approval: NonNullable<ExceptionRecord['approval']>,
  ): Promise<void>;
  /** Write-once; the same source and delivery id twice is a conflict (a redelivery). */
  insertWebhookDelivery(delivery: WebhookDelivery): Promise<void>;
  /** Sets the integration of its source, replacing any earlier one. */
  putIntegration(integration: Integration): Promise<void>;
  /** Whether there was one to remove. */
  deleteIntegration(source: WebhookSource): Promise<boolean>;
  /**
   * Queues a job; commits with the change that caused it. Returns false, changing nothing, when
   * a job with the same dedupe key already exists (in any state).
   */
  enqueueJob(job: NewJob): Promise<boolean>;
  /**
   * Marks up to `limit` due jobs (`queued` or `failed`, `runAt` ≤ now, oldest due first) as
   * `running` under a lease for `owner`, counting an attempt, and returns them. Concurrent
   * claimers, in this process or another, never receive the same job.
   */
  claimJobs(claim: JobClaim): Promise<Job[]>;
  /** Moves the lease of a job this owner still holds; false if it no longer holds it. */
  extendJobLease(lease: JobLease & { leaseExpiresAt: string }): Promise<boolean>;
  /** `running` → `done`, only for the lease holder; false if it no longer holds the lease. */
  completeJob(lease: JobLease): Promise<boolean>;
  /**
   * Records a failed attempt: `failed` to run again at `retryAt`, or `dead` when `retryAt` is
   * null. Only for the lease holder; false if it no longer holds the lease.
   */
  failJob(lease: JobLease & { error: string; retryAt: string | null }): Promise<boolean>;
  /**
   * Gives a claimed job back unfinished (the worker is stopping): `queued` again at once, the
   * attempt not counted. False if the owner no longer holds the lease.
   */
  releaseJob(lease: JobLease): Promise<boolean>;
  /**
   * Jobs whose lease expired at or before `now` (their worker died or stalled) become `failed`,
   * due at once, or `dead` if their attempts are used up. Returns how many were reclaimed.
   */
  reclaimExpiredJobs(now: string): Promise<number>;
  /** Deletes jobs finished (`done`) before `before`; returns how many. Failed and dead ones stay. */
  pruneDoneJobs(before: string): Promise<number>;
}

export interface Store extends StoreReader {
  /**
   * Runs `work` in one atomic, durable transaction: all of its writes commit together or none do.
   * Transactions on one store never interleave.
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Unique-key violations surface as this, so services can tell a race from a fault. */
export class StoreConflictError extends Error {
  readonly constraint: string;
  constructor(constraint: string, options?: { cause?: unknown }) {
    super(`store conflict on ${constraint}`, options);
    this.name = 'StoreConflictError';
    this.constraint = constraint;
  }
}

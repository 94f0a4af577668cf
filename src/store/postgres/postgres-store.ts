import pg from 'pg';
import { type Role, sortRoles } from '../../core/access/roles.ts';
import type { Session } from '../../core/access/session.ts';
import type { TrainingRecord } from '../../core/access/training.ts';
import type { User, UserCredentials } from '../../core/access/user.ts';
import type { ApiToken } from '../../core/api-token.ts';
import type { Delegation } from '../../core/approval/delegation.ts';
import type { ConditionFulfilment, SignatureRecord } from '../../core/approval/signature.ts';
import {
  type AuditEntry,
  type AuditEntryInput,
  auditLeafText,
} from '../../core/audit-log/audit-entry.ts';
import type { LogKeyRecord } from '../../core/audit-log/checkpoint.ts';
import { type LeafBatch, packLeafTexts } from '../../core/audit-log/leaf-batch.ts';
import type { SubtreeRef } from '../../core/audit-log/merkle-tree.ts';
import type { ChangeRequest } from '../../core/change/change-request.ts';
import type { CiContext } from '../../core/ci-context.ts';
import type { DashboardBucket } from '../../core/dashboard/dashboards.ts';
import type { ExceptionTimes } from '../../core/dashboard/exception-aging.ts';
import type { Deployment } from '../../core/deployment/deployment.ts';
import type { Evidence, EvidenceKind } from '../../core/evidence-record.ts';
import type { ExceptionRecord } from '../../core/exception/exception.ts';
import { emptyJobCounts, type Job, type JobState } from '../../core/job.ts';
import type { OutboundWebhook } from '../../core/outbound/outbound-webhook.ts';
import type { Page } from '../../core/page.ts';
import type { GateDecisionRecord } from '../../core/policy/gate-record.ts';
import type { PolicyActivation, PolicyVersion } from '../../core/policy/policy-version.ts';
import type { Release, ReleaseState } from '../../core/release.ts';
import type { RiskRecord } from '../../core/risk/risk-record.ts';
import type { ServiceRecord } from '../../core/service-record.ts';
import type {
  DeliveryOutcome,
  Integration,
  WebhookDelivery,
  WebhookSource,
} from '../../core/webhooks/webhook-source.ts';
import { decodeSeqCursor, encodeSeqCursor } from '../cursor.ts';
import { countRelease } from '../dashboard-upkeep.ts';
import {
  type ExceptionDialect,
  exceptionListingSql,
  exceptionTimesSql,
  nextExceptionCursor,
} from '../exception-listing-sql.ts';
import {
  type ListingDialect,
  nextReleaseCursor,
  PENDING_DRIVE_LIMIT,
  pendingCountSql,
  releaseListingSql,
} from '../release-listing-sql.ts';
import { toException } from '../signature-rows.ts';
import {
  type AuditQuery,
  type AuditRange,
  type ChangeQuery,
  type DashboardPeriod,
  type ExceptionFilter,
  type ExceptionQuery,
  type JobClaim,
  type JobLease,
  type JobQuery,
  type NewJob,
  type ReleaseQuery,
  type Store,
  StoreConflictError,
  type StoredCheckpoint,
  type StoreReader,
  type StoreTx,
} from '../store.ts';
import { applyPostgresMigrations } from './apply-migrations.ts';
import { type AuditTail, auditTailOf, auditTailSql } from './audit-tail.ts';
import { controlTablesIn, PostgresControlWrites } from './control-tables.ts';
import { postgresDashboards } from './dashboard-reads.ts';
import { GroupCommit, type GroupUnit, MAX_OPEN_GROUPS } from './group-commit.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { prepared, queryConfig } from './prepared.ts';
import { ADVISORY_LOCK, checkSchemaName, DEFAULT_SCHEMA, quotedSchema } from './schema-name.ts';
import { PostgresSignatureTables, signatureTablesIn } from './signature-tables.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` */
  url: string;
  /** Schema holding the store's tables; created and migrated on open. Default `public`. */
  schema?: string;
  /**
   * Connections in total, at most: two serve transactions (one if fewer than 4 in all: group
   * commit runs at most two transactions at once), the rest reads made outside one. Default 10,
   * at least 2.
   */
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;

/**
 * Opens the PostgreSQL store in `schema`, creating and migrating the schema if needed.
 *
 * Transactions and reads made outside a transaction use two separate pools, as the SQLite
 * adapter uses a writer and a reader connection: a transaction that reads through the store (not
 * its `tx`) while every connection is held by a transaction would otherwise wait forever.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const poolSize = Math.max(2, options.poolSize ?? DEFAULT_POOL_SIZE);
  const txPoolSize = poolSize >= 4 ? MAX_OPEN_GROUPS : 1;
  const readPool = openPool(options.url, poolSize - txPoolSize);
  const txPool = openPool(options.url, txPoolSize);
  try {
    await applyPostgresMigrations(txPool, schema, POSTGRES_MIGRATIONS);
  } catch (error) {
    await Promise.all([readPool.end(), txPool.end()]);
    throw error;
  }
  return new PostgresStore(schema, readPool, txPool);
}

function openPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection that drops (server restart, network) is removed from the pool and the
  // next checkout opens a new one; unhandled, the 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Table names qualified with the store's schema, so no statement depends on `search_path`. */
function tablesIn(schema: string) {
  const s = quotedSchema(schema);
  return {
    releases: `${s}.releases`,
    evidence: `${s}.evidence`,
    apiTokens: `${s}.api_tokens`,
    auditLog: `${s}.audit_log`,
    merkleNodes: `${s}.merkle_nodes`,
    checkpoints: `${s}.checkpoints`,
    logKeys: `${s}.log_keys`,
    control: controlTablesIn(s),
    signatures: signatureTablesIn(s),
    users: `${s}.users`,
    roleGrants: `${s}.role_grants`,
    sessions: `${s}.sessions`,
    training: `${s}.training_records`,
    webhookDeliveries: `${s}.webhook_deliveries`,
    integrations: `${s}.integrations`,
    jobs: `${s}.jobs`,
  };
}
type Tables = ReturnType<typeof tablesIn>;

/** Reads over whatever `run` is bound to: a pool outside a transaction, a client inside one. */
class PostgresReads implements StoreReader {
  protected readonly run: Run;
  protected readonly t: Tables;
  /** The release-control tables; only `PostgresWrites` exposes their writes. */
  protected readonly control: PostgresControlWrites;
  /** Signatures and exceptions; only `PostgresWrites` exposes their writes. */
  protected readonly signing: PostgresSignatureTables;

  constructor(run: Run, tables: Tables) {
    this.run = run;
    this.t = tables;
    this.control = new PostgresControlWrites(run, tables.control);
    this.signing = new PostgresSignatureTables(run, tables.signatures);
  }

  listSignatures(releaseId: string) {
    return this.signing.listSignatures(releaseId);
  }

  getSignature(id: string) {
    return this.signing.getSignature(id);
  }

  listConditionFulfilments(releaseId: string) {
    return this.signing.listConditionFulfilments(releaseId);
  }

  listExceptionsFor(release: { id: string; service: string }) {
    return this.signing.listExceptionsFor(release);
  }

  getException(id: string) {
    return this.signing.getException(id);
  }

  async listExceptions(query: ExceptionQuery): Promise<Page<ExceptionRecord>> {
    const params: unknown[] = [];
    const rows = await this.run(exceptionListingSql(query, this.#exceptionDialect(params)), params);
    return {
      items: rows.slice(0, query.limit).map(toException),
      nextCursor: nextExceptionCursor(query, rows),
    };
  }

  async exceptionTimes(filter: ExceptionFilter): Promise<ExceptionTimes[]> {
    const params: unknown[] = [];
    const rows = await this.run(exceptionTimesSql(filter, this.#exceptionDialect(params)), params);
    return rows.map((row) => ({
      requestedAt: String(row.requested_at),
      expiresAt: String(row.expires_at),
      approved: Boolean(row.approved),
    }));
  }

  #exceptionDialect(params: unknown[]): ExceptionDialect {
    return {
      tables: {
        exceptions: this.t.signatures.exceptions,
        approvals: this.t.signatures.exceptionApprovals,
      },
      param(value) {
        params.push(value);
        return `$${params.length}`;
      },
      requestedAt: "(e.record ->> 'requestedAt')",
    };
  }

  listDelegationsTo(delegate: string) {
    return this.signing.listDelegationsTo(delegate);
  }

  listDelegations(limit: number, involving?: string) {
    return this.signing.listDelegations(limit, involving);
  }

  listOutboundWebhooks() {
    return this.signing.listOutboundWebhooks();
  }

  getOutboundWebhook(id: string) {
    return this.signing.getOutboundWebhook(id);
  }

  async getReleaseById(id: string): Promise<Release | undefined> {
    const [row] = await this.run(prepared(`SELECT * FROM ${this.t.releases} WHERE id = $1`), [id]);
    return row ? toRelease(row) : undefined;
  }

  async getReleaseByTag(tag: string): Promise<Release | undefined> {
    const [row] = await this.run(prepared(`SELECT * FROM ${this.t.releases} WHERE tag = $1`), [
      tag,
    ]);
    return row ? toRelease(row) : undefined;
  }

  async listReleases(query: ReleaseQuery): Promise<Page<Release>> {
    const dialect = (params: unknown[]): ListingDialect => ({
      tables: {
        releases: this.t.releases,
        changes: this.t.control.changes,
        gateLatest: this.t.control.gateLatest,
        gatePending: this.t.control.gateLatestPending,
      },
      param(value) {
        params.push(value);
        return `$${params.length}`;
      },
      text: (column) => `${column} COLLATE "C"`,
    });
    let pendingFirst = false;
    if (query.pendingRoles !== undefined && query.pendingRoles.length > 0) {
      const params: unknown[] = [];
      const [counted] = await this.run(pendingCountSql(query, dialect(params)), params);
      pendingFirst = Number(counted?.n) < PENDING_DRIVE_LIMIT;
    }
    const params: unknown[] = [];
    const sql = releaseListingSql(query, dialect(params), { pendingFirst });
    const rows = await this.run(sql, params);
    return {
      items: rows.slice(0, query.limit).map(toRelease),
      nextCursor: nextReleaseCursor(query, rows),
    };
  }

  async listEvidence(releaseId: string): Promise<Evidence[]> {
    const rows = await this.run(
      `SELECT * FROM ${this.t.evidence} WHERE release_id = $1 ORDER BY seq`,
      [releaseId],
    );
    return rows.map(toEvidence);
  }

  async findEvidence(
    releaseId: string,
    kind: EvidenceKind,
    sha256: string,
  ): Promise<Evidence | undefined> {
    const [row] = await this.run(
      prepared(
        `SELECT * FROM ${this.t.evidence} WHERE release_id = $1 AND kind = $2 AND sha256 = $3`,
      ),
      [releaseId, kind, sha256],
    );
    return row ? toEvidence(row) : undefined;
  }

  async findReleasesByCommit(commit: string): Promise<Release[]> {
    const rows = await this.run(
      `SELECT * FROM ${this.t.releases} WHERE commit_sha = $1 ORDER BY seq`,
      [commit],
    );
    return rows.map(toRelease);
  }

  async findReleasesByArtifact(digest: string): Promise<Release[]> {
    // `@>` (array contains) is what the GIN index on artifacts answers.
    const rows = await this.run(
      `SELECT * FROM ${this.t.releases} WHERE artifacts @> ARRAY[$1::text] ORDER BY seq`,
      [digest],
    );
    return rows.map(toRelease);
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    const rows = await this.run(`SELECT 1 FROM ${this.t.evidence} WHERE sha256 = $1 LIMIT 1`, [
      sha256,
    ]);
    return rows.length > 0;
  }

  async findTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const [row] = await this.run(
      prepared(`SELECT * FROM ${this.t.apiTokens} WHERE token_hash = $1`),
      [tokenHash],
    );
    return row ? toToken(row) : undefined;
  }

  async countTokens(): Promise<number> {
    const [row] = await this.run(`SELECT count(*) AS n FROM ${this.t.apiTokens}`);
    return Number(row?.n ?? 0);
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.run(`SELECT * FROM ${this.t.apiTokens} ORDER BY created_at, id`);
    return rows.map(toToken);
  }

  async findToken(idOrName: string): Promise<ApiToken | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.apiTokens} WHERE id = $1 OR name = $1`, [
      idOrName,
    ]);
    return row ? toToken(row) : undefined;
  }

  async getUser(username: string): Promise<User | undefined> {
    const [row] = await this.run(
      `SELECT u.*, ARRAY(SELECT role FROM ${this.t.roleGrants} g WHERE g.user_id = u.id) AS roles
       FROM ${this.t.users} u WHERE u.username = $1`,
      [username],
    );
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.run(
      `SELECT u.*, ARRAY(SELECT role FROM ${this.t.roleGrants} g WHERE g.user_id = u.id) AS roles
       FROM ${this.t.users} u ORDER BY u.username`,
    );
    return rows.map(toUser);
  }

  async getUserCredentials(userId: string): Promise<UserCredentials | undefined> {
    const [row] = await this.run(
      `SELECT id, password_hash, failed_attempts, locked_until FROM ${this.t.users} WHERE id = $1`,
      [userId],
    );
    return row
      ? {
          userId: String(row.id),
          passwordHash: String(row.password_hash),
          failedAttempts: Number(row.failed_attempts),
          lockedUntil: nullableText(row.locked_until),
        }
      : undefined;
  }

  async listTraining(username: string): Promise<TrainingRecord[]> {
    const rows = await this.run(
      `SELECT t.*, u.username FROM ${this.t.training} t JOIN ${this.t.users} u ON u.id = t.user_id
       WHERE u.username = $1 ORDER BY t.seq`,
      [username],
    );
    return rows.map(toTraining);
  }

  async findSessionByHash(tokenHash: string): Promise<Session | undefined> {
    const [row] = await this.run(
      `SELECT s.*, u.username FROM ${this.t.sessions} s JOIN ${this.t.users} u ON u.id = s.user_id
       WHERE s.token_hash = $1`,
      [tokenHash],
    );
    return row ? toSession(row) : undefined;
  }

  async listAuditEntries(query: AuditQuery): Promise<AuditEntry[]> {
    const rows = await this.run(
      `SELECT * FROM ${this.t.auditLog} WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [query.fromSeq, query.limit],
    );
    return rows.map(toAuditEntry);
  }

  async listAuditLeafTexts(query: AuditQuery): Promise<string[]> {
    // json (not jsonb) keeps the stored canonical text byte for byte.
    const rows = await this.run(
      `SELECT seq, time, actor, action, subject, details::text AS details FROM ${this.t.auditLog}
       WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [query.fromSeq, query.limit],
    );
    return rows.map(leafTextOfRow);
  }

  async readAuditLeafBatch(range: AuditRange): Promise<LeafBatch> {
    // Texts built in JavaScript: PostgreSQL mode is verified over the network, where the row
    // transfer, not building the text, is the cost.
    const rows = await this.run(
      `SELECT seq, time, actor, action, subject, details::text AS details FROM ${this.t.auditLog}
       WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [range.fromSeq, range.toSeq],
    );
    return packLeafTexts(rows.map(leafTextOfRow));
  }

  async listAuditEntriesFor(subject: string): Promise<AuditEntry[]> {
    const rows = await this.run(
      `SELECT * FROM ${this.t.auditLog} WHERE subject = $1 ORDER BY seq`,
      [subject],
    );
    return rows.map(toAuditEntry);
  }

  async countAuditEntries(): Promise<number> {
    // The log is gap-free from 0, so its size is the last seq + 1: one index probe, where
    // count(*) would scan the whole table.
    const [row] = await this.run(`SELECT COALESCE(max(seq) + 1, 0) AS n FROM ${this.t.auditLog}`);
    return Number(row?.n ?? 0);
  }

  async getSubtreeHashes(refs: readonly SubtreeRef[]): Promise<Uint8Array[]> {
    if (refs.length === 0) return [];
    const rows = await this.run(
      `SELECT wanted.level, wanted.idx, node.hash
       FROM unnest($1::integer[], $2::bigint[]) WITH ORDINALITY AS wanted (level, idx, position)
       LEFT JOIN ${this.t.merkleNodes} AS node
         ON node.level = wanted.level AND node.idx = wanted.idx
       ORDER BY wanted.position`,
      [refs.map((ref) => ref.level), refs.map((ref) => ref.index)],
    );
    return rows.map((row) => {
      if (row.hash === null) {
        throw new Error(`Merkle subtree ${row.level}/${row.idx} is not stored`);
      }
      return new Uint8Array(row.hash as Buffer);
    });
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.checkpoints} ORDER BY size DESC LIMIT 1`);
    return row ? toCheckpoint(row) : undefined;
  }

  async getCheckpoint(size: number): Promise<StoredCheckpoint | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.checkpoints} WHERE size = $1`, [size]);
    return row ? toCheckpoint(row) : undefined;
  }

  async listLogKeys(): Promise<LogKeyRecord[]> {
    const rows = await this.run(`SELECT * FROM ${this.t.logKeys} ORDER BY created_at, name`);
    return rows.map((row) => ({
      name: String(row.name),
      origin: String(row.origin),
      verifierKey: String(row.verifier_key),
      createdAt: String(row.created_at),
    }));
  }

  async listCheckpoints(query: { fromSize: number; limit: number }): Promise<StoredCheckpoint[]> {
    const rows = await this.run(
      `SELECT * FROM ${this.t.checkpoints} WHERE size >= $1 ORDER BY size LIMIT $2`,
      [query.fromSize, query.limit],
    );
    return rows.map(toCheckpoint);
  }

  getService(name: string) {
    return this.control.getService(name);
  }

  listServices() {
    return this.control.listServices();
  }

  serviceTrackRecord(service: string) {
    return this.control.serviceTrackRecord(service);
  }

  getPolicyVersion(version: number) {
    return this.control.getPolicyVersion(version);
  }

  getPolicyBySha256(sha256: string) {
    return this.control.getPolicyBySha256(sha256);
  }

  listPolicyVersions(limit: number) {
    return this.control.listPolicyVersions(limit);
  }

  getActivePolicy(service: string) {
    return this.control.getActivePolicy(service);
  }

  getActivationFor(service: string) {
    return this.control.getActivationFor(service);
  }

  latestGateDecisionHead(releaseId: string, environment: string) {
    return this.control.latestGateDecisionHead(releaseId, environment);
  }

  getActivationForScope(scope: string) {
    return this.control.getActivationForScope(scope);
  }

  listPolicyActivations(limit: number) {
    return this.control.listPolicyActivations(limit);
  }

  getChange(id: string) {
    return this.control.getChange(id);
  }

  listChanges(query: ChangeQuery) {
    return this.control.listChanges(query);
  }

  async listReleasesForChange(changeId: string): Promise<Release[]> {
    return (await this.control.releaseRowsForChange(changeId)).map(toRelease);
  }

  latestRiskRecord(changeId: string) {
    return this.control.latestRiskRecord(changeId);
  }

  listRiskRecords(changeId: string) {
    return this.control.listRiskRecords(changeId);
  }

  listDeployments(releaseId: string) {
    return this.control.listDeployments(releaseId);
  }

  latestGateDecision(releaseId: string, environment: string) {
    return this.control.latestGateDecision(releaseId, environment);
  }

  listGateDecisions(releaseId: string) {
    return this.control.listGateDecisions(releaseId);
  }

  async getWebhookDelivery(
    source: WebhookSource,
    deliveryId: string,
  ): Promise<WebhookDelivery | undefined> {
    const [row] = await this.run(
      `SELECT * FROM ${this.t.webhookDeliveries} WHERE source = $1 AND delivery_id = $2`,
      [source, deliveryId],
    );
    return row ? toDelivery(row) : undefined;
  }

  async findWebhookDeliveryByBody(
    source: WebhookSource,
    bodySha256: string,
  ): Promise<WebhookDelivery | undefined> {
    const [row] = await this.run(
      `SELECT * FROM ${this.t.webhookDeliveries} WHERE source = $1 AND body_sha256 = $2
       ORDER BY received_at LIMIT 1`,
      [source, bodySha256],
    );
    return row ? toDelivery(row) : undefined;
  }

  async getIntegration(source: WebhookSource): Promise<Integration | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.integrations} WHERE source = $1`, [
      source,
    ]);
    return row ? toIntegration(row) : undefined;
  }

  async listIntegrations(): Promise<Integration[]> {
    const rows = await this.run(`SELECT * FROM ${this.t.integrations} ORDER BY source`);
    return rows.map(toIntegration);
  }

  latestGateDecisions(releaseId: string) {
    return this.control.latestGateDecisions(releaseId);
  }

  releaseThroughput(period: DashboardPeriod) {
    return postgresDashboards(this.run, this.t.control).releaseThroughput(period);
  }

  pendingApprovals(period: DashboardPeriod) {
    return postgresDashboards(this.run, this.t.control).pendingApprovals(period);
  }

  approvalCycles(period: DashboardPeriod, bucket: DashboardBucket) {
    return postgresDashboards(this.run, this.t.control).approvalCycles(period, bucket);
  }

  evidenceGaps(period: DashboardPeriod) {
    return postgresDashboards(this.run, this.t.control).evidenceGaps(period);
  }

  deliveryFigures(period: DashboardPeriod, environment: string, bucket: DashboardBucket) {
    return postgresDashboards(this.run, this.t.control).deliveryFigures(
      period,
      environment,
      bucket,
    );
  }

  async getJob(id: string): Promise<Job | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.jobs} WHERE id = $1`, [id]);
    return row ? toJob(row) : undefined;
  }

  async listJobs(query: JobQuery): Promise<Page<Job>> {
    const before =
      query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeSeqCursor(query.cursor);
    const rows = await this.run(
      `SELECT * FROM ${this.t.jobs} WHERE seq < $1
         AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR kind = $3)
       ORDER BY seq DESC LIMIT $4`,
      [before, query.state ?? null, query.kind ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toJob),
      nextCursor: rows.length > query.limit && last ? encodeSeqCursor(Number(last.seq)) : null,
    };
  }

  async countJobs(): Promise<Record<JobState, number>> {
    const counts = emptyJobCounts();
    const rows = await this.run(`SELECT state, count(*) AS n FROM ${this.t.jobs} GROUP BY state`);
    for (const row of rows) counts[String(row.state) as JobState] = Number(row.n);
    return counts;
  }
}

/**
 * Writes of one unit of a group transaction (see group-commit.ts), over the group's client. The
 * group holds the audit-append lock, so appends are sealed against `tail` in memory and written
 * before COMMIT, or before anything in this unit reads the log back.
 */
export class PostgresWrites extends PostgresReads implements StoreTx {
  readonly #schema: string;
  readonly #tail: AuditTail;
  readonly #assertOpen: () => void;
  readonly #runNow: Run;
  readonly #deferred: DeferredWrite[];
  readonly #flushDeferred: () => Promise<void>;

  constructor(run: Run, tables: Tables, schema: string, unit: GroupUnit) {
    const deferred: DeferredWrite[] = [];
    const flushDeferred = async () => {
      const writes = deferred.splice(0);
      if (writes.length === 0) return;
      const merged = mergeWrites(writes, 0);
      await run(`WITH ${merged.ctes} SELECT 1`, merged.values);
    };
    // Every statement runs after the deferred writes, so it sees them.
    super(async (sql, values) => {
      await flushDeferred();
      return run(sql, values);
    }, tables);
    this.#deferred = deferred;
    this.#flushDeferred = flushDeferred;
    this.#runNow = run;
    this.#schema = schema;
    this.#tail = unit.tail;
    this.#assertOpen = unit.assertOpen;
  }

  override async listAuditEntries(query: AuditQuery): Promise<AuditEntry[]> {
    await this.#writeTail();
    return super.listAuditEntries(query);
  }

  override async listAuditLeafTexts(query: AuditQuery): Promise<string[]> {
    await this.#writeTail();
    return super.listAuditLeafTexts(query);
  }

  override async readAuditLeafBatch(range: AuditRange): Promise<LeafBatch> {
    await this.#writeTail();
    return super.readAuditLeafBatch(range);
  }

  override async listAuditEntriesFor(subject: string): Promise<AuditEntry[]> {
    await this.#writeTail();
    return super.listAuditEntriesFor(subject);
  }

  override async countAuditEntries(): Promise<number> {
    await this.#writeTail();
    return super.countAuditEntries();
  }

  override async getSubtreeHashes(refs: readonly SubtreeRef[]): Promise<Uint8Array[]> {
    await this.#writeTail();
    return super.getSubtreeHashes(refs);
  }

  #writeTail(): Promise<void> {
    return this.#tail.write(this.run, this.t);
  }

  async insertRelease(release: Release): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.releases} (id, tag, service, version, commit_sha, change_id,
         artifacts, state, created_at, created_by, evidence_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        release.id,
        release.tag,
        release.service,
        release.version,
        release.commit,
        release.change,
        release.artifacts,
        release.state,
        release.createdAt,
        release.createdBy,
        release.evidenceCount,
      ],
    );
    await countRelease(this.control.upkeep, release);
  }

  async insertEvidence(evidence: Evidence): Promise<void> {
    // One statement, one round trip: its blob if written here, the record and the count.
    await this.#runWithDeferred(
      `inserted AS (
         INSERT INTO ${this.t.evidence} (id, release_id, kind, name, size, sha256, media_type,
           format, summary, submitted_by, submitted_at, ci_context)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       )`,
      `UPDATE ${this.t.releases} SET evidence_count = evidence_count + 1 WHERE id = $2`,
      [
        evidence.id,
        evidence.releaseId,
        evidence.kind,
        evidence.name,
        evidence.size,
        evidence.sha256,
        evidence.mediaType,
        evidence.format,
        evidence.summary === null ? null : JSON.stringify(evidence.summary),
        evidence.submittedBy,
        evidence.submittedAt,
        evidence.ciContext === null ? null : JSON.stringify(evidence.ciContext),
      ],
    );
  }

  async insertToken(token: ApiToken): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.apiTokens} (id, name, token_hash, roles, services, created_at,
         created_by, expires_at, revoked_at, revoked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        token.id,
        token.name,
        token.tokenHash,
        token.roles,
        token.services,
        token.createdAt,
        token.createdBy,
        token.expiresAt,
        token.revokedAt,
        token.revokedBy,
      ],
    );
  }

  /**
   * Inside a transaction the row is locked until it ends: a failed-attempt count is read, then
   * written back one higher, and two wrong passwords at the same moment must both count.
   */
  override async getUserCredentials(userId: string): Promise<UserCredentials | undefined> {
    const [row] = await this.run(
      `SELECT id, password_hash, failed_attempts, locked_until FROM ${this.t.users}
       WHERE id = $1 FOR UPDATE`,
      [userId],
    );
    return row
      ? {
          userId: String(row.id),
          passwordHash: String(row.password_hash),
          failedAttempts: Number(row.failed_attempts),
          lockedUntil: nullableText(row.locked_until),
        }
      : undefined;
  }

  async revokeToken(id: string, at: string, by: string): Promise<void> {
    await this.run(
      `UPDATE ${this.t.apiTokens} SET revoked_at = $2, revoked_by = $3
       WHERE id = $1 AND revoked_at IS NULL`,
      [id, at, by],
    );
  }

  async insertUser(user: User, credentials: Pick<UserCredentials, 'passwordHash'>): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.users} (id, username, full_name, created_at, created_by, disabled_at,
         password_hash, failed_attempts, locked_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, NULL)`,
      [
        user.id,
        user.username,
        user.fullName,
        user.createdAt,
        user.createdBy,
        user.disabledAt,
        credentials.passwordHash,
      ],
    );
    for (const role of user.roles)
      await this.grantRole(user.id, role, user.createdAt, user.createdBy);
  }

  async setUserDisabled(userId: string, at: string): Promise<void> {
    await this.run(
      `UPDATE ${this.t.users} SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`,
      [userId, at],
    );
  }

  async grantRole(userId: string, role: Role, at: string, by: string): Promise<boolean> {
    const rows = await this.run(
      `INSERT INTO ${this.t.roleGrants} (user_id, role, granted_at, granted_by)
       VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, role) DO NOTHING RETURNING role`,
      [userId, role, at, by],
    );
    return rows.length > 0;
  }

  async revokeRole(userId: string, role: Role): Promise<boolean> {
    const rows = await this.run(
      `DELETE FROM ${this.t.roleGrants} WHERE user_id = $1 AND role = $2 RETURNING role`,
      [userId, role],
    );
    return rows.length > 0;
  }

  async setAuthState(
    userId: string,
    state: Pick<UserCredentials, 'failedAttempts' | 'lockedUntil'>,
  ): Promise<void> {
    await this.run(
      `UPDATE ${this.t.users} SET failed_attempts = $2, locked_until = $3 WHERE id = $1`,
      [userId, state.failedAttempts, state.lockedUntil],
    );
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.run(`UPDATE ${this.t.users} SET password_hash = $2 WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
  }

  async insertSession(session: Session): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.sessions} (id, token_hash, user_id, created_at, expires_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        session.id,
        session.tokenHash,
        session.userId,
        session.createdAt,
        session.expiresAt,
        session.endedAt,
      ],
    );
  }

  async endSession(id: string, at: string): Promise<void> {
    await this.run(
      `UPDATE ${this.t.sessions} SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL`,
      [id, at],
    );
  }

  async insertTraining(record: TrainingRecord): Promise<void> {
    const rows = await this.run(
      `INSERT INTO ${this.t.training} (id, user_id, course, version, completed_on, expires_on,
         recorded_at, recorded_by)
       SELECT $1, u.id, $3, $4, $5, $6, $7, $8 FROM ${this.t.users} u WHERE u.username = $2
       RETURNING id`,
      [
        record.id,
        record.username,
        record.course,
        record.version,
        record.completedOn,
        record.expiresOn,
        record.recordedAt,
        record.recordedBy,
      ],
    );
    if (rows.length === 0) throw new Error(`no user ${record.username}`);
  }

  async appendAudit(input: AuditEntryInput): Promise<AuditEntry> {
    this.#assertOpen();
    return this.#tail.append(input);
  }

  /** Whether blobs in `schema` can be written by this transaction. */
  holdsBlobsOf(schema: string): boolean {
    return schema === this.#schema;
  }

  /**
   * Not part of StoreTx: a write for the PostgreSQL blob store, which writes a small blob in the
   * transaction of the record pointing at it, so both commit together. Its common table
   * expressions (`$1`… its own values) run with this unit's next statement, before it, or when
   * the unit ends: the evidence record's insert takes them in, so the blob costs no round trip.
   */
  writeWithNext(write: DeferredWrite): void {
    this.#assertOpen();
    this.#deferred.push(write);
  }

  /** Runs the deferred writes now, on their own: before any other statement, and at the end. */
  finish(): Promise<void> {
    return this.#flushDeferred();
  }

  /** `WITH <deferred writes>, <ctes> <main>`: the deferred writes ride in this statement. */
  async #runWithDeferred(ctes: string, main: string, values: readonly unknown[]): Promise<Row[]> {
    const writes = this.#deferred.splice(0);
    const merged = mergeWrites(writes, values.length);
    const all = writes.length === 0 ? ctes : `${merged.ctes}, ${ctes}`;
    return this.#runNow(`WITH ${all} ${main}`, [...values, ...merged.values]);
  }

  async insertLogKey(key: LogKeyRecord): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.logKeys} (name, origin, verifier_key, created_at) VALUES ($1, $2, $3, $4)`,
      [key.name, key.origin, key.verifierKey, key.createdAt],
    );
  }

  async insertWebhookDelivery(delivery: WebhookDelivery): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.webhookDeliveries} (source, delivery_id, event, received_at, outcome,
         detail, evidence_ids, body_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        delivery.source,
        delivery.deliveryId,
        delivery.event,
        delivery.receivedAt,
        delivery.outcome,
        delivery.detail,
        delivery.evidenceIds,
        delivery.bodySha256,
      ],
    );
  }

  async putIntegration(integration: Integration): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.integrations} (source, secret, created_at, created_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (source) DO UPDATE SET secret = excluded.secret,
         created_at = excluded.created_at, created_by = excluded.created_by`,
      [integration.source, integration.secret, integration.createdAt, integration.createdBy],
    );
  }

  async deleteIntegration(source: WebhookSource): Promise<boolean> {
    const rows = await this.run(
      `DELETE FROM ${this.t.integrations} WHERE source = $1 RETURNING source`,
      [source],
    );
    return rows.length > 0;
  }

  async enqueueJob(job: NewJob): Promise<boolean> {
    // ON CONFLICT DO NOTHING, not a caught unique violation: a failed statement would abort the
    // transaction that carries the change the job belongs to.
    const rows = await this.run(
      `INSERT INTO ${this.t.jobs} (id, kind, dedupe_key, payload, state, run_at, attempts,
         max_attempts, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7, $7)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        job.id,
        job.kind,
        job.dedupeKey,
        JSON.stringify(job.payload),
        job.runAt,
        job.maxAttempts,
        job.createdAt,
      ],
    );
    return rows.length > 0;
  }

  async claimJobs(claim: JobClaim): Promise<Job[]> {
    // SKIP LOCKED: rows another instance is claiming right now are passed over, not waited on,
    // and a locked row is re-checked after the other claim commits, so no job is handed out twice.
    const rows = await this.run(
      `WITH due AS (
         SELECT seq FROM ${this.t.jobs}
         WHERE state IN ('queued', 'failed') AND run_at <= $3 AND kind = ANY($4::text[])
         ORDER BY run_at, seq LIMIT $5
         FOR UPDATE SKIP LOCKED)
       UPDATE ${this.t.jobs} AS job SET state = 'running', attempts = job.attempts + 1,
         lease_owner = $1, lease_expires_at = $2, updated_at = $3
       FROM due WHERE job.seq = due.seq
       RETURNING job.*`,
      [claim.owner, claim.leaseExpiresAt, claim.now, [...claim.kinds], claim.limit],
    );
    return rows.map(toJob).sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : 0));
  }

  async extendJobLease(lease: JobLease & { leaseExpiresAt: string }): Promise<boolean> {
    const rows = await this.run(
      `UPDATE ${this.t.jobs} SET lease_expires_at = $4, updated_at = $3
       WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
      [lease.id, lease.owner, lease.now, lease.leaseExpiresAt],
    );
    return rows.length > 0;
  }

  async pruneDoneJobs(before: string): Promise<number> {
    const rows = await this.run(
      `DELETE FROM ${this.t.jobs} WHERE state = 'done' AND updated_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  async completeJob(lease: JobLease): Promise<boolean> {
    const rows = await this.run(
      `UPDATE ${this.t.jobs} SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
         updated_at = $3
       WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
      [lease.id, lease.owner, lease.now],
    );
    return rows.length > 0;
  }

  async failJob(lease: JobLease & { error: string; retryAt: string | null }): Promise<boolean> {
    const rows = await this.run(
      `UPDATE ${this.t.jobs}
       SET state = CASE WHEN $5::timestamptz IS NULL THEN 'dead' ELSE 'failed' END,
         run_at = COALESCE($5::timestamptz, run_at), last_error = $4,
         lease_owner = NULL, lease_expires_at = NULL, updated_at = $3
       WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
      [lease.id, lease.owner, lease.now, lease.error, lease.retryAt],
    );
    return rows.length > 0;
  }

  async releaseJob(lease: JobLease): Promise<boolean> {
    const rows = await this.run(
      `UPDATE ${this.t.jobs} SET state = 'queued', attempts = GREATEST(attempts - 1, 0),
         run_at = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = $3
       WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
      [lease.id, lease.owner, lease.now],
    );
    return rows.length > 0;
  }

  async reclaimExpiredJobs(now: string): Promise<number> {
    const rows = await this.run(
      `UPDATE ${this.t.jobs} SET
         state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
         run_at = $1,
         last_error = 'lease of ' || lease_owner || ' expired at '
           || to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           || ' before the job finished',
         lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
       WHERE state = 'running' AND lease_expires_at <= $1 RETURNING id`,
      [now],
    );
    return rows.length;
  }

  async insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.checkpoints} (size, root_hash, time, key_name, note)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        checkpoint.size,
        Buffer.from(checkpoint.rootHash),
        checkpoint.time,
        checkpoint.keyName,
        checkpoint.note,
      ],
    );
  }

  putService(service: ServiceRecord) {
    return this.control.putService(service);
  }

  lockRelease(releaseId: string) {
    return this.signing.lockRelease(releaseId);
  }

  insertSignature(signature: SignatureRecord) {
    return this.signing.insertSignature(signature);
  }

  insertConditionFulfilment(fulfilment: ConditionFulfilment) {
    return this.signing.insertConditionFulfilment(fulfilment);
  }

  insertOutboundWebhook(webhook: OutboundWebhook) {
    return this.signing.insertOutboundWebhook(webhook);
  }

  deleteOutboundWebhook(id: string) {
    return this.signing.deleteOutboundWebhook(id);
  }

  insertDelegation(delegation: Delegation) {
    return this.signing.insertDelegation(delegation);
  }

  insertException(exception: ExceptionRecord) {
    return this.signing.insertException(exception);
  }

  insertExceptionApproval(exceptionId: string, approval: NonNullable<ExceptionRecord['approval']>) {
    return this.signing.insertExceptionApproval(exceptionId, approval);
  }

  insertPolicyVersion(policy: Omit<PolicyVersion, 'version'>) {
    return this.control.insertPolicyVersion(policy);
  }

  insertPolicyActivation(activation: Omit<PolicyActivation, 'seq'>) {
    return this.control.insertPolicyActivation(activation);
  }

  nextChangeNumber() {
    return this.control.nextChangeNumber();
  }

  insertChange(change: ChangeRequest) {
    return this.control.insertChange(change);
  }

  insertRiskRecord(record: RiskRecord) {
    return this.control.insertRiskRecord(record);
  }

  insertDeployment(deployment: Deployment) {
    return this.control.insertDeployment(deployment);
  }

  insertGateDecision(record: Omit<GateDecisionRecord, 'seq'>) {
    return this.control.insertGateDecision(record);
  }
}

class PostgresStore extends PostgresReads implements Store {
  readonly #groups: GroupCommit;
  readonly #readPool: pg.Pool;
  readonly #txPool: pg.Pool;
  readonly #state: { closed: boolean };

  constructor(schema: string, readPool: pg.Pool, txPool: pg.Pool) {
    const state = { closed: false };
    super(async (sql, values) => {
      if (state.closed) throw new Error('store is closed');
      return (await readPool.query(queryConfig(sql, values))).rows as Row[];
    }, tablesIn(schema));
    this.#state = state;
    this.#readPool = readPool;
    this.#txPool = txPool;
    const tables = this.t;
    this.#groups = new GroupCommit({
      pool: txPool,
      // Explicit, whatever default_transaction_isolation says: the tail is read by a statement
      // of its own, after the lock is granted, and READ COMMITTED gives it a snapshot taken then
      // (a repeatable-read snapshot taken before the lock would read a stale end of the log).
      // Both literals are safe in SQL text: a number, and a checked schema name.
      openSql: `BEGIN ISOLATION LEVEL READ COMMITTED;
        SELECT pg_advisory_xact_lock(${ADVISORY_LOCK.auditAppend}, hashtext('${schema}'));
        ${auditTailSql(tables)};
        SAVEPOINT unit`,
      tailOf: auditTailOf,
      writeTail: (tail, run) => tail.write(run, tables),
      unitTx: (run, unit) => {
        const tx = new PostgresWrites(run, tables, schema, unit);
        return { tx, finish: () => tx.finish() };
      },
      mapError: (error) => asConflict(error) ?? error,
    });
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#state.closed) return Promise.reject(new Error('store is closed'));
    return this.#groups.transaction(work);
  }

  async close(): Promise<void> {
    if (this.#state.closed) return;
    this.#state.closed = true;
    await this.#groups.close();
    // Pool.end waits for checked-out clients, so transactions under way finish first.
    await Promise.all([this.#readPool.end(), this.#txPool.end()]);
  }
}

/** Common table expressions that write, with their own parameters `$1`…; see writeWithNext. */
export interface DeferredWrite {
  ctes: string;
  values: readonly unknown[];
}

/** Joins writes into one CTE list, renumbering each one's `$n` to follow `offset` parameters. */
function mergeWrites(
  writes: readonly DeferredWrite[],
  offset: number,
): { ctes: string; values: unknown[] } {
  const values: unknown[] = [];
  const ctes = writes.map((write) => {
    const base = offset + values.length;
    values.push(...write.values);
    return write.ctes.replace(/\$(\d+)/g, (_, n: string) => `$${base + Number(n)}`);
  });
  return { ctes: ctes.join(', '), values };
}

/** SQLSTATE 23505 (unique_violation), named by the constraint PostgreSQL reports. */
function asConflict(error: unknown): StoreConflictError | undefined {
  if (error instanceof StoreConflictError) return error;
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return undefined;
  return new StoreConflictError(typeof constraint === 'string' ? constraint : 'unique', {
    cause: error,
  });
}

function toRelease(row: Row): Release {
  return {
    id: String(row.id),
    tag: String(row.tag),
    service: String(row.service),
    version: String(row.version),
    commit: String(row.commit_sha),
    change: row.change_id === null ? null : String(row.change_id),
    artifacts: (row.artifacts as unknown[]).map(String),
    state: String(row.state) as ReleaseState,
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    evidenceCount: Number(row.evidence_count),
  };
}

function toEvidence(row: Row): Evidence {
  return {
    id: String(row.id),
    releaseId: String(row.release_id),
    kind: String(row.kind) as EvidenceKind,
    name: String(row.name),
    size: Number(row.size),
    sha256: String(row.sha256),
    mediaType: String(row.media_type),
    format: row.format === null ? null : String(row.format),
    summary: row.summary === null ? null : (row.summary as Record<string, unknown>),
    submittedBy: String(row.submitted_by),
    submittedAt: String(row.submitted_at),
    ciContext:
      row.ci_context === null || row.ci_context === undefined
        ? null
        : (row.ci_context as CiContext),
  };
}

function toDelivery(row: Row): WebhookDelivery {
  return {
    source: String(row.source) as WebhookSource,
    deliveryId: String(row.delivery_id),
    event: String(row.event),
    receivedAt: String(row.received_at),
    outcome: String(row.outcome) as DeliveryOutcome,
    detail: String(row.detail),
    evidenceIds: (row.evidence_ids as unknown[]).map(String),
    bodySha256: String(row.body_sha256),
  };
}

function toIntegration(row: Row): Integration {
  return {
    source: String(row.source) as WebhookSource,
    secret: String(row.secret),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}

function toToken(row: Row): ApiToken {
  return {
    id: String(row.id),
    name: String(row.name),
    tokenHash: String(row.token_hash),
    roles: (row.roles as unknown[]).map(String) as Role[],
    services: row.services === null ? null : (row.services as unknown[]).map(String),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    expiresAt: nullableText(row.expires_at),
    revokedAt: nullableText(row.revoked_at),
    revokedBy: nullableText(row.revoked_by),
  };
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function toUser(row: Row): User {
  return {
    id: String(row.id),
    username: String(row.username),
    fullName: String(row.full_name),
    roles: sortRoles((row.roles as unknown[]).map(String) as Role[]),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    disabledAt: nullableText(row.disabled_at),
  };
}

function toTraining(row: Row): TrainingRecord {
  return {
    id: String(row.id),
    username: String(row.username),
    course: String(row.course),
    version: String(row.version),
    completedOn: String(row.completed_on),
    expiresOn: nullableText(row.expires_on),
    recordedAt: String(row.recorded_at),
    recordedBy: String(row.recorded_by),
  };
}

function toSession(row: Row): Session {
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    userId: String(row.user_id),
    username: String(row.username),
    createdAt: String(row.created_at),
    expiresAt: String(row.expires_at),
    endedAt: nullableText(row.ended_at),
  };
}

function toCheckpoint(row: Row): StoredCheckpoint {
  return {
    size: Number(row.size),
    rootHash: new Uint8Array(row.root_hash as Buffer),
    time: String(row.time),
    keyName: String(row.key_name),
    note: String(row.note),
  };
}

function toJob(row: Row): Job {
  return {
    id: String(row.id),
    kind: String(row.kind),
    dedupeKey: String(row.dedupe_key),
    payload: row.payload as Record<string, unknown>,
    state: String(row.state) as JobState,
    runAt: isoTime(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    leaseOwner: row.lease_owner === null ? null : String(row.lease_owner),
    leaseExpiresAt: row.lease_expires_at === null ? null : isoTime(row.lease_expires_at),
    lastError: row.last_error === null ? null : String(row.last_error),
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

/** timestamptz arrives as a Date; jobs carry the same ISO 8601 text the SQLite adapter stores. */
function isoTime(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

function toAuditEntry(row: Row): AuditEntry {
  return {
    seq: Number(row.seq),
    time: String(row.time),
    actor: String(row.actor),
    action: String(row.action) as AuditEntry['action'],
    subject: String(row.subject),
    details: row.details as AuditEntry['details'],
    leafHash: String(row.leaf_hash),
  };
}

function leafTextOfRow(row: Record<string, unknown>): string {
  return auditLeafText(
    {
      seq: Number(row.seq),
      time: String(row.time),
      actor: String(row.actor),
      action: String(row.action) as AuditEntry['action'],
      subject: String(row.subject),
    },
    String(row.details),
  );
}

import { type FileHandle, open } from 'node:fs/promises';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
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
  auditEntryFromText,
  sealAuditEntryText,
} from '../../core/audit-log/audit-entry.ts';
import type { LogKeyRecord } from '../../core/audit-log/checkpoint.ts';
import type { LeafBatch } from '../../core/audit-log/leaf-batch.ts';
import { appendSiblings, subtreesCompletedBy } from '../../core/audit-log/merkle-append.ts';
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
import { applyMigrations } from './apply-migrations.ts';
import { SqliteControlReads, SqliteControlWrites } from './control-tables.ts';
import { SqliteDashboardReads } from './dashboard-reads.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { SqliteSignatureReads, SqliteSignatureWrites } from './signature-tables.ts';

type Row = Record<string, SQLInputValue>;

/**
 * Opens (creating if needed) the embedded store at `path`. Writes go through one connection and
 * run one transaction at a time; reads use a second connection so they see only committed data
 * (WAL lets them proceed while a write is in progress).
 */
export interface SqliteStoreOptions {
  /** How a file is flushed to disk; fsync(2) on the thread pool. Tests observe it here. */
  flushFile?: (path: string) => Promise<void>;
}

export async function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const flushFile = options.flushFile ?? fsyncFile;
  const writer = new DatabaseSync(path);
  // synchronous = NORMAL: COMMIT writes the WAL but does not fsync it on this thread. The store
  // fsyncs the WAL itself, off the event loop, and answers a transaction only after that (see
  // #flushWal), so every acknowledged commit is as durable as under FULL. Checkpoints still
  // fsync the WAL before copying it into the database, and the database after.
  writer.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = 5000;
  `);
  applyMigrations(writer, SQLITE_MIGRATIONS);
  // Migrations ran under NORMAL too: flush them before anything reads them as done.
  await flushFile(`${path}-wal`);
  const reader = new DatabaseSync(path, { readOnly: true });
  reader.exec('PRAGMA busy_timeout = 5000;');
  return new SqliteStore(writer, reader, () => flushFile(`${path}-wal`));
}

/** fsync(2) on the thread pool; a file that does not exist holds nothing to flush. */
async function fsyncFile(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads over one connection; statements are prepared once and reused. */
class SqliteReads implements StoreReader {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #control: SqliteControlReads;
  readonly #signatures: SqliteSignatureReads;
  readonly #dashboards: SqliteDashboardReads;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#control = new SqliteControlReads((sql) => this.statement(sql));
    this.#dashboards = new SqliteDashboardReads((sql) => this.statement(sql));
    this.#signatures = new SqliteSignatureReads((sql) => this.statement(sql));
  }

  async listSignatures(releaseId: string) {
    return this.#signatures.listSignatures(releaseId);
  }

  async getSignature(id: string) {
    return this.#signatures.getSignature(id);
  }

  async listConditionFulfilments(releaseId: string) {
    return this.#signatures.listConditionFulfilments(releaseId);
  }

  async listExceptionsFor(release: { id: string; service: string }) {
    return this.#signatures.listExceptionsFor(release);
  }

  async getException(id: string) {
    return this.#signatures.getException(id);
  }

  async listExceptions(query: ExceptionQuery): Promise<Page<ExceptionRecord>> {
    const params: SQLInputValue[] = [];
    const rows = this.statement(exceptionListingSql(query, this.#exceptionDialect(params))).all(
      ...params,
    );
    return {
      items: rows.slice(0, query.limit).map(toException),
      nextCursor: nextExceptionCursor(query, rows),
    };
  }

  async exceptionTimes(filter: ExceptionFilter): Promise<ExceptionTimes[]> {
    const params: SQLInputValue[] = [];
    return this.statement(exceptionTimesSql(filter, this.#exceptionDialect(params)))
      .all(...params)
      .map((row) => ({
        requestedAt: String(row.requested_at),
        expiresAt: String(row.expires_at),
        approved: Boolean(row.approved),
      }));
  }

  #exceptionDialect(params: SQLInputValue[]): ExceptionDialect {
    return {
      tables: { exceptions: 'exceptions', approvals: 'exception_approvals' },
      param(value) {
        params.push(value);
        return `?${params.length}`;
      },
      requestedAt: "json_extract(e.record, '$.requestedAt')",
    };
  }

  async listDelegationsTo(delegate: string) {
    return this.#signatures.listDelegationsTo(delegate);
  }

  async listDelegations(limit: number, involving?: string) {
    return this.#signatures.listDelegations(limit, involving);
  }

  async listOutboundWebhooks() {
    return this.#signatures.listOutboundWebhooks();
  }

  async getOutboundWebhook(id: string) {
    return this.#signatures.getOutboundWebhook(id);
  }

  protected statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async getReleaseById(id: string): Promise<Release | undefined> {
    const row = this.statement('SELECT * FROM releases WHERE id = ?').get(id);
    return row ? toRelease(row) : undefined;
  }

  async getReleaseByTag(tag: string): Promise<Release | undefined> {
    const row = this.statement('SELECT * FROM releases WHERE tag = ?').get(tag);
    return row ? toRelease(row) : undefined;
  }

  async listReleases(query: ReleaseQuery): Promise<Page<Release>> {
    const dialect = (params: SQLInputValue[]): ListingDialect => ({
      tables: {
        releases: 'releases',
        changes: 'changes',
        gateLatest: 'gate_latest',
        gatePending: 'gate_latest_pending',
      },
      param(value) {
        params.push(value);
        return `?${params.length}`;
      },
      text: (column) => column,
    });
    let pendingFirst = false;
    if (query.pendingRoles !== undefined && query.pendingRoles.length > 0) {
      const params: SQLInputValue[] = [];
      const counted = this.statement(pendingCountSql(query, dialect(params))).get(...params);
      pendingFirst = Number(counted?.n) < PENDING_DRIVE_LIMIT;
    }
    const params: SQLInputValue[] = [];
    const sql = releaseListingSql(query, dialect(params), { pendingFirst });
    const rows = this.statement(sql).all(...params);
    return {
      items: rows.slice(0, query.limit).map(toRelease),
      nextCursor: nextReleaseCursor(query, rows),
    };
  }

  async listEvidence(releaseId: string): Promise<Evidence[]> {
    return this.statement('SELECT * FROM evidence WHERE release_id = ? ORDER BY seq')
      .all(releaseId)
      .map(toEvidence);
  }

  async findEvidence(releaseId: string, kind: EvidenceKind, sha256: string) {
    const row = this.statement(
      'SELECT * FROM evidence WHERE release_id = ? AND kind = ? AND sha256 = ?',
    ).get(releaseId, kind, sha256);
    return row ? toEvidence(row) : undefined;
  }

  async findReleasesByCommit(commit: string): Promise<Release[]> {
    return this.statement('SELECT * FROM releases WHERE commit_sha = ? ORDER BY seq')
      .all(commit)
      .map(toRelease);
  }

  async findReleasesByArtifact(digest: string): Promise<Release[]> {
    // Artifacts are a JSON array per release; this scans releases, which webhooks rarely need.
    return this.statement(
      `SELECT * FROM releases WHERE EXISTS (SELECT 1 FROM json_each(releases.artifacts) WHERE value = ?)
       ORDER BY seq`,
    )
      .all(digest)
      .map(toRelease);
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    return (
      this.statement('SELECT 1 FROM evidence WHERE sha256 = ? LIMIT 1').get(sha256) !== undefined
    );
  }

  async findTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = this.statement('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash);
    return row ? toToken(row) : undefined;
  }

  async countTokens(): Promise<number> {
    const row = this.statement('SELECT COUNT(*) AS n FROM api_tokens').get();
    return Number(row?.n ?? 0);
  }

  async listTokens(): Promise<ApiToken[]> {
    return this.statement('SELECT * FROM api_tokens ORDER BY created_at, id').all().map(toToken);
  }

  async findToken(idOrName: string): Promise<ApiToken | undefined> {
    const row = this.statement('SELECT * FROM api_tokens WHERE id = ? OR name = ?').get(
      idOrName,
      idOrName,
    );
    return row ? toToken(row) : undefined;
  }

  async getUser(username: string): Promise<User | undefined> {
    const row = this.statement('SELECT * FROM users WHERE username = ?').get(username);
    if (!row) return undefined;
    const roles = this.statement('SELECT role FROM role_grants WHERE user_id = ?')
      .all(String(row.id))
      .map((grant) => String(grant.role) as Role);
    return toUser(row, roles);
  }

  async listUsers(): Promise<User[]> {
    const grants = new Map<string, Role[]>();
    for (const grant of this.statement('SELECT user_id, role FROM role_grants').all()) {
      const list = grants.get(String(grant.user_id)) ?? [];
      list.push(String(grant.role) as Role);
      grants.set(String(grant.user_id), list);
    }
    return this.statement('SELECT * FROM users ORDER BY username')
      .all()
      .map((row) => toUser(row, grants.get(String(row.id)) ?? []));
  }

  async getUserCredentials(userId: string): Promise<UserCredentials | undefined> {
    const row = this.statement(
      'SELECT id, password_hash, failed_attempts, locked_until FROM users WHERE id = ?',
    ).get(userId);
    return row
      ? {
          userId: String(row.id),
          passwordHash: String(row.password_hash),
          failedAttempts: Number(row.failed_attempts),
          lockedUntil: row.locked_until === null ? null : String(row.locked_until),
        }
      : undefined;
  }

  async listTraining(username: string): Promise<TrainingRecord[]> {
    return this.statement(
      `SELECT t.*, u.username FROM training_records t JOIN users u ON u.id = t.user_id
       WHERE u.username = ? ORDER BY t.seq`,
    )
      .all(username)
      .map(toTraining);
  }

  async findSessionByHash(tokenHash: string): Promise<Session | undefined> {
    const row = this.statement(
      `SELECT s.*, u.username FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ?`,
    ).get(tokenHash);
    return row ? toSession(row) : undefined;
  }

  async listAuditEntries(query: AuditQuery): Promise<AuditEntry[]> {
    return this.statement(
      'SELECT leaf, leaf_hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?',
    )
      .all(query.fromSeq, query.limit)
      .map(toAuditEntry);
  }

  async countAuditEntries(): Promise<number> {
    const row = this.statement('SELECT COUNT(*) AS n FROM audit_log').get();
    return Number(row?.n ?? 0);
  }

  async listAuditLeafTexts(query: AuditQuery): Promise<string[]> {
    return this.statement('SELECT leaf FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?')
      .all(query.fromSeq, query.limit)
      .map((row) => String(row.leaf));
  }

  async readAuditLeafBatch(range: AuditRange): Promise<LeafBatch> {
    // Each entry is stored as the canonical text its leaf hash covers (migration 16), so the
    // batch is the stored texts joined by 0x00, one value for the whole range: no per-row work
    // in SQL or JavaScript (building texts from columns was 2.5× this read's CPU time). The table is STRICT, so
    // every text is TEXT; group_concat follows the scan of the seq (rowid) range, and were it
    // ever out of order the rebuilt roots would differ and verification fail, never pass: each
    // text holds its own seq.
    const row = this.statement(`
      SELECT count(*) AS count, CAST(x'00' || group_concat(leaf, x'00') AS BLOB) AS data
      FROM audit_log WHERE seq >= ? AND seq < ?`).get(range.fromSeq, range.toSeq);
    const count = Number(row?.count ?? 0);
    if (count === 0) return { count: 0, data: new Uint8Array(0) };
    return { count, data: row?.data as Uint8Array };
  }

  async listAuditEntriesFor(subject: string): Promise<AuditEntry[]> {
    return this.statement('SELECT leaf, leaf_hash FROM audit_log WHERE subject = ? ORDER BY seq')
      .all(subject)
      .map(toAuditEntry);
  }

  async getSubtreeHashes(refs: readonly SubtreeRef[]): Promise<Uint8Array[]> {
    const select = this.statement('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?');
    return refs.map((ref) => {
      const row = select.get(ref.level, ref.index);
      if (!row) throw new Error(`Merkle subtree ${ref.level}/${ref.index} is not stored`);
      return row.hash as Uint8Array;
    });
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = this.statement('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1').get();
    return row ? toCheckpoint(row) : undefined;
  }

  async getCheckpoint(size: number): Promise<StoredCheckpoint | undefined> {
    const row = this.statement('SELECT * FROM checkpoints WHERE size = ?').get(size);
    return row ? toCheckpoint(row) : undefined;
  }

  async listLogKeys(): Promise<LogKeyRecord[]> {
    return this.statement('SELECT * FROM log_keys ORDER BY created_at, name')
      .all()
      .map((row) => ({
        name: String(row.name),
        origin: String(row.origin),
        verifierKey: String(row.verifier_key),
        createdAt: String(row.created_at),
      }));
  }

  async listCheckpoints(query: { fromSize: number; limit: number }): Promise<StoredCheckpoint[]> {
    return this.statement('SELECT * FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?')
      .all(query.fromSize, query.limit)
      .map(toCheckpoint);
  }

  async getService(name: string) {
    return this.#control.getService(name);
  }

  async listServices() {
    return this.#control.listServices();
  }

  async serviceTrackRecord(service: string) {
    return this.#control.serviceTrackRecord(service);
  }

  async getPolicyVersion(version: number) {
    return this.#control.getPolicyVersion(version);
  }

  async getPolicyBySha256(sha256: string) {
    return this.#control.getPolicyBySha256(sha256);
  }

  async listPolicyVersions(limit: number) {
    return this.#control.listPolicyVersions(limit);
  }

  async getActivePolicy(service: string) {
    return this.#control.getActivePolicy(service);
  }

  async getActivationFor(service: string) {
    return this.#control.getActivationFor(service);
  }

  async latestGateDecisionHead(releaseId: string, environment: string) {
    return this.#control.latestGateDecisionHead(releaseId, environment);
  }

  async getActivationForScope(scope: string) {
    return this.#control.getActivationForScope(scope);
  }

  async listPolicyActivations(limit: number) {
    return this.#control.listPolicyActivations(limit);
  }

  async getChange(id: string) {
    return this.#control.getChange(id);
  }

  async listChanges(query: ChangeQuery) {
    return this.#control.listChanges(query);
  }

  async listReleasesForChange(changeId: string): Promise<Release[]> {
    return this.#control.releaseRowsForChange(changeId).map(toRelease);
  }

  async latestRiskRecord(changeId: string) {
    return this.#control.latestRiskRecord(changeId);
  }

  async listRiskRecords(changeId: string) {
    return this.#control.listRiskRecords(changeId);
  }

  async listDeployments(releaseId: string) {
    return this.#control.listDeployments(releaseId);
  }

  async latestGateDecision(releaseId: string, environment: string) {
    return this.#control.latestGateDecision(releaseId, environment);
  }

  async listGateDecisions(releaseId: string) {
    return this.#control.listGateDecisions(releaseId);
  }

  async getWebhookDelivery(
    source: WebhookSource,
    deliveryId: string,
  ): Promise<WebhookDelivery | undefined> {
    const row = this.statement(
      'SELECT * FROM webhook_deliveries WHERE source = ? AND delivery_id = ?',
    ).get(source, deliveryId);
    return row ? toDelivery(row) : undefined;
  }

  async findWebhookDeliveryByBody(
    source: WebhookSource,
    bodySha256: string,
  ): Promise<WebhookDelivery | undefined> {
    const row = this.statement(
      'SELECT * FROM webhook_deliveries WHERE source = ? AND body_sha256 = ? ORDER BY received_at LIMIT 1',
    ).get(source, bodySha256);
    return row ? toDelivery(row) : undefined;
  }

  async getIntegration(source: WebhookSource): Promise<Integration | undefined> {
    const row = this.statement('SELECT * FROM integrations WHERE source = ?').get(source);
    return row ? toIntegration(row) : undefined;
  }

  async listIntegrations(): Promise<Integration[]> {
    return this.statement('SELECT * FROM integrations ORDER BY source').all().map(toIntegration);
  }

  async latestGateDecisions(releaseId: string) {
    return this.#control.latestGateDecisions(releaseId);
  }

  async releaseThroughput(period: DashboardPeriod) {
    return this.#dashboards.releaseThroughput(period);
  }

  async pendingApprovals(period: DashboardPeriod) {
    return this.#dashboards.pendingApprovals(period);
  }

  async approvalCycles(period: DashboardPeriod, bucket: DashboardBucket) {
    return this.#dashboards.approvalCycles(period, bucket);
  }

  async evidenceGaps(period: DashboardPeriod) {
    return this.#dashboards.evidenceGaps(period);
  }

  async deliveryFigures(period: DashboardPeriod, environment: string, bucket: DashboardBucket) {
    return this.#dashboards.deliveryFigures(period, environment, bucket);
  }

  async getJob(id: string): Promise<Job | undefined> {
    const row = this.statement('SELECT * FROM jobs WHERE id = ?').get(id);
    return row ? toJob(row) : undefined;
  }

  async listJobs(query: JobQuery): Promise<Page<Job>> {
    const before =
      query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeSeqCursor(query.cursor);
    // One statement for every filter combination: a NULL filter matches every row.
    const rows = this.statement(
      `SELECT * FROM jobs WHERE seq < $before
         AND ($state IS NULL OR state = $state) AND ($kind IS NULL OR kind = $kind)
       ORDER BY seq DESC LIMIT $limit`,
    ).all({
      $before: before,
      $state: query.state ?? null,
      $kind: query.kind ?? null,
      $limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toJob),
      nextCursor: rows.length > query.limit && last ? encodeSeqCursor(Number(last.seq)) : null,
    };
  }

  async countJobs(): Promise<Record<JobState, number>> {
    const counts = emptyJobCounts();
    for (const row of this.statement(
      'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state',
    ).all()) {
      counts[String(row.state) as JobState] = Number(row.n);
    }
    return counts;
  }
}

/** Writes, over the writer connection inside a transaction. */
class SqliteWrites extends SqliteReads implements StoreTx {
  readonly #control = new SqliteControlWrites(
    (sql) => this.statement(sql),
    (sql, params) => this.#run(sql, params),
  );
  readonly #signatureWrites = new SqliteSignatureWrites(
    (sql, params) => this.#run(sql, params),
    (sql) => this.statement(sql),
  );

  /** The single writer connection already serializes transactions. */
  async lockRelease(_releaseId: string): Promise<void> {}

  async insertSignature(signature: SignatureRecord): Promise<void> {
    this.#signatureWrites.insertSignature(signature);
  }

  async insertConditionFulfilment(fulfilment: ConditionFulfilment): Promise<void> {
    this.#signatureWrites.insertConditionFulfilment(fulfilment);
  }

  async insertOutboundWebhook(webhook: OutboundWebhook): Promise<void> {
    this.#signatureWrites.insertOutboundWebhook(webhook);
  }

  async deleteOutboundWebhook(id: string): Promise<boolean> {
    return this.#signatureWrites.deleteOutboundWebhook(id);
  }

  async insertDelegation(delegation: Delegation): Promise<void> {
    this.#signatureWrites.insertDelegation(delegation);
  }

  async insertException(exception: ExceptionRecord): Promise<void> {
    this.#signatureWrites.insertException(exception);
  }

  async insertExceptionApproval(
    exceptionId: string,
    approval: NonNullable<ExceptionRecord['approval']>,
  ): Promise<void> {
    this.#signatureWrites.insertExceptionApproval(exceptionId, approval);
  }

  #run(sql: string, params: Row): { changes: number } {
    try {
      const result = this.statement(sql).run(params);
      return { changes: Number(result.changes) };
    } catch (error) {
      throw asConflict(error) ?? error;
    }
  }

  async insertRelease(release: Release): Promise<void> {
    this.#run(
      `INSERT INTO releases (id, tag, service, version, commit_sha, change_id, artifacts, state,
         created_at, created_by, evidence_count)
       VALUES ($id, $tag, $service, $version, $commit, $change, $artifacts, $state,
         $createdAt, $createdBy, $evidenceCount)`,
      {
        $id: release.id,
        $tag: release.tag,
        $service: release.service,
        $version: release.version,
        $commit: release.commit,
        $change: release.change,
        $artifacts: JSON.stringify(release.artifacts),
        $state: release.state,
        $createdAt: release.createdAt,
        $createdBy: release.createdBy,
        $evidenceCount: release.evidenceCount,
      },
    );
    await countRelease(this.#control.upkeep, release);
  }

  async insertEvidence(evidence: Evidence): Promise<void> {
    this.#run(
      `INSERT INTO evidence (id, release_id, kind, name, size, sha256, media_type, format, summary,
         submitted_by, submitted_at, ci_context)
       VALUES ($id, $releaseId, $kind, $name, $size, $sha256, $mediaType, $format, $summary,
         $submittedBy, $submittedAt, $ciContext)`,
      {
        $id: evidence.id,
        $releaseId: evidence.releaseId,
        $kind: evidence.kind,
        $name: evidence.name,
        $size: evidence.size,
        $sha256: evidence.sha256,
        $mediaType: evidence.mediaType,
        $format: evidence.format,
        $summary: evidence.summary === null ? null : JSON.stringify(evidence.summary),
        $submittedBy: evidence.submittedBy,
        $submittedAt: evidence.submittedAt,
        $ciContext: evidence.ciContext === null ? null : JSON.stringify(evidence.ciContext),
      },
    );
    this.#run('UPDATE releases SET evidence_count = evidence_count + 1 WHERE id = $id', {
      $id: evidence.releaseId,
    });
  }

  async insertToken(token: ApiToken): Promise<void> {
    this.#run(
      `INSERT INTO api_tokens (id, name, token_hash, roles, services, created_at, created_by,
         expires_at, revoked_at, revoked_by)
       VALUES ($id, $name, $tokenHash, $roles, $services, $createdAt, $createdBy,
         $expiresAt, $revokedAt, $revokedBy)`,
      {
        $id: token.id,
        $name: token.name,
        $tokenHash: token.tokenHash,
        $roles: JSON.stringify(token.roles),
        $services: token.services === null ? null : JSON.stringify(token.services),
        $createdAt: token.createdAt,
        $createdBy: token.createdBy,
        $expiresAt: token.expiresAt,
        $revokedAt: token.revokedAt,
        $revokedBy: token.revokedBy,
      },
    );
  }

  async revokeToken(id: string, at: string, by: string): Promise<void> {
    this.#run(
      'UPDATE api_tokens SET revoked_at = $at, revoked_by = $by WHERE id = $id AND revoked_at IS NULL',
      { $id: id, $at: at, $by: by },
    );
  }

  async insertUser(user: User, credentials: Pick<UserCredentials, 'passwordHash'>): Promise<void> {
    this.#run(
      `INSERT INTO users (id, username, full_name, created_at, created_by, disabled_at,
         password_hash, failed_attempts, locked_until)
       VALUES ($id, $username, $fullName, $createdAt, $createdBy, $disabledAt, $hash, 0, NULL)`,
      {
        $id: user.id,
        $username: user.username,
        $fullName: user.fullName,
        $createdAt: user.createdAt,
        $createdBy: user.createdBy,
        $disabledAt: user.disabledAt,
        $hash: credentials.passwordHash,
      },
    );
    for (const role of user.roles)
      await this.grantRole(user.id, role, user.createdAt, user.createdBy);
  }

  async setUserDisabled(userId: string, at: string): Promise<void> {
    this.#run('UPDATE users SET disabled_at = $at WHERE id = $id AND disabled_at IS NULL', {
      $id: userId,
      $at: at,
    });
  }

  async grantRole(userId: string, role: Role, at: string, by: string): Promise<boolean> {
    const result = this.statement(
      `INSERT INTO role_grants (user_id, role, granted_at, granted_by)
       VALUES ($userId, $role, $at, $by) ON CONFLICT (user_id, role) DO NOTHING`,
    ).run({ $userId: userId, $role: role, $at: at, $by: by });
    return Number(result.changes) > 0;
  }

  async revokeRole(userId: string, role: Role): Promise<boolean> {
    const result = this.statement(
      'DELETE FROM role_grants WHERE user_id = $userId AND role = $role',
    ).run({ $userId: userId, $role: role });
    return Number(result.changes) > 0;
  }

  async setAuthState(
    userId: string,
    state: Pick<UserCredentials, 'failedAttempts' | 'lockedUntil'>,
  ): Promise<void> {
    this.#run(
      'UPDATE users SET failed_attempts = $failed, locked_until = $lockedUntil WHERE id = $id',
      { $id: userId, $failed: state.failedAttempts, $lockedUntil: state.lockedUntil },
    );
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    this.#run('UPDATE users SET password_hash = $hash WHERE id = $id', {
      $id: userId,
      $hash: passwordHash,
    });
  }

  async insertSession(session: Session): Promise<void> {
    this.#run(
      `INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, ended_at)
       VALUES ($id, $tokenHash, $userId, $createdAt, $expiresAt, $endedAt)`,
      {
        $id: session.id,
        $tokenHash: session.tokenHash,
        $userId: session.userId,
        $createdAt: session.createdAt,
        $expiresAt: session.expiresAt,
        $endedAt: session.endedAt,
      },
    );
  }

  async endSession(id: string, at: string): Promise<void> {
    this.#run('UPDATE sessions SET ended_at = $at WHERE id = $id AND ended_at IS NULL', {
      $id: id,
      $at: at,
    });
  }

  async insertTraining(record: TrainingRecord): Promise<void> {
    const user = this.statement('SELECT id FROM users WHERE username = ?').get(record.username);
    if (!user) throw new Error(`no user ${record.username}`);
    this.#run(
      `INSERT INTO training_records (id, user_id, course, version, completed_on, expires_on,
         recorded_at, recorded_by)
       VALUES ($id, $userId, $course, $version, $completedOn, $expiresOn, $recordedAt, $recordedBy)`,
      {
        $id: record.id,
        $userId: String(user.id),
        $course: record.course,
        $version: record.version,
        $completedOn: record.completedOn,
        $expiresOn: record.expiresOn,
        $recordedAt: record.recordedAt,
        $recordedBy: record.recordedBy,
      },
    );
  }

  async appendAudit(input: AuditEntryInput): Promise<AuditEntry> {
    const next = this.statement('SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM audit_log').get();
    const { entry, text } = sealAuditEntryText(input, Number(next?.next ?? 0));
    this.#run('INSERT INTO audit_log (seq, leaf, leaf_hash) VALUES ($seq, $leaf, $leafHash)', {
      $seq: entry.seq,
      $leaf: text,
      $leafHash: entry.leafHash,
    });
    const siblings = await this.getSubtreeHashes(appendSiblings(entry.seq));
    for (const node of subtreesCompletedBy(
      entry.seq,
      Buffer.from(entry.leafHash, 'hex'),
      siblings,
    )) {
      this.#run('INSERT INTO merkle_nodes (level, idx, hash) VALUES ($level, $idx, $hash)', {
        $level: node.level,
        $idx: node.index,
        $hash: node.hash,
      });
    }
    return entry;
  }

  async insertLogKey(key: LogKeyRecord): Promise<void> {
    this.#run(
      `INSERT INTO log_keys (name, origin, verifier_key, created_at)
       VALUES ($name, $origin, $verifierKey, $createdAt)`,
      {
        $name: key.name,
        $origin: key.origin,
        $verifierKey: key.verifierKey,
        $createdAt: key.createdAt,
      },
    );
  }

  async insertWebhookDelivery(delivery: WebhookDelivery): Promise<void> {
    this.#run(
      `INSERT INTO webhook_deliveries (source, delivery_id, event, received_at, outcome, detail,
         evidence_ids, body_sha256)
       VALUES ($source, $deliveryId, $event, $receivedAt, $outcome, $detail, $evidenceIds,
         $bodySha256)`,
      {
        $source: delivery.source,
        $deliveryId: delivery.deliveryId,
        $event: delivery.event,
        $receivedAt: delivery.receivedAt,
        $outcome: delivery.outcome,
        $detail: delivery.detail,
        $evidenceIds: JSON.stringify(delivery.evidenceIds),
        $bodySha256: delivery.bodySha256,
      },
    );
  }

  async putIntegration(integration: Integration): Promise<void> {
    this.#run(
      `INSERT INTO integrations (source, secret, created_at, created_by)
       VALUES ($source, $secret, $createdAt, $createdBy)
       ON CONFLICT (source) DO UPDATE SET secret = excluded.secret,
         created_at = excluded.created_at, created_by = excluded.created_by`,
      {
        $source: integration.source,
        $secret: integration.secret,
        $createdAt: integration.createdAt,
        $createdBy: integration.createdBy,
      },
    );
  }

  async deleteIntegration(source: WebhookSource): Promise<boolean> {
    const result = this.statement('DELETE FROM integrations WHERE source = ?').run(source);
    return Number(result.changes) > 0;
  }

  async enqueueJob(job: NewJob): Promise<boolean> {
    const result = this.#run(
      `INSERT INTO jobs (id, kind, dedupe_key, payload, state, run_at, attempts, max_attempts,
         created_at, updated_at)
       VALUES ($id, $kind, $dedupeKey, $payload, 'queued', $runAt, 0, $maxAttempts,
         $createdAt, $createdAt)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      {
        $id: job.id,
        $kind: job.kind,
        $dedupeKey: job.dedupeKey,
        $payload: JSON.stringify(job.payload),
        $runAt: job.runAt,
        $maxAttempts: job.maxAttempts,
        $createdAt: job.createdAt,
      },
    );
    return result.changes > 0;
  }

  async claimJobs(claim: JobClaim): Promise<Job[]> {
    // One writer connection: no other claim can run between this statement's read and write.
    const rows = this.statement(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $owner,
         lease_expires_at = $leaseExpiresAt, updated_at = $now
       WHERE seq IN (
         SELECT seq FROM jobs
         WHERE state IN ('queued', 'failed') AND run_at <= $now
           AND kind IN (SELECT value FROM json_each($kinds))
         ORDER BY run_at, seq LIMIT $limit)
       RETURNING *`,
    ).all({
      $owner: claim.owner,
      $leaseExpiresAt: claim.leaseExpiresAt,
      $now: claim.now,
      $kinds: JSON.stringify(claim.kinds),
      $limit: claim.limit,
    });
    return rows.map(toJob).sort(dueOrder);
  }

  async extendJobLease(lease: JobLease & { leaseExpiresAt: string }): Promise<boolean> {
    return (
      this.#run(
        `UPDATE jobs SET lease_expires_at = $leaseExpiresAt, updated_at = $now
         WHERE id = $id AND state = 'running' AND lease_owner = $owner`,
        { ...leaseParams(lease), $leaseExpiresAt: lease.leaseExpiresAt },
      ).changes > 0
    );
  }

  async pruneDoneJobs(before: string): Promise<number> {
    return Number(
      this.#run("DELETE FROM jobs WHERE state = 'done' AND updated_at < $before", {
        $before: before,
      }).changes,
    );
  }

  async completeJob(lease: JobLease): Promise<boolean> {
    return (
      this.#run(
        `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,
           updated_at = $now
         WHERE id = $id AND state = 'running' AND lease_owner = $owner`,
        leaseParams(lease),
      ).changes > 0
    );
  }

  async failJob(lease: JobLease & { error: string; retryAt: string | null }): Promise<boolean> {
    return (
      this.#run(
        `UPDATE jobs SET state = CASE WHEN $retryAt IS NULL THEN 'dead' ELSE 'failed' END,
           run_at = COALESCE($retryAt, run_at), last_error = $error,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = $now
         WHERE id = $id AND state = 'running' AND lease_owner = $owner`,
        { ...leaseParams(lease), $error: lease.error, $retryAt: lease.retryAt },
      ).changes > 0
    );
  }

  async releaseJob(lease: JobLease): Promise<boolean> {
    return (
      this.#run(
        `UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), run_at = $now,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = $now
         WHERE id = $id AND state = 'running' AND lease_owner = $owner`,
        leaseParams(lease),
      ).changes > 0
    );
  }

  async reclaimExpiredJobs(now: string): Promise<number> {
    return this.#run(
      `UPDATE jobs SET
         state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
         run_at = $now,
         last_error = 'lease of ' || lease_owner || ' expired at ' || lease_expires_at
           || ' before the job finished',
         lease_owner = NULL, lease_expires_at = NULL, updated_at = $now
       WHERE state = 'running' AND lease_expires_at <= $now`,
      { $now: now },
    ).changes;
  }

  /** Not part of StoreTx: only the inline blob table (below) writes here. */
  putInlineBlob(sha256: string, bytes: Uint8Array): void {
    this.#run(
      'INSERT INTO inline_blobs (sha256, size, bytes) VALUES ($sha256, $size, $bytes) ON CONFLICT DO NOTHING',
      { $sha256: sha256, $size: bytes.byteLength, $bytes: bytes },
    );
  }

  async insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    this.#run(
      `INSERT INTO checkpoints (size, root_hash, time, key_name, note)
       VALUES ($size, $rootHash, $time, $keyName, $note)`,
      {
        $size: checkpoint.size,
        $rootHash: checkpoint.rootHash,
        $time: checkpoint.time,
        $keyName: checkpoint.keyName,
        $note: checkpoint.note,
      },
    );
  }

  async putService(service: ServiceRecord): Promise<void> {
    this.#control.putService(service);
  }

  async insertPolicyVersion(policy: Omit<PolicyVersion, 'version'>) {
    return this.#control.insertPolicyVersion(policy);
  }

  async insertPolicyActivation(activation: Omit<PolicyActivation, 'seq'>) {
    return this.#control.insertPolicyActivation(activation);
  }

  async nextChangeNumber() {
    return this.#control.nextChangeNumber();
  }

  async insertChange(change: ChangeRequest): Promise<void> {
    this.#control.insertChange(change);
  }

  async insertRiskRecord(record: RiskRecord): Promise<void> {
    await this.#control.insertRiskRecord(record);
  }

  async insertDeployment(deployment: Deployment): Promise<void> {
    await this.#control.insertDeployment(deployment);
  }

  async insertGateDecision(record: Omit<GateDecisionRecord, 'seq'>) {
    return this.#control.insertGateDecision(record);
  }
}

interface PendingTransaction {
  work: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most transactions committed together by one fsync. */
const MAX_GROUP = 64;

/**
 * Small evidence blobs kept in the database itself (`inline_blobs`), so that storing one costs a
 * share of a group commit instead of its own file, fsync, rename and directory fsync.
 */
export interface InlineBlobTable {
  /** Durable once resolved (it rides the next group commit). The same digest again is kept. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** Writes within `tx`, a transaction of this store: it commits with the rest of `tx`. */
  putIn(tx: StoreTx, sha256: string, bytes: Uint8Array): void;
  /** Committed bytes only. */
  get(sha256: string): Uint8Array | undefined;
}

/** The inline blob table of a store opened by `openSqliteStore`. */
export function inlineBlobTable(store: Store): InlineBlobTable {
  if (!(store instanceof SqliteStore)) throw new Error('inline blobs need the SQLite store');
  return store.inlineBlobs();
}

class SqliteStore extends SqliteReads implements Store {
  readonly #writer: DatabaseSync;
  readonly #reader: DatabaseSync;
  readonly #writes: SqliteWrites;
  readonly #pending: PendingTransaction[] = [];
  readonly #flushFile: () => Promise<void>;
  #draining: Promise<void> | undefined;
  /** The WAL fsync under way, and the one queued to start after it. */
  #flushing: Promise<void> | undefined;
  #nextFlush: Promise<void> | undefined;
  /** Every group whose flush has not finished: close() waits for them. */
  readonly #unflushed = new Set<Promise<void>>();
  /** Set when a WAL fsync failed: what was committed may not be on disk, so writes stop. */
  #flushFailure: Error | undefined;
  #closed = false;

  constructor(writer: DatabaseSync, reader: DatabaseSync, flushWal: () => Promise<void>) {
    super(reader);
    this.#writer = writer;
    this.#reader = reader;
    this.#flushFile = flushWal;
    this.#writes = new SqliteWrites(writer);
  }

  inlineBlobs(): InlineBlobTable {
    return {
      put: (sha256, bytes) =>
        this.transaction(async (tx) => (tx as SqliteWrites).putInlineBlob(sha256, bytes)),
      putIn: (tx, sha256, bytes) => {
        if (tx !== this.#writes) throw new Error('not a transaction of this store');
        this.#writes.putInlineBlob(sha256, bytes);
      },
      get: (sha256) => {
        const row = this.statement('SELECT bytes FROM inline_blobs WHERE sha256 = ?').get(sha256);
        return row ? (row.bytes as Uint8Array) : undefined;
      },
    };
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    if (this.#flushFailure) return Promise.reject(this.#flushFailure);
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#draining || this.#pending.length === 0) return;
    // A transaction may be queued after the drain loop's last look but before it is marked
    // finished: look again once it is.
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      this.#kick();
    });
  }

  /**
   * Group commit. node:sqlite is synchronous but transactions are async, so they run one at a
   * time on the writer connection; those that queue up meanwhile run next as one SQLite
   * transaction, each inside its own SAVEPOINT, and share one COMMIT (one fsync under
   * synchronous=FULL). A transaction that fails rolls back to its savepoint alone; none is
   * answered before the COMMIT that makes it durable.
   */
  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      // Let the event loop take one turn first: requests whose I/O completed meanwhile queue
      // their transactions now and join this group. Without it the group would hold only what
      // microtasks queued, usually one transaction, and every write would pay its own fsync.
      await new Promise((resolve) => setImmediate(resolve));
      const group = this.#pending.splice(0, MAX_GROUP);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      this.#writer.exec('BEGIN IMMEDIATE');
      for (const item of group) {
        this.#writer.exec('SAVEPOINT unit');
        try {
          const value = await item.work(this.#writes);
          this.#writer.exec('RELEASE unit');
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.#writer.exec('ROLLBACK TO unit');
          this.#writer.exec('RELEASE unit');
          outcomes.push({ ok: false, error });
        }
      }
      try {
        this.#writer.exec('COMMIT');
      } catch (error) {
        if (this.#writer.isTransaction) this.#writer.exec('ROLLBACK');
        for (const item of group) item.reject(error);
        continue;
      }
      // Not awaited: the next group runs while this one's WAL frames are flushed, and is
      // answered after a flush that starts once its own COMMIT is written.
      const answered = this.#flushWal().then(
        () =>
          group.forEach((item, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok) item.resolve(outcome.value);
            else item.reject(outcome?.error);
          }),
        (error: unknown) => {
          const failure = new Error(`flushing the SQLite WAL failed; writes have stopped`, {
            cause: error,
          });
          this.#flushFailure ??= failure;
          for (const item of group) item.reject(failure);
        },
      );
      this.#unflushed.add(answered);
      void answered.finally(() => this.#unflushed.delete(answered));
    }
  }

  /**
   * Resolves once an fsync of the WAL that began after this call has finished, so it covers
   * every COMMIT written before the call. Calls that arrive while one fsync runs share the next.
   */
  #flushWal(): Promise<void> {
    if (!this.#flushing) {
      const flushing = this.#flushFile().finally(() => {
        this.#flushing = undefined;
      });
      this.#flushing = flushing;
      return flushing;
    }
    this.#nextFlush ??= this.#flushing
      .catch(() => undefined)
      .then(() => {
        this.#nextFlush = undefined;
        return this.#flushWal();
      });
    return this.#nextFlush;
  }

  async close(): Promise<void> {
    await this.#draining;
    await Promise.all(this.#unflushed);
    if (this.#closed) return;
    this.#closed = true;
    this.#reader.close();
    this.#writer.close();
  }
}

function asConflict(error: unknown): StoreConflictError | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /UNIQUE constraint failed: ([\w., ]+)/.exec(message);
  return match?.[1] ? new StoreConflictError(match[1], { cause: error }) : undefined;
}

function toRelease(row: Row): Release {
  return {
    id: String(row.id),
    tag: String(row.tag),
    service: String(row.service),
    version: String(row.version),
    commit: String(row.commit_sha),
    change: row.change_id === null ? null : String(row.change_id),
    artifacts: JSON.parse(String(row.artifacts)) as string[],
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
    summary:
      row.summary === null ? null : (JSON.parse(String(row.summary)) as Record<string, unknown>),
    submittedBy: String(row.submitted_by),
    submittedAt: String(row.submitted_at),
    ciContext:
      row.ci_context === null || row.ci_context === undefined
        ? null
        : (JSON.parse(String(row.ci_context)) as CiContext),
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
    evidenceIds: JSON.parse(String(row.evidence_ids)) as string[],
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
    roles: JSON.parse(String(row.roles)) as Role[],
    services: row.services === null ? null : (JSON.parse(String(row.services)) as string[]),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    expiresAt: nullableText(row.expires_at),
    revokedAt: nullableText(row.revoked_at),
    revokedBy: nullableText(row.revoked_by),
  };
}

function nullableText(value: SQLInputValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function toUser(row: Row, roles: Role[]): User {
  return {
    id: String(row.id),
    username: String(row.username),
    fullName: String(row.full_name),
    roles: sortRoles(roles),
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
    rootHash: new Uint8Array(row.root_hash as Uint8Array),
    time: String(row.time),
    keyName: String(row.key_name),
    note: String(row.note),
  };
}

function leaseParams(lease: JobLease): Row {
  return { $id: lease.id, $owner: lease.owner, $now: lease.now };
}

function dueOrder(a: Job, b: Job): number {
  return a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : 0;
}

function toJob(row: Row): Job {
  return {
    id: String(row.id),
    kind: String(row.kind),
    dedupeKey: String(row.dedupe_key),
    payload: JSON.parse(String(row.payload)) as Record<string, unknown>,
    state: String(row.state) as JobState,
    runAt: String(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    leaseOwner: row.lease_owner === null ? null : String(row.lease_owner),
    leaseExpiresAt: row.lease_expires_at === null ? null : String(row.lease_expires_at),
    lastError: row.last_error === null ? null : String(row.last_error),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toAuditEntry(row: Row): AuditEntry {
  return auditEntryFromText(String(row.leaf), String(row.leaf_hash));
}

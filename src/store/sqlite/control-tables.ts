import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { ChangeRequest } from '../../core/change/change-request.ts';
import type { Deployment } from '../../core/deployment/deployment.ts';
import type { Page } from '../../core/page.ts';
import {
  type GateDecisionHead,
  type GateDecisionRecord,
  missingEvidenceKinds,
  pendingApprovalRoles,
} from '../../core/policy/gate-record.ts';
import {
  type ActivePolicy,
  ALL_SERVICES_SCOPE,
  type PolicyActivation,
  type PolicyVersion,
} from '../../core/policy/policy-version.ts';
import { effectiveRiskClass, type RiskRecord } from '../../core/risk/risk-record.ts';
import type { ServiceRecord } from '../../core/service-record.ts';
import {
  toChange,
  toDeployment,
  toGateDecisionHead,
  toGateDecisionRecord,
  toPolicyActivation,
  toPolicyVersion,
  toRiskRecord,
  toServiceRecord,
} from '../control-rows.ts';
import { decodeSeqCursor, encodeSeqCursor } from '../cursor.ts';
import {
  applyGateState,
  countDeployment,
  moveRiskClass,
  readGateState,
  type UpkeepDb,
} from '../dashboard-upkeep.ts';
import type { ChangeQuery, ServiceTrackRecord } from '../store.ts';

/** Prepares (or reuses) a statement on the adapter's connection. */
type Prepare = (sql: string) => StatementSync;
/** Runs a write, turning unique violations into StoreConflictError. */
type Run = (sql: string, params: Record<string, SQLInputValue>) => void;

const ACTIVATION_COLUMNS = `a.seq, a.scope, a.policy_version, a.activated_at, a.activated_by,
  p.sha256`;

/** Reads of the release-control tables: services, policies, changes, risk, deployments, gates. */
export class SqliteControlReads {
  readonly #q: Prepare;
  constructor(prepare: Prepare) {
    this.#q = prepare;
  }

  getService(name: string): ServiceRecord | undefined {
    const row = this.#q('SELECT * FROM services WHERE name = ?').get(name);
    return row ? toServiceRecord(row) : undefined;
  }

  listServices(): ServiceRecord[] {
    return this.#q('SELECT * FROM services ORDER BY name').all().map(toServiceRecord);
  }

  serviceTrackRecord(service: string): ServiceTrackRecord {
    const releases = this.#q('SELECT COUNT(*) AS n FROM releases WHERE service = ?').get(service);
    const deployments = this.#q(
      'SELECT status, COUNT(*) AS n FROM deployments WHERE service = ? GROUP BY status',
    ).all(service);
    const blocked = this.#q(
      `SELECT COUNT(DISTINCT release_id) AS n FROM gate_decisions
       WHERE service = ? AND decision = 'blocked'`,
    ).get(service);
    const count = (status: string) =>
      Number(deployments.find((row) => row.status === status)?.n ?? 0);
    return {
      releases: Number(releases?.n ?? 0),
      deployments: deployments.reduce((sum, row) => sum + Number(row.n), 0),
      failedDeployments: count('failed'),
      rolledBackDeployments: count('rolled-back'),
      blockedReleases: Number(blocked?.n ?? 0),
    };
  }

  getPolicyVersion(version: number): PolicyVersion | undefined {
    const row = this.#q('SELECT * FROM policies WHERE version = ?').get(version);
    return row ? toPolicyVersion(row) : undefined;
  }

  getPolicyBySha256(sha256: string): PolicyVersion | undefined {
    const row = this.#q('SELECT * FROM policies WHERE sha256 = ?').get(sha256);
    return row ? toPolicyVersion(row) : undefined;
  }

  listPolicyVersions(limit: number): PolicyVersion[] {
    return this.#q('SELECT * FROM policies ORDER BY version DESC LIMIT ?')
      .all(limit)
      .map(toPolicyVersion);
  }

  getActivationForScope(scope: string): ActivePolicy | undefined {
    const row = this.#q(
      `SELECT ${ACTIVATION_COLUMNS}, p.version, p.name, p.document, p.created_at, p.created_by
       FROM policy_activations a JOIN policies p ON p.version = a.policy_version
       WHERE a.scope = ? ORDER BY a.seq DESC LIMIT 1`,
    ).get(scope);
    return row ? { activation: toPolicyActivation(row), policy: toPolicyVersion(row) } : undefined;
  }

  getActivationFor(service: string): PolicyActivation | undefined {
    const row = this.#q(
      `SELECT ${ACTIVATION_COLUMNS} FROM policy_activations a
       JOIN policies p ON p.version = a.policy_version
       WHERE a.scope IN (?, '${ALL_SERVICES_SCOPE}')
       ORDER BY a.scope = ? DESC, a.seq DESC LIMIT 1`,
    ).get(service, service);
    return row ? toPolicyActivation(row) : undefined;
  }

  getActivePolicy(service: string): ActivePolicy | undefined {
    return this.getActivationForScope(service) ?? this.getActivationForScope(ALL_SERVICES_SCOPE);
  }

  listPolicyActivations(limit: number): PolicyActivation[] {
    return this.#q(
      `SELECT ${ACTIVATION_COLUMNS} FROM policy_activations a
       JOIN policies p ON p.version = a.policy_version ORDER BY a.seq DESC LIMIT ?`,
    )
      .all(limit)
      .map(toPolicyActivation);
  }

  getChange(id: string): ChangeRequest | undefined {
    const row = this.#q('SELECT * FROM changes WHERE id = ?').get(id);
    return row ? toChange(row) : undefined;
  }

  listChanges(query: ChangeQuery): Page<ChangeRequest> {
    const before =
      query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeSeqCursor(query.cursor);
    const rows =
      query.service === undefined
        ? this.#q('SELECT * FROM changes WHERE seq < ? ORDER BY seq DESC LIMIT ?').all(
            before,
            query.limit + 1,
          )
        : this.#q(
            'SELECT * FROM changes WHERE service = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
          ).all(query.service, before, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toChange),
      nextCursor: rows.length > query.limit && last ? encodeSeqCursor(Number(last.seq)) : null,
    };
  }

  releaseRowsForChange(changeId: string): Record<string, SQLInputValue>[] {
    return this.#q('SELECT * FROM releases WHERE change_id = ? ORDER BY seq').all(changeId);
  }

  latestRiskRecord(changeId: string): RiskRecord | undefined {
    const row = this.#q(
      'SELECT record FROM risk_assessments WHERE change_id = ? ORDER BY version DESC LIMIT 1',
    ).get(changeId);
    return row ? toRiskRecord(row) : undefined;
  }

  listRiskRecords(changeId: string): RiskRecord[] {
    return this.#q('SELECT record FROM risk_assessments WHERE change_id = ? ORDER BY version')
      .all(changeId)
      .map(toRiskRecord);
  }

  listDeployments(releaseId: string): Deployment[] {
    return this.#q('SELECT * FROM deployments WHERE release_id = ? ORDER BY seq')
      .all(releaseId)
      .map(toDeployment);
  }

  latestGateDecision(releaseId: string, environment: string): GateDecisionRecord | undefined {
    const row = this.#q(
      `SELECT * FROM gate_decisions WHERE release_id = ? AND environment = ?
       ORDER BY seq DESC LIMIT 1`,
    ).get(releaseId, environment);
    return row ? toGateDecisionRecord(row) : undefined;
  }

  latestGateDecisionHead(releaseId: string, environment: string): GateDecisionHead | undefined {
    const row = this.#q(
      `SELECT seq, decision, decision_hash, decided_at FROM gate_decisions
       WHERE release_id = ? AND environment = ? ORDER BY seq DESC LIMIT 1`,
    ).get(releaseId, environment);
    return row ? toGateDecisionHead(row) : undefined;
  }

  latestGateDecisions(releaseId: string): GateDecisionRecord[] {
    return this.#q(
      `SELECT g.* FROM gate_latest l JOIN gate_decisions g ON g.seq = l.decision_seq
       WHERE l.release_id = ? ORDER BY l.environment`,
    )
      .all(releaseId)
      .map(toGateDecisionRecord);
  }

  listGateDecisions(releaseId: string): GateDecisionRecord[] {
    return this.#q('SELECT * FROM gate_decisions WHERE release_id = ? ORDER BY seq')
      .all(releaseId)
      .map(toGateDecisionRecord);
  }
}

/** Writes of the release-control tables, inside the writer's transaction. */
export class SqliteControlWrites {
  readonly #q: Prepare;
  readonly #run: Run;
  readonly #reads: SqliteControlReads;
  /** The dashboards' daily counters, kept in the same transaction as each write. */
  readonly upkeep: UpkeepDb;
  constructor(prepare: Prepare, run: Run) {
    this.#q = prepare;
    this.#run = run;
    this.#reads = new SqliteControlReads(prepare);
    this.upkeep = {
      t: {
        releases: 'releases',
        changes: 'changes',
        gateLatest: 'gate_latest',
        gateLatestMissing: 'gate_latest_missing',
        gateLatestPending: 'gate_latest_pending',
        approvalWaits: 'approval_waits',
        approvalCycleDays: 'approval_cycle_days',
        approvalCycleRoleMonths: 'approval_cycle_role_months',
        approvalCycleClassMonths: 'approval_cycle_class_months',
        signatures: 'signatures',
        releaseDays: 'release_days',
        evidenceDays: 'evidence_days',
        missingDays: 'missing_days',
        deploymentDays: 'deployment_days',
        firstSuccesses: 'first_successes',
        leadTimeDays: 'lead_time_days',
        restores: 'restores',
        deployments: 'deployments',
      },
      all: async (sql, params) => prepare(sql).all(...(params as SQLInputValue[])),
      run: async (sql, params) => {
        prepare(sql).run(...(params as SQLInputValue[]));
      },
    };
  }

  putService(service: ServiceRecord): void {
    this.#run(
      `INSERT INTO services (name, criticality, owners, description, updated_at, updated_by)
       VALUES ($name, $criticality, $owners, $description, $updatedAt, $updatedBy)
       ON CONFLICT (name) DO UPDATE SET criticality = excluded.criticality,
         owners = excluded.owners, description = excluded.description,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      {
        $name: service.name,
        $criticality: service.criticality,
        $owners: JSON.stringify(service.owners),
        $description: service.description,
        $updatedAt: service.updatedAt,
        $updatedBy: service.updatedBy,
      },
    );
  }

  insertPolicyVersion(policy: Omit<PolicyVersion, 'version'>): {
    policy: PolicyVersion;
    created: boolean;
  } {
    const existing = this.#reads.getPolicyBySha256(policy.sha256);
    if (existing) return { policy: existing, created: false };
    const next = this.#q('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policies').get();
    const stored: PolicyVersion = { ...policy, version: Number(next?.next ?? 1) };
    this.#run(
      `INSERT INTO policies (version, sha256, name, document, created_at, created_by)
       VALUES ($version, $sha256, $name, $document, $createdAt, $createdBy)`,
      {
        $version: stored.version,
        $sha256: stored.sha256,
        $name: stored.name,
        $document: stored.text,
        $createdAt: stored.createdAt,
        $createdBy: stored.createdBy,
      },
    );
    return { policy: stored, created: true };
  }

  insertPolicyActivation(activation: Omit<PolicyActivation, 'seq'>): PolicyActivation {
    this.#run(
      `INSERT INTO policy_activations (scope, policy_version, activated_at, activated_by)
       VALUES ($scope, $version, $at, $by)`,
      {
        $scope: activation.scope,
        $version: activation.policyVersion,
        $at: activation.activatedAt,
        $by: activation.activatedBy,
      },
    );
    const row = this.#q('SELECT last_insert_rowid() AS seq').get();
    return { ...activation, seq: Number(row?.seq) };
  }

  nextChangeNumber(): number {
    const row = this.#q('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM changes').get();
    return Number(row?.next ?? 1);
  }

  insertChange(change: ChangeRequest): void {
    this.#run(
      `INSERT INTO changes (id, number, service, title, type, reason, requirements, author,
         created_at, created_by)
       VALUES ($id, $number, $service, $title, $type, $reason, $requirements, $author,
         $createdAt, $createdBy)`,
      {
        $id: change.id,
        $number: Number(change.id.slice('CHG-'.length)),
        $service: change.service,
        $title: change.title,
        $type: change.type,
        $reason: change.reason,
        $requirements: JSON.stringify(change.requirements),
        $author: change.author,
        $createdAt: change.createdAt,
        $createdBy: change.createdBy,
      },
    );
  }

  async insertRiskRecord(record: RiskRecord): Promise<void> {
    this.#run(
      `INSERT INTO risk_assessments (change_id, version, record, recorded_at, recorded_by)
       VALUES ($changeId, $version, $record, $at, $by)`,
      {
        $changeId: record.changeId,
        $version: record.version,
        $record: JSON.stringify(record),
        $at: record.recordedAt,
        $by: record.recordedBy,
      },
    );
    await moveRiskClass(this.upkeep, record.changeId, effectiveRiskClass(record));
  }

  async insertDeployment(deployment: Deployment): Promise<void> {
    this.#run(
      `INSERT INTO deployments (id, release_id, service, environment, status, at, source, url,
         recorded_at, recorded_by)
       SELECT $id, $releaseId, service, $environment, $status, $at, $source, $url, $recordedAt,
         $recordedBy FROM releases WHERE id = $releaseId`,
      {
        $id: deployment.id,
        $releaseId: deployment.releaseId,
        $environment: deployment.environment,
        $status: deployment.status,
        $at: deployment.at,
        $source: deployment.source,
        $url: deployment.url,
        $recordedAt: deployment.recordedAt,
        $recordedBy: deployment.recordedBy,
      },
    );
    if (Number(this.#q('SELECT changes() AS n').get()?.n) !== 1) {
      throw new Error(`no release ${deployment.releaseId} to record a deployment for`);
    }
    await countDeployment(this.upkeep, deployment);
  }

  async insertGateDecision(record: Omit<GateDecisionRecord, 'seq'>): Promise<GateDecisionRecord> {
    this.#run(
      `INSERT INTO gate_decisions (release_id, service, environment, decision, decision_hash,
         policy_sha256, decided_at, decided_by, body)
       VALUES ($releaseId, $service, $environment, $decision, $hash, $policy, $at, $by, $body)`,
      {
        $releaseId: record.releaseId,
        $service: record.service,
        $environment: record.environment,
        $decision: record.decision,
        $hash: record.decisionHash,
        $policy: record.policySha256,
        $at: record.decidedAt,
        $by: record.decidedBy,
        $body: JSON.stringify(record.body),
      },
    );
    const row = this.#q('SELECT last_insert_rowid() AS seq').get();
    const stored = { ...record, seq: Number(row?.seq) };
    const before = await readGateState(this.upkeep, record.releaseId);
    this.#keepLatest(stored);
    const after = await readGateState(this.upkeep, record.releaseId);
    await applyGateState(
      this.upkeep,
      record.releaseId,
      record.service,
      record.decidedAt,
      before,
      after,
    );
    return stored;
  }

  /** Makes `record` the latest decision for its release and environment in the read models. */
  #keepLatest(record: GateDecisionRecord): void {
    const missing = missingEvidenceKinds(record.body);
    const key = { $releaseId: record.releaseId, $environment: record.environment };
    this.#run(
      `INSERT INTO gate_latest (release_id, environment, service, decision, decision_seq,
         decided_at, release_created_at, missing_count)
       SELECT $releaseId, $environment, $service, $decision, $seq, $at, created_at, $missing
       FROM releases WHERE id = $releaseId
       ON CONFLICT (release_id, environment) DO UPDATE SET decision = excluded.decision,
         decision_seq = excluded.decision_seq, decided_at = excluded.decided_at,
         missing_count = excluded.missing_count`,
      {
        ...key,
        $service: record.service,
        $decision: record.decision,
        $seq: record.seq,
        $at: record.decidedAt,
        $missing: missing.length,
      },
    );
    this.#run(
      'DELETE FROM gate_latest_missing WHERE release_id = $releaseId AND environment = $environment',
      key,
    );
    for (const kind of missing) {
      this.#run(
        `INSERT INTO gate_latest_missing (release_id, environment, kind, service,
           release_created_at)
         SELECT $releaseId, $environment, $kind, $service, created_at FROM releases
         WHERE id = $releaseId`,
        { ...key, $kind: kind, $service: record.service },
      );
    }
    // Roles still asked for keep their "since"; roles no longer asked for leave.
    const pending = pendingApprovalRoles(record.body);
    this.#run(
      `DELETE FROM gate_latest_pending WHERE release_id = $releaseId AND environment = $environment
         AND role NOT IN (SELECT value FROM json_each($roles))`,
      { ...key, $roles: JSON.stringify(pending) },
    );
    for (const role of pending) {
      this.#run(
        `INSERT INTO gate_latest_pending (release_id, environment, role, service, since)
         VALUES ($releaseId, $environment, $role, $service, $at)
         ON CONFLICT (release_id, environment, role) DO NOTHING`,
        { ...key, $role: role, $service: record.service, $at: record.decidedAt },
      );
    }
  }
}

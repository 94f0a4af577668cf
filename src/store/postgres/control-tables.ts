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

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;

/** `?1` → `$1`: the upkeep SQL is written once for both adapters. */
function toDollarPlaceholders(sql: string): string {
  return sql.replaceAll(/\?(\d+)/g, '$$$1');
}

/** The release-control tables, qualified with the store's schema. */
export function controlTablesIn(s: string) {
  return {
    services: `${s}.services`,
    policies: `${s}.policies`,
    policyActivations: `${s}.policy_activations`,
    changes: `${s}.changes`,
    riskAssessments: `${s}.risk_assessments`,
    deployments: `${s}.deployments`,
    gateDecisions: `${s}.gate_decisions`,
    releases: `${s}.releases`,
    gateLatest: `${s}.gate_latest`,
    gateLatestMissing: `${s}.gate_latest_missing`,
    gateLatestPending: `${s}.gate_latest_pending`,
    approvalWaits: `${s}.approval_waits`,
    approvalCycleDays: `${s}.approval_cycle_days`,
    approvalCycleRoleMonths: `${s}.approval_cycle_role_months`,
    approvalCycleClassMonths: `${s}.approval_cycle_class_months`,
    signatures: `${s}.signatures`,
    releaseDays: `${s}.release_days`,
    evidenceDays: `${s}.evidence_days`,
    missingDays: `${s}.missing_days`,
    deploymentDays: `${s}.deployment_days`,
    firstSuccesses: `${s}.first_successes`,
    leadTimeDays: `${s}.lead_time_days`,
    restores: `${s}.restores`,
  };
}
type ControlTables = ReturnType<typeof controlTablesIn>;

/** Reads of the release-control tables: services, policies, changes, risk, deployments, gates. */
export class PostgresControlReads {
  protected readonly run: Run;
  protected readonly t: ControlTables;
  constructor(run: Run, tables: ControlTables) {
    this.run = run;
    this.t = tables;
  }

  async getService(name: string): Promise<ServiceRecord | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.services} WHERE name = $1`, [name]);
    return row ? toServiceRecord(row) : undefined;
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (await this.run(`SELECT * FROM ${this.t.services} ORDER BY name`)).map(toServiceRecord);
  }

  async serviceTrackRecord(service: string): Promise<ServiceTrackRecord> {
    const [row] = await this.run(
      `SELECT
         (SELECT COUNT(*) FROM ${this.t.releases} WHERE service = $1) AS releases,
         (SELECT COUNT(*) FROM ${this.t.deployments} WHERE service = $1) AS deployments,
         (SELECT COUNT(*) FROM ${this.t.deployments} WHERE service = $1 AND status = 'failed')
           AS failed,
         (SELECT COUNT(*) FROM ${this.t.deployments}
           WHERE service = $1 AND status = 'rolled-back') AS rolled_back,
         (SELECT COUNT(DISTINCT release_id) FROM ${this.t.gateDecisions}
           WHERE service = $1 AND decision = 'blocked') AS blocked`,
      [service],
    );
    return {
      releases: Number(row?.releases ?? 0),
      deployments: Number(row?.deployments ?? 0),
      failedDeployments: Number(row?.failed ?? 0),
      rolledBackDeployments: Number(row?.rolled_back ?? 0),
      blockedReleases: Number(row?.blocked ?? 0),
    };
  }

  async getPolicyVersion(version: number): Promise<PolicyVersion | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.policies} WHERE version = $1`, [version]);
    return row ? toPolicyVersion(row) : undefined;
  }

  async getPolicyBySha256(sha256: string): Promise<PolicyVersion | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.policies} WHERE sha256 = $1`, [sha256]);
    return row ? toPolicyVersion(row) : undefined;
  }

  async listPolicyVersions(limit: number): Promise<PolicyVersion[]> {
    return (
      await this.run(`SELECT * FROM ${this.t.policies} ORDER BY version DESC LIMIT $1`, [limit])
    ).map(toPolicyVersion);
  }

  async getActivationForScope(scope: string): Promise<ActivePolicy | undefined> {
    const [row] = await this.run(
      `SELECT a.seq, a.scope, a.policy_version, a.activated_at, a.activated_by, p.*
       FROM ${this.t.policyActivations} a JOIN ${this.t.policies} p ON p.version = a.policy_version
       WHERE a.scope = $1 ORDER BY a.seq DESC LIMIT 1`,
      [scope],
    );
    return row ? { activation: toPolicyActivation(row), policy: toPolicyVersion(row) } : undefined;
  }

  async getActivationFor(service: string): Promise<PolicyActivation | undefined> {
    const [row] = await this.run(
      `SELECT a.*, p.sha256 FROM ${this.t.policyActivations} a
       JOIN ${this.t.policies} p ON p.version = a.policy_version
       WHERE a.scope IN ($1, '${ALL_SERVICES_SCOPE}')
       ORDER BY a.scope = $1 DESC, a.seq DESC LIMIT 1`,
      [service],
    );
    return row ? toPolicyActivation(row) : undefined;
  }

  async getActivePolicy(service: string): Promise<ActivePolicy | undefined> {
    return (
      (await this.getActivationForScope(service)) ??
      (await this.getActivationForScope(ALL_SERVICES_SCOPE))
    );
  }

  async listPolicyActivations(limit: number): Promise<PolicyActivation[]> {
    return (
      await this.run(
        `SELECT a.*, p.sha256 FROM ${this.t.policyActivations} a
         JOIN ${this.t.policies} p ON p.version = a.policy_version
         ORDER BY a.seq DESC LIMIT $1`,
        [limit],
      )
    ).map(toPolicyActivation);
  }

  async getChange(id: string): Promise<ChangeRequest | undefined> {
    const [row] = await this.run(`SELECT * FROM ${this.t.changes} WHERE id = $1`, [id]);
    return row ? toChange(row) : undefined;
  }

  async listChanges(query: ChangeQuery): Promise<Page<ChangeRequest>> {
    const before =
      query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeSeqCursor(query.cursor);
    const rows =
      query.service === undefined
        ? await this.run(
            `SELECT * FROM ${this.t.changes} WHERE seq < $1 ORDER BY seq DESC LIMIT $2`,
            [before, query.limit + 1],
          )
        : await this.run(
            `SELECT * FROM ${this.t.changes} WHERE service = $1 AND seq < $2
             ORDER BY seq DESC LIMIT $3`,
            [query.service, before, query.limit + 1],
          );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toChange),
      nextCursor: rows.length > query.limit && last ? encodeSeqCursor(Number(last.seq)) : null,
    };
  }

  async releaseRowsForChange(changeId: string): Promise<Row[]> {
    return this.run(`SELECT * FROM ${this.t.releases} WHERE change_id = $1 ORDER BY seq`, [
      changeId,
    ]);
  }

  async latestRiskRecord(changeId: string): Promise<RiskRecord | undefined> {
    const [row] = await this.run(
      `SELECT record FROM ${this.t.riskAssessments} WHERE change_id = $1
       ORDER BY version DESC LIMIT 1`,
      [changeId],
    );
    return row ? toRiskRecord(row) : undefined;
  }

  async listRiskRecords(changeId: string): Promise<RiskRecord[]> {
    return (
      await this.run(
        `SELECT record FROM ${this.t.riskAssessments} WHERE change_id = $1 ORDER BY version`,
        [changeId],
      )
    ).map(toRiskRecord);
  }

  async listDeployments(releaseId: string): Promise<Deployment[]> {
    return (
      await this.run(`SELECT * FROM ${this.t.deployments} WHERE release_id = $1 ORDER BY seq`, [
        releaseId,
      ])
    ).map(toDeployment);
  }

  async latestGateDecision(
    releaseId: string,
    environment: string,
  ): Promise<GateDecisionRecord | undefined> {
    const [row] = await this.run(
      `SELECT * FROM ${this.t.gateDecisions} WHERE release_id = $1 AND environment = $2
       ORDER BY seq DESC LIMIT 1`,
      [releaseId, environment],
    );
    return row ? toGateDecisionRecord(row) : undefined;
  }

  async latestGateDecisionHead(
    releaseId: string,
    environment: string,
  ): Promise<GateDecisionHead | undefined> {
    const [row] = await this.run(
      `SELECT seq, decision, decision_hash, decided_at FROM ${this.t.gateDecisions}
       WHERE release_id = $1 AND environment = $2 ORDER BY seq DESC LIMIT 1`,
      [releaseId, environment],
    );
    return row ? toGateDecisionHead(row) : undefined;
  }

  async latestGateDecisions(releaseId: string): Promise<GateDecisionRecord[]> {
    const rows = await this.run(
      `SELECT g.* FROM ${this.t.gateLatest} l JOIN ${this.t.gateDecisions} g
         ON g.seq = l.decision_seq
       WHERE l.release_id = $1 ORDER BY l.environment COLLATE "C"`,
      [releaseId],
    );
    return rows.map(toGateDecisionRecord);
  }

  async listGateDecisions(releaseId: string): Promise<GateDecisionRecord[]> {
    return (
      await this.run(`SELECT * FROM ${this.t.gateDecisions} WHERE release_id = $1 ORDER BY seq`, [
        releaseId,
      ])
    ).map(toGateDecisionRecord);
  }
}

/** Writes of the release-control tables, inside a transaction. */
export class PostgresControlWrites extends PostgresControlReads {
  /** The dashboards' daily counters, kept in the same transaction as each write. */
  get upkeep(): UpkeepDb {
    return {
      t: this.t,
      all: (sql, params) => this.run(toDollarPlaceholders(sql), params),
      run: async (sql, params) => {
        await this.run(toDollarPlaceholders(sql), params);
      },
    };
  }

  async putService(service: ServiceRecord): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.services} (name, criticality, owners, description, updated_at,
         updated_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET criticality = excluded.criticality,
         owners = excluded.owners, description = excluded.description,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [
        service.name,
        service.criticality,
        service.owners,
        service.description,
        service.updatedAt,
        service.updatedBy,
      ],
    );
  }

  async insertPolicyVersion(
    policy: Omit<PolicyVersion, 'version'>,
  ): Promise<{ policy: PolicyVersion; created: boolean }> {
    // Versions are numbered MAX + 1: instances applying policies at once take turns.
    await this.run(`LOCK TABLE ${this.t.policies} IN EXCLUSIVE MODE`);
    const existing = await this.getPolicyBySha256(policy.sha256);
    if (existing) return { policy: existing, created: false };
    const [next] = await this.run(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM ${this.t.policies}`,
    );
    const stored: PolicyVersion = { ...policy, version: Number(next?.next ?? 1) };
    await this.run(
      `INSERT INTO ${this.t.policies} (version, sha256, name, document, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [stored.version, stored.sha256, stored.name, stored.text, stored.createdAt, stored.createdBy],
    );
    return { policy: stored, created: true };
  }

  async insertPolicyActivation(
    activation: Omit<PolicyActivation, 'seq'>,
  ): Promise<PolicyActivation> {
    const [row] = await this.run(
      `INSERT INTO ${this.t.policyActivations} (scope, policy_version, activated_at, activated_by)
       VALUES ($1, $2, $3, $4) RETURNING seq`,
      [activation.scope, activation.policyVersion, activation.activatedAt, activation.activatedBy],
    );
    return { ...activation, seq: Number(row?.seq) };
  }

  async nextChangeNumber(): Promise<number> {
    // Held to the end of the transaction, so the number is still free at insert.
    await this.run(`LOCK TABLE ${this.t.changes} IN EXCLUSIVE MODE`);
    const [row] = await this.run(
      `SELECT COALESCE(MAX(number), 0) + 1 AS next FROM ${this.t.changes}`,
    );
    return Number(row?.next ?? 1);
  }

  async insertChange(change: ChangeRequest): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.changes} (id, number, service, title, type, reason, requirements,
         author, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        change.id,
        Number(change.id.slice('CHG-'.length)),
        change.service,
        change.title,
        change.type,
        change.reason,
        change.requirements,
        change.author,
        change.createdAt,
        change.createdBy,
      ],
    );
  }

  async insertRiskRecord(record: RiskRecord): Promise<void> {
    await this.run(
      `INSERT INTO ${this.t.riskAssessments} (change_id, version, record, recorded_at,
         recorded_by) VALUES ($1, $2, $3, $4, $5)`,
      [
        record.changeId,
        record.version,
        JSON.stringify(record),
        record.recordedAt,
        record.recordedBy,
      ],
    );
    await moveRiskClass(this.upkeep, record.changeId, effectiveRiskClass(record));
  }

  async insertDeployment(deployment: Deployment): Promise<void> {
    const rows = await this.run(
      `INSERT INTO ${this.t.deployments} (id, release_id, service, environment, status, at,
         source, url, recorded_at, recorded_by)
       SELECT $1, $2, service, $3, $4, $5, $6, $7, $8, $9 FROM ${this.t.releases} WHERE id = $2
       RETURNING seq`,
      [
        deployment.id,
        deployment.releaseId,
        deployment.environment,
        deployment.status,
        deployment.at,
        deployment.source,
        deployment.url,
        deployment.recordedAt,
        deployment.recordedBy,
      ],
    );
    if (rows.length !== 1) {
      throw new Error(`no release ${deployment.releaseId} to record a deployment for`);
    }
    await countDeployment(this.upkeep, deployment);
  }

  async insertGateDecision(record: Omit<GateDecisionRecord, 'seq'>): Promise<GateDecisionRecord> {
    const [row] = await this.run(
      `INSERT INTO ${this.t.gateDecisions} (release_id, service, environment, decision,
         decision_hash, policy_sha256, decided_at, decided_by, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
      [
        record.releaseId,
        record.service,
        record.environment,
        record.decision,
        record.decisionHash,
        record.policySha256,
        record.decidedAt,
        record.decidedBy,
        JSON.stringify(record.body),
      ],
    );
    const stored = { ...record, seq: Number(row?.seq) };
    const before = await readGateState(this.upkeep, record.releaseId);
    await this.#keepLatest(stored);
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
  async #keepLatest(record: GateDecisionRecord): Promise<void> {
    const missing = missingEvidenceKinds(record.body);
    await this.run(
      `INSERT INTO ${this.t.gateLatest} (release_id, environment, service, decision, decision_seq,
         decided_at, release_created_at, missing_count)
       SELECT $1, $2, $3, $4, $5, $6, created_at, $7 FROM ${this.t.releases} WHERE id = $1
       ON CONFLICT (release_id, environment) DO UPDATE SET decision = excluded.decision,
         decision_seq = excluded.decision_seq, decided_at = excluded.decided_at,
         missing_count = excluded.missing_count`,
      [
        record.releaseId,
        record.environment,
        record.service,
        record.decision,
        record.seq,
        record.decidedAt,
        missing.length,
      ],
    );
    await this.run(
      `DELETE FROM ${this.t.gateLatestMissing} WHERE release_id = $1 AND environment = $2`,
      [record.releaseId, record.environment],
    );
    if (missing.length > 0) {
      await this.run(
        `INSERT INTO ${this.t.gateLatestMissing} (release_id, environment, kind, service,
           release_created_at)
         SELECT $1, $2, kind, $3, r.created_at FROM ${this.t.releases} r, unnest($4::text[]) kind
         WHERE r.id = $1`,
        [record.releaseId, record.environment, record.service, missing],
      );
    }
    // Roles still asked for keep their "since"; roles no longer asked for leave.
    const pending = pendingApprovalRoles(record.body);
    await this.run(
      `DELETE FROM ${this.t.gateLatestPending} WHERE release_id = $1 AND environment = $2
         AND role <> ALL ($3::text[])`,
      [record.releaseId, record.environment, pending],
    );
    if (pending.length > 0) {
      await this.run(
        `INSERT INTO ${this.t.gateLatestPending} (release_id, environment, role, service, since)
         SELECT $1, $2, role, $3, $4 FROM unnest($5::text[]) role
         ON CONFLICT (release_id, environment, role) DO NOTHING`,
        [record.releaseId, record.environment, record.service, record.decidedAt, pending],
      );
    }
  }
}

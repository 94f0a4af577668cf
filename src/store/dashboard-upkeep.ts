import { durationBin } from '../core/dashboard/time-bins.ts';
import type { Deployment } from '../core/deployment/deployment.ts';
import type { Release } from '../core/release.ts';

/**
 * The dashboards read daily counters, not the 100,000 rows under them: these functions keep the
 * counters in step with each write, inside the writer's transaction, on both adapters. SQL uses
 * numbered placeholders (`?1`), which the PostgreSQL adapter rewrites to `$1`; `AS t` names the
 * counter row being bumped. A counter may fall to zero; readers skip those rows.
 */
export interface UpkeepDb {
  t: UpkeepTables;
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params: readonly unknown[]): Promise<void>;
}

export interface UpkeepTables {
  releases: string;
  changes: string;
  gateLatest: string;
  gateLatestMissing: string;
  gateLatestPending: string;
  approvalWaits: string;
  approvalCycleDays: string;
  approvalCycleRoleMonths: string;
  approvalCycleClassMonths: string;
  signatures: string;
  releaseDays: string;
  evidenceDays: string;
  missingDays: string;
  deploymentDays: string;
  firstSuccesses: string;
  leadTimeDays: string;
  restores: string;
  deployments: string;
}

/** Unassessed releases are counted under '' (a key column cannot be null). */
const UNASSESSED_KEY = '';

export const dayOf = (iso: string) => iso.slice(0, 10);

/** A new release counts on its creation day under its change's current risk class. */
export async function countRelease(db: UpkeepDb, release: Release): Promise<void> {
  await db.run(
    `INSERT INTO ${db.t.releaseDays} AS t (day, risk_class, releases)
     SELECT ?1, COALESCE((SELECT risk_class FROM ${db.t.changes} WHERE id = ?2), ''), 1 WHERE true
     ON CONFLICT (day, risk_class) DO UPDATE SET releases = t.releases + 1`,
    [dayOf(release.createdAt), release.change],
  );
}

/** A change's effective class changed: its releases move from the old class to the new one. */
export async function moveRiskClass(db: UpkeepDb, changeId: string, next: string): Promise<void> {
  const [row] = await db.all(`SELECT risk_class FROM ${db.t.changes} WHERE id = ?1`, [changeId]);
  if (!row) return;
  const previous = row.risk_class === null ? UNASSESSED_KEY : String(row.risk_class);
  if (previous === next) return;
  for (const [riskClass, count] of [
    [previous, '-COUNT(*)'],
    [next, 'COUNT(*)'],
  ] as const) {
    await db.run(
      `INSERT INTO ${db.t.releaseDays} AS t (day, risk_class, releases)
       SELECT substr(created_at, 1, 10), ?2, ${count} FROM ${db.t.releases} WHERE change_id = ?1
       GROUP BY substr(created_at, 1, 10)
       ON CONFLICT (day, risk_class) DO UPDATE SET releases = t.releases + excluded.releases`,
      [changeId, riskClass],
    );
  }
  await db.run(`UPDATE ${db.t.changes} SET risk_class = ?2 WHERE id = ?1`, [changeId, next]);
}

export interface ReleaseGateState {
  decided: boolean;
  missingKinds: Set<string>;
  /** Roles whose approval some latest decision of the release waits for. */
  pendingRoles: Set<string>;
}

/**
 * Whether the release has a latest decision anywhere, the kinds any of them found missing, and
 * the roles any of them waits for.
 */
export async function readGateState(db: UpkeepDb, releaseId: string): Promise<ReleaseGateState> {
  const [decided] = await db.all(
    `SELECT 1 AS one FROM ${db.t.gateLatest} WHERE release_id = ?1 LIMIT 1`,
    [releaseId],
  );
  const kinds = await db.all(
    `SELECT DISTINCT kind FROM ${db.t.gateLatestMissing} WHERE release_id = ?1`,
    [releaseId],
  );
  const roles = await db.all(
    `SELECT DISTINCT role FROM ${db.t.gateLatestPending} WHERE release_id = ?1`,
    [releaseId],
  );
  return {
    decided: decided !== undefined,
    missingKinds: new Set(kinds.map((r) => String(r.kind))),
    pendingRoles: new Set(roles.map((r) => String(r.role))),
  };
}

/**
 * Moves the release's counts on its creation day from the state before to the state after, and
 * opens or closes its approval waits: the decision recorded at `decidedAt` made the change.
 */
export async function applyGateState(
  db: UpkeepDb,
  releaseId: string,
  service: string,
  decidedAt: string,
  before: ReleaseGateState,
  after: ReleaseGateState,
): Promise<void> {
  await applyApprovalWaits(db, releaseId, decidedAt, before.pendingRoles, after.pendingRoles);
  const decided = Number(after.decided) - Number(before.decided);
  const incomplete = Number(after.missingKinds.size > 0) - Number(before.missingKinds.size > 0);
  const changedKinds = [...new Set([...before.missingKinds, ...after.missingKinds])].filter(
    (kind) => before.missingKinds.has(kind) !== after.missingKinds.has(kind),
  );
  if (decided === 0 && incomplete === 0 && changedKinds.length === 0) return;
  const [release] = await db.all(`SELECT created_at FROM ${db.t.releases} WHERE id = ?1`, [
    releaseId,
  ]);
  if (!release) return;
  const day = dayOf(String(release.created_at));
  if (decided !== 0 || incomplete !== 0) {
    await db.run(
      `INSERT INTO ${db.t.evidenceDays} AS t (day, service, decided, incomplete)
       VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (day, service) DO UPDATE SET decided = t.decided + excluded.decided,
         incomplete = t.incomplete + excluded.incomplete`,
      [day, service, decided, incomplete],
    );
  }
  for (const kind of changedKinds) {
    await db.run(
      `INSERT INTO ${db.t.missingDays} AS t (day, service, kind, releases) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (day, service, kind) DO UPDATE SET releases = t.releases + excluded.releases`,
      [day, service, kind, after.missingKinds.has(kind) ? 1 : -1],
    );
  }
}

/**
 * Counts a deployment on its day. A success that is the release's earliest in the environment
 * becomes its lead time (seconds from the release's creation, counted in its bin), and restores
 * the service's failures before it that nothing restored earlier; a failure is recorded with the
 * time to the service's next success, if one is already known.
 */
export async function countDeployment(db: UpkeepDb, deployment: Deployment): Promise<void> {
  await db.run(
    `INSERT INTO ${db.t.deploymentDays} AS t (environment, day, status, deployments)
     VALUES (?1, ?2, ?3, 1)
     ON CONFLICT (environment, day, status) DO UPDATE SET deployments = t.deployments + 1`,
    [deployment.environment, dayOf(deployment.at), deployment.status],
  );
  const [release] = await db.all(`SELECT service, created_at FROM ${db.t.releases} WHERE id = ?1`, [
    deployment.releaseId,
  ]);
  if (!release) return;
  const service = String(release.service);
  if (deployment.status === 'succeeded') {
    await countFirstSuccess(db, deployment, String(release.created_at));
    await restoreFailures(db, deployment, service);
  } else {
    await recordFailure(db, deployment, service);
  }
}

async function countFirstSuccess(db: UpkeepDb, deployment: Deployment, createdAt: string) {
  const [earlier] = await db.all(
    `SELECT at, day, seconds FROM ${db.t.firstSuccesses} WHERE release_id = ?1 AND environment = ?2`,
    [deployment.releaseId, deployment.environment],
  );
  if (earlier && String(earlier.at) <= deployment.at) return;
  const seconds = (Date.parse(deployment.at) - Date.parse(createdAt)) / 1000;
  await db.run(
    `INSERT INTO ${db.t.firstSuccesses} AS t (release_id, environment, at, day, seconds)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (release_id, environment) DO UPDATE SET at = excluded.at, day = excluded.day,
       seconds = excluded.seconds`,
    [deployment.releaseId, deployment.environment, deployment.at, dayOf(deployment.at), seconds],
  );
  if (earlier) {
    await bumpLeadTime(
      db,
      deployment.environment,
      String(earlier.day),
      Number(earlier.seconds),
      -1,
    );
  }
  await bumpLeadTime(db, deployment.environment, dayOf(deployment.at), seconds, 1);
}

async function bumpLeadTime(
  db: UpkeepDb,
  environment: string,
  day: string,
  seconds: number,
  by: number,
) {
  await db.run(
    `INSERT INTO ${db.t.leadTimeDays} AS t (environment, day, bin, releases) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (environment, day, bin) DO UPDATE SET releases = t.releases + excluded.releases`,
    [environment, day, durationBin(seconds), by],
  );
}

async function recordFailure(db: UpkeepDb, deployment: Deployment, service: string) {
  const [next] = await db.all(
    `SELECT MIN(at) AS at FROM ${db.t.deployments}
     WHERE service = ?1 AND environment = ?2 AND status = 'succeeded' AND at > ?3`,
    [service, deployment.environment, deployment.at],
  );
  const restoredAt = next?.at === null || next?.at === undefined ? null : String(next.at);
  await db.run(
    `INSERT INTO ${db.t.restores} (deployment_id, environment, service, failed_at, day,
       restored_at, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
    [
      deployment.id,
      deployment.environment,
      service,
      deployment.at,
      dayOf(deployment.at),
      restoredAt,
      restoredAt === null ? null : (Date.parse(restoredAt) - Date.parse(deployment.at)) / 1000,
    ],
  );
}

async function restoreFailures(db: UpkeepDb, deployment: Deployment, service: string) {
  const pending = await db.all(
    `SELECT deployment_id, failed_at FROM ${db.t.restores}
     WHERE service = ?1 AND environment = ?2 AND failed_at < ?3
       AND (restored_at IS NULL OR restored_at > ?3)`,
    [service, deployment.environment, deployment.at],
  );
  for (const failure of pending) {
    const seconds = (Date.parse(deployment.at) - Date.parse(String(failure.failed_at))) / 1000;
    await db.run(
      `UPDATE ${db.t.restores} SET restored_at = ?2, seconds = ?3 WHERE deployment_id = ?1`,
      [failure.deployment_id, deployment.at, seconds],
    );
  }
}

/**
 * A release waits for a role from the first recorded decision that asks for the role's approval
 * (in any environment) until no latest decision of the release asks for it any more. When a wait
 * ends, the approval signature by that role that ended it (the latest one on the release at or
 * before the decision, and not before the wait began) makes one approval cycle: its seconds since
 * the wait began, counted on the signature's day. A wait that ends without such a signature (the
 * policy stopped asking) counts nothing.
 */
async function applyApprovalWaits(
  db: UpkeepDb,
  releaseId: string,
  decidedAt: string,
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): Promise<void> {
  for (const role of after) {
    if (before.has(role)) continue;
    await db.run(
      `INSERT INTO ${db.t.approvalWaits} (release_id, role, since, release_created_at)
       SELECT id, ?2, ?3, created_at FROM ${db.t.releases} WHERE id = ?1
       ON CONFLICT (release_id, role) DO NOTHING`,
      [releaseId, role, decidedAt],
    );
  }
  for (const role of before) {
    if (after.has(role)) continue;
    const [wait] = await db.all(
      `SELECT since FROM ${db.t.approvalWaits} WHERE release_id = ?1 AND role = ?2`,
      [releaseId, role],
    );
    await db.run(`DELETE FROM ${db.t.approvalWaits} WHERE release_id = ?1 AND role = ?2`, [
      releaseId,
      role,
    ]);
    if (!wait) continue;
    const since = String(wait.since);
    const [signature] = await db.all(
      `SELECT MAX(signed_at) AS at FROM ${db.t.signatures}
       WHERE release_id = ?1 AND role = ?2 AND kind = 'approval' AND signed_at >= ?3
         AND signed_at <= ?4`,
      [releaseId, role, since, decidedAt],
    );
    if (signature?.at === null || signature?.at === undefined) continue;
    const signedAt = String(signature.at);
    const [change] = await db.all(
      `SELECT c.risk_class FROM ${db.t.releases} r JOIN ${db.t.changes} c ON c.id = r.change_id
       WHERE r.id = ?1`,
      [releaseId],
    );
    const riskClass = change?.risk_class == null ? '' : String(change.risk_class);
    const day = dayOf(signedAt);
    const bin = durationBin((Date.parse(signedAt) - Date.parse(since)) / 1000);
    await db.run(
      `INSERT INTO ${db.t.approvalCycleDays} AS t (day, role, risk_class, bin, approvals)
       VALUES (?1, ?2, ?3, ?4, 1)
       ON CONFLICT (day, role, risk_class, bin) DO UPDATE SET approvals = t.approvals + 1`,
      [day, role, riskClass, bin],
    );
    // The monthly sums long periods read (store/*/dashboard-reads.ts), kept in the same write.
    await db.run(
      `INSERT INTO ${db.t.approvalCycleRoleMonths} AS t (month, role, bin, approvals)
       VALUES (?1, ?2, ?3, 1)
       ON CONFLICT (month, role, bin) DO UPDATE SET approvals = t.approvals + 1`,
      [day.slice(0, 7), role, bin],
    );
    await db.run(
      `INSERT INTO ${db.t.approvalCycleClassMonths} AS t (month, risk_class, bin, approvals)
       VALUES (?1, ?2, ?3, 1)
       ON CONFLICT (month, risk_class, bin) DO UPDATE SET approvals = t.approvals + 1`,
      [day.slice(0, 7), riskClass, bin],
    );
  }
}

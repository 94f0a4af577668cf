import {
  bucketsIn,
  type DashboardBucket,
  type Period,
  UNASSESSED,
  weightedQuantile,
} from './dashboards.ts';

/**
 * Approval cycle time: how long releases waited for a role's approval. A wait begins with the
 * first recorded gate decision of the release (any environment) that asks for the role's approval
 * and ends when no latest decision asks for it any more; its length is measured to the approval
 * signature by that role that ended it, and it is counted on that signature's UTC day. The store
 * keeps completed waits per day, role, risk class and 5% duration bin (time-bins.ts), and sums
 * them for a period already rolled up, so a year is a few thousand rows rather than a row a day.
 */
export interface ApprovalCycleRows {
  /** Per bucket of the signature day (bucketOf), role and duration bin. */
  byBucket: ReadonlyArray<{ bucket: string; role: string; seconds: number; approvals: number }>;
  /** Per risk class of the change when the wait ended (null: unassessed) and duration bin. */
  byClass: ReadonlyArray<{ riskClass: string | null; seconds: number; approvals: number }>;
}

export interface CycleFigures {
  approvals: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface ApprovalCycleDashboard {
  period: Period;
  bucket: DashboardBucket;
  /** Roles with an approval in the period, alphabetically. */
  roles: string[];
  overall: CycleFigures;
  byRole: Array<{ role: string } & CycleFigures>;
  /** Classes alphabetically, then `unassessed` if any. */
  byClass: Array<{ riskClass: string } & CycleFigures>;
  series: Array<{ bucket: string; byRole: Record<string, CycleFigures> } & CycleFigures>;
}

interface Weighted {
  value: number;
  count: number;
}

function figures(rows: readonly Weighted[]): CycleFigures {
  return {
    approvals: rows.reduce((sum, row) => sum + row.count, 0),
    medianSeconds: weightedQuantile(rows, 0.5),
    p90Seconds: weightedQuantile(rows, 0.9),
  };
}

function push<K>(map: Map<K, Weighted[]>, key: K, row: Weighted): void {
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}

export function approvalCycleDashboard(
  rows: ApprovalCycleRows,
  period: Period,
  bucket: DashboardBucket,
): ApprovalCycleDashboard {
  const keys = bucketsIn(period, bucket);
  const inPeriod = new Set(keys);
  const all: Weighted[] = [];
  const byRole = new Map<string, Weighted[]>();
  const byBucket = new Map<string, Weighted[]>();
  const byBucketRole = new Map<string, Weighted[]>();
  for (const row of rows.byBucket) {
    if (!inPeriod.has(row.bucket) || row.approvals <= 0) continue;
    const weighted = { value: row.seconds, count: row.approvals };
    all.push(weighted);
    push(byRole, row.role, weighted);
    push(byBucket, row.bucket, weighted);
    push(byBucketRole, `${row.bucket}\n${row.role}`, weighted);
  }
  const byClass = new Map<string, Weighted[]>();
  for (const row of rows.byClass) {
    if (row.approvals > 0) {
      push(byClass, row.riskClass ?? UNASSESSED, { value: row.seconds, count: row.approvals });
    }
  }
  const roles = [...byRole.keys()].sort();
  const classes = [...byClass.keys()].filter((name) => name !== UNASSESSED).sort();
  if (byClass.has(UNASSESSED)) classes.push(UNASSESSED);
  return {
    period,
    bucket,
    roles,
    overall: figures(all),
    byRole: roles.map((role) => ({ role, ...figures(byRole.get(role) ?? []) })),
    byClass: classes.map((riskClass) => ({ riskClass, ...figures(byClass.get(riskClass) ?? []) })),
    series: keys.map((key) => ({
      bucket: key,
      ...figures(byBucket.get(key) ?? []),
      byRole: Object.fromEntries(
        roles.map((role) => [role, figures(byBucketRole.get(`${key}\n${role}`) ?? [])]),
      ),
    })),
  };
}

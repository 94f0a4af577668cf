import type { ApprovalCycleRows } from '../../core/dashboard/approval-cycle.ts';
import type { DashboardBucket } from '../../core/dashboard/dashboards.ts';
import type { PendingApprovalRow } from '../../core/dashboard/pending-approvals.ts';
import { splitWholeMonths } from '../../core/dashboard/whole-months.ts';
import { periodDays, toApprovalCycleRows, toDeliveryRows } from '../dashboard-rows.ts';
import type { DashboardPeriod, DeliveryRows, EvidenceGapRows, ThroughputRow } from '../store.ts';
import type { controlTablesIn } from './control-tables.ts';

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;
type Tables = ReturnType<typeof controlTablesIn>;

/**
 * Dashboard reads over the PostgreSQL store: every figure comes from the daily counters and
 * per-failure restore records that store/dashboard-upkeep.ts keeps on each write.
 */
export function postgresDashboards(run: Run, t: Tables) {
  return {
    async releaseThroughput(period: DashboardPeriod): Promise<ThroughputRow[]> {
      const rows = await run(
        `SELECT day, risk_class, releases FROM ${t.releaseDays}
         WHERE day >= $1 AND day < $2 AND releases > 0`,
        periodDays(period),
      );
      return rows.map((row) => ({
        day: String(row.day),
        riskClass: row.risk_class === '' ? null : String(row.risk_class),
        releases: Number(row.releases),
      }));
    },

    async pendingApprovals(period: DashboardPeriod): Promise<PendingApprovalRow[]> {
      const rows = await run(
        `SELECT role, substr(since, 1, 10) AS day, COUNT(*) AS n FROM ${t.approvalWaits}
         WHERE release_created_at >= $1 AND release_created_at < $2
         GROUP BY role, substr(since, 1, 10)`,
        [period.from, period.to],
      );
      return rows.map((row) => ({
        role: String(row.role),
        day: String(row.day),
        releases: Number(row.n),
      }));
    },

    async approvalCycles(
      period: DashboardPeriod,
      bucket: DashboardBucket,
    ): Promise<ApprovalCycleRows> {
      // Whole months from the monthly sums, the ragged edges from the daily rows.
      const { months, before, after } = splitWholeMonths(period);
      const split = [months.from, months.to, before.from, before.to, after.from, after.to];
      const [byBucket, byClass] = await Promise.all([
        bucket === 'month'
          ? run(
              `SELECT bucket, role, bin, SUM(n) AS n FROM (
                 SELECT month AS bucket, role, bin, approvals AS n
                 FROM ${t.approvalCycleRoleMonths} WHERE month >= $1 AND month < $2
                 UNION ALL
                 SELECT substr(day, 1, 7), role, bin, approvals FROM ${t.approvalCycleDays}
                 WHERE (day >= $3 AND day < $4) OR (day >= $5 AND day < $6)) AS cycles
               GROUP BY bucket, role, bin HAVING SUM(n) > 0`,
              split,
            )
          : run(
              `SELECT ${BUCKET_OF_DAY[bucket]} AS bucket, role, bin, SUM(approvals) AS n
               FROM ${t.approvalCycleDays} WHERE day >= $1 AND day < $2
               GROUP BY 1, role, bin HAVING SUM(approvals) > 0`,
              periodDays(period),
            ),
        run(
          `SELECT risk_class, bin, SUM(n) AS n FROM (
             SELECT risk_class, bin, approvals AS n FROM ${t.approvalCycleClassMonths}
             WHERE month >= $1 AND month < $2
             UNION ALL
             SELECT risk_class, bin, approvals FROM ${t.approvalCycleDays}
             WHERE (day >= $3 AND day < $4) OR (day >= $5 AND day < $6)) AS cycles
           GROUP BY risk_class, bin HAVING SUM(n) > 0`,
          split,
        ),
      ]);
      return toApprovalCycleRows(byBucket, byClass);
    },

    async evidenceGaps(period: DashboardPeriod): Promise<EvidenceGapRows> {
      const range = periodDays(period);
      const [byService, byKind, byDay] = await Promise.all([
        run(
          `SELECT service, SUM(decided) AS decided, SUM(incomplete) AS incomplete
           FROM ${t.evidenceDays} WHERE day >= $1 AND day < $2
           GROUP BY service HAVING SUM(decided) > 0`,
          range,
        ),
        run(
          `SELECT service, kind, SUM(releases) AS n FROM ${t.missingDays}
           WHERE day >= $1 AND day < $2 GROUP BY service, kind HAVING SUM(releases) > 0`,
          range,
        ),
        run(
          `SELECT day, SUM(decided) AS decided, SUM(incomplete) AS incomplete
           FROM ${t.evidenceDays} WHERE day >= $1 AND day < $2
           GROUP BY day HAVING SUM(decided) > 0`,
          range,
        ),
      ]);
      return {
        byService: byService.map((row) => ({
          service: String(row.service),
          decided: Number(row.decided),
          incomplete: Number(row.incomplete),
        })),
        byKind: byKind.map((row) => ({
          service: String(row.service),
          kind: String(row.kind),
          releases: Number(row.n),
        })),
        byDay: byDay.map((row) => ({
          day: String(row.day),
          decided: Number(row.decided),
          incomplete: Number(row.incomplete),
        })),
      };
    },

    async deliveryFigures(
      period: DashboardPeriod,
      environment: string,
      bucket: DashboardBucket,
    ): Promise<DeliveryRows> {
      const [from, to] = periodDays(period);
      // Summed per bucket, dated by its first day (see the Store interface).
      const [deployments, leadTimes, restores] = await Promise.all([
        run(
          `SELECT ${BUCKET_START[bucket]} AS day, status, SUM(deployments) AS deployments
           FROM ${t.deploymentDays}
           WHERE environment = $1 AND day >= $2 AND day < $3 AND deployments > 0
           GROUP BY 1, status`,
          [environment, from, to],
        ),
        run(
          `SELECT ${BUCKET_START[bucket]} AS day, bin, SUM(releases) AS releases
           FROM ${t.leadTimeDays}
           WHERE environment = $1 AND day >= $2 AND day < $3 AND releases > 0
           GROUP BY 1, bin`,
          [environment, from, to],
        ),
        run(
          `SELECT day, seconds FROM ${t.restores}
           WHERE environment = $1 AND day >= $2 AND day < $3`,
          [environment, from, to],
        ),
      ]);
      return toDeliveryRows(deployments, leadTimes, restores);
    },
  };
}

/** A day's bucket as the bucket's first day, which core's bucketOf maps back to the bucket. */
const BUCKET_START: Record<DashboardBucket, string> = {
  day: 'day',
  week: "to_char(date_trunc('week', day::date), 'YYYY-MM-DD')",
  month: "substr(day, 1, 7) || '-01'",
};

/** A day's bucket key, as core/dashboard's bucketOf makes it: the ISO week's Monday for weeks. */
const BUCKET_OF_DAY: Record<DashboardBucket, string> = {
  day: 'day',
  week: "to_char(date_trunc('week', day::date), 'YYYY-MM-DD')",
  month: 'substr(day, 1, 7)',
};

import type { DeploymentStatus } from '../deployment/deployment.ts';

/**
 * Dashboard figures from daily rows. The store counts per UTC day; these pure functions roll days
 * up into the chosen bucket, fill empty buckets with zeros so charts keep their time axis, and
 * compute rates and medians. Nothing here reads a clock: the period is given.
 */
export const DASHBOARD_BUCKETS = ['day', 'week', 'month'] as const;
export type DashboardBucket = (typeof DASHBOARD_BUCKETS)[number];

export interface Period {
  /** ISO 8601 UTC, inclusive. */
  from: string;
  /** ISO 8601 UTC, exclusive. */
  to: string;
}

const DAY_MS = 86_400_000;
/** Shown for releases whose change has no risk assessment (or that name no change). */
export const UNASSESSED = 'unassessed';

/** Days for short periods, weeks up to half a year, months beyond. */
export function defaultBucket(period: Period): DashboardBucket {
  const days = (Date.parse(period.to) - Date.parse(period.from)) / DAY_MS;
  if (days <= 45) return 'day';
  if (days <= 200) return 'week';
  return 'month';
}

/** The bucket a UTC day (`YYYY-MM-DD`) falls in: the day, its ISO week's Monday, or `YYYY-MM`. */
export function bucketOf(day: string, bucket: DashboardBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'month') return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00.000Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** Every bucket the period touches, in order. */
export function bucketsIn(period: Period, bucket: DashboardBucket): string[] {
  const keys: string[] = [];
  const last = Date.parse(period.to) - 1;
  let time = Date.parse(`${period.from.slice(0, 10)}T00:00:00.000Z`);
  while (time <= last) {
    const key = bucketOf(new Date(time).toISOString().slice(0, 10), bucket);
    if (keys.at(-1) !== key) keys.push(key);
    time += DAY_MS;
  }
  return keys;
}

/** Nearest-rank quantile of ascending values; null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

interface Weighted {
  value: number;
  count: number;
}

/** Nearest-rank quantile of values that each occur `count` times; null for none. */
export function weightedQuantile(rows: readonly Weighted[], q: number): number | null {
  const sorted = [...rows].filter((row) => row.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, row) => sum + row.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const row of sorted) {
    seen += row.count;
    if (seen >= rank) return row.value;
  }
  return sorted.at(-1)?.value ?? null;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function ascending(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export interface ThroughputDashboard {
  period: Period;
  bucket: DashboardBucket;
  /** Classes seen, alphabetically, then `unassessed` if any. */
  riskClasses: string[];
  series: Array<{ bucket: string; total: number; byClass: Record<string, number> }>;
  totals: Record<string, number>;
  total: number;
}

export function throughputDashboard(
  rows: ReadonlyArray<{ day: string; riskClass: string | null; releases: number }>,
  period: Period,
  bucket: DashboardBucket,
): ThroughputDashboard {
  const series = new Map(
    bucketsIn(period, bucket).map((key) => [
      key,
      { bucket: key, total: 0, byClass: {} as Record<string, number> },
    ]),
  );
  const totals: Record<string, number> = {};
  let total = 0;
  for (const row of rows) {
    const riskClass = row.riskClass ?? UNASSESSED;
    const entry = series.get(bucketOf(row.day, bucket));
    if (!entry) continue;
    entry.byClass[riskClass] = (entry.byClass[riskClass] ?? 0) + row.releases;
    entry.total += row.releases;
    totals[riskClass] = (totals[riskClass] ?? 0) + row.releases;
    total += row.releases;
  }
  const riskClasses = Object.keys(totals)
    .filter((name) => name !== UNASSESSED)
    .sort();
  if (totals[UNASSESSED] !== undefined) riskClasses.push(UNASSESSED);
  return { period, bucket, riskClasses, series: [...series.values()], totals, total };
}

export interface EvidenceDashboard {
  period: Period;
  bucket: DashboardBucket;
  /** Kinds found missing anywhere, alphabetically. */
  kinds: string[];
  byService: Array<{
    service: string;
    decided: number;
    incomplete: number;
    completenessRate: number | null;
    missingByKind: Record<string, number>;
  }>;
  completeness: Array<{ bucket: string; decided: number; complete: number; rate: number | null }>;
  overall: { decided: number; complete: number; rate: number | null };
}

export function evidenceDashboard(
  rows: {
    byService: ReadonlyArray<{ service: string; decided: number; incomplete: number }>;
    byKind: ReadonlyArray<{ service: string; kind: string; releases: number }>;
    byDay: ReadonlyArray<{ day: string; decided: number; incomplete: number }>;
  },
  period: Period,
  bucket: DashboardBucket,
): EvidenceDashboard {
  const missing = new Map<string, Record<string, number>>();
  const kinds = new Set<string>();
  for (const row of rows.byKind) {
    kinds.add(row.kind);
    const forService = missing.get(row.service) ?? {};
    forService[row.kind] = (forService[row.kind] ?? 0) + row.releases;
    missing.set(row.service, forService);
  }
  const byService = [...rows.byService]
    .sort((a, b) => b.incomplete - a.incomplete || (a.service < b.service ? -1 : 1))
    .map((row) => ({
      ...row,
      completenessRate: ratio(row.decided - row.incomplete, row.decided),
      missingByKind: missing.get(row.service) ?? {},
    }));
  const buckets = new Map(
    bucketsIn(period, bucket).map((key) => [key, { bucket: key, decided: 0, complete: 0 }]),
  );
  let decided = 0;
  let complete = 0;
  for (const row of rows.byDay) {
    const entry = buckets.get(bucketOf(row.day, bucket));
    if (!entry) continue;
    entry.decided += row.decided;
    entry.complete += row.decided - row.incomplete;
    decided += row.decided;
    complete += row.decided - row.incomplete;
  }
  return {
    period,
    bucket,
    kinds: [...kinds].sort(),
    byService,
    completeness: [...buckets.values()].map((entry) => ({
      ...entry,
      rate: ratio(entry.complete, entry.decided),
    })),
    overall: { decided, complete, rate: ratio(complete, decided) },
  };
}

export interface DeliveryDashboard {
  period: Period;
  bucket: DashboardBucket;
  environment: string;
  deploymentFrequency: { succeeded: number; perDay: number };
  leadTime: { releases: number; medianSeconds: number | null; p90Seconds: number | null };
  changeFailureRate: { deployments: number; failed: number; rate: number | null };
  timeToRestore: { failures: number; restored: number; medianSeconds: number | null };
  series: Array<{
    bucket: string;
    succeeded: number;
    failed: number;
    rolledBack: number;
    changeFailureRate: number | null;
    leadTimeMedianSeconds: number | null;
    restoreMedianSeconds: number | null;
  }>;
}

export function deliveryDashboard(
  rows: {
    deployments: ReadonlyArray<{ day: string; status: DeploymentStatus; deployments: number }>;
    leadTimes: ReadonlyArray<{ day: string; seconds: number; releases: number }>;
    restores: ReadonlyArray<{ day: string; seconds: number | null }>;
  },
  period: Period,
  bucket: DashboardBucket,
  environment: string,
): DeliveryDashboard {
  const keys = bucketsIn(period, bucket);
  const counts = new Map(
    keys.map((key): [string, { succeeded: number; failed: number; rolledBack: number }] => [
      key,
      { succeeded: 0, failed: 0, rolledBack: 0 },
    ]),
  );
  const leads = new Map(keys.map((key) => [key, [] as Weighted[]]));
  const restores = new Map(keys.map((key) => [key, [] as number[]]));
  let succeeded = 0;
  let failed = 0;
  for (const row of rows.deployments) {
    const entry = counts.get(bucketOf(row.day, bucket));
    if (!entry) continue;
    if (row.status === 'succeeded') {
      entry.succeeded += row.deployments;
      succeeded += row.deployments;
    } else {
      if (row.status === 'failed') entry.failed += row.deployments;
      else entry.rolledBack += row.deployments;
      failed += row.deployments;
    }
  }
  const allLeads: Weighted[] = [];
  for (const row of rows.leadTimes) {
    const weighted = { value: row.seconds, count: row.releases };
    leads.get(bucketOf(row.day, bucket))?.push(weighted);
    allLeads.push(weighted);
  }
  const allRestores: number[] = [];
  for (const row of rows.restores) {
    if (row.seconds === null) continue;
    restores.get(bucketOf(row.day, bucket))?.push(row.seconds);
    allRestores.push(row.seconds);
  }
  const leadCount = allLeads.reduce((sum, row) => sum + row.count, 0);
  const days = Math.max(1, (Date.parse(period.to) - Date.parse(period.from)) / DAY_MS);
  return {
    period,
    bucket,
    environment,
    deploymentFrequency: { succeeded, perDay: succeeded / days },
    leadTime: {
      releases: leadCount,
      medianSeconds: weightedQuantile(allLeads, 0.5),
      p90Seconds: weightedQuantile(allLeads, 0.9),
    },
    changeFailureRate: {
      deployments: succeeded + failed,
      failed,
      rate: ratio(failed, succeeded + failed),
    },
    timeToRestore: {
      failures: rows.restores.length,
      restored: allRestores.length,
      medianSeconds: quantile(ascending(allRestores), 0.5),
    },
    series: keys.map((key) => {
      const entry = counts.get(key) ?? { succeeded: 0, failed: 0, rolledBack: 0 };
      const bad = entry.failed + entry.rolledBack;
      return {
        bucket: key,
        ...entry,
        changeFailureRate: ratio(bad, entry.succeeded + bad),
        leadTimeMedianSeconds: weightedQuantile(leads.get(key) ?? [], 0.5),
        restoreMedianSeconds: quantile(ascending(restores.get(key) ?? []), 0.5),
      };
    }),
  };
}

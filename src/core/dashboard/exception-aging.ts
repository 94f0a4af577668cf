import { EXCEPTION_STATES, type ExceptionState, exceptionState } from '../exception/exception.ts';
import { bucketOf, bucketsIn, type DashboardBucket, type Period } from './dashboards.ts';

/**
 * Exception aging over a period: the exceptions requested in the period, by the bucket they were
 * requested in and their state now (requested, active, expiring soon, expired). A current-state
 * view: the period chooses which exceptions, `now` decides their state. Pure.
 */
export interface ExceptionTimes {
  requestedAt: string;
  expiresAt: string;
  approved: boolean;
}

export interface ExceptionAgingDashboard {
  period: Period;
  bucket: DashboardBucket;
  asOf: string;
  states: ExceptionState[];
  totals: Record<ExceptionState, number>;
  total: number;
  series: Array<{ bucket: string; total: number; byState: Record<ExceptionState, number> }>;
}

/** How many of the exceptions are in each state at `now`. */
export function countByState(
  rows: readonly ExceptionTimes[],
  now: Date,
): Record<ExceptionState, number> {
  const counts = zeros();
  for (const row of rows) counts[stateOf(row, now)] += 1;
  return counts;
}

function stateOf(row: ExceptionTimes, now: Date): ExceptionState {
  return exceptionState({ expiresAt: row.expiresAt, approval: row.approved ? {} : null }, now);
}

function zeros(): Record<ExceptionState, number> {
  return Object.fromEntries(EXCEPTION_STATES.map((state) => [state, 0])) as Record<
    ExceptionState,
    number
  >;
}

export function exceptionAgingDashboard(
  rows: readonly ExceptionTimes[],
  period: Period,
  bucket: DashboardBucket,
  now: Date,
): ExceptionAgingDashboard {
  const series = new Map(
    bucketsIn(period, bucket).map((key) => [key, { bucket: key, total: 0, byState: zeros() }]),
  );
  const totals = zeros();
  let total = 0;
  for (const row of rows) {
    const entry = series.get(bucketOf(row.requestedAt.slice(0, 10), bucket));
    if (!entry) continue;
    const state = stateOf(row, now);
    entry.byState[state] += 1;
    entry.total += 1;
    totals[state] += 1;
    total += 1;
  }
  return {
    period,
    bucket,
    asOf: now.toISOString(),
    states: [...EXCEPTION_STATES],
    totals,
    total,
    series: [...series.values()],
  };
}

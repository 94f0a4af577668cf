import { approvalCycleDashboard } from '../core/dashboard/approval-cycle.ts';
import {
  type DashboardBucket,
  defaultBucket,
  deliveryDashboard,
  evidenceDashboard,
  type Period,
  throughputDashboard,
} from '../core/dashboard/dashboards.ts';
import { exceptionAgingDashboard } from '../core/dashboard/exception-aging.ts';
import { pendingApprovalsDashboard } from '../core/dashboard/pending-approvals.ts';
import { DossierError } from '../core/errors.ts';
import type { ServiceDeps } from './deps.ts';

export interface DashboardOptions {
  /** ISO 8601; default: 30 days before `to`. */
  from?: string | undefined;
  /** ISO 8601, exclusive; default: now. */
  to?: string | undefined;
  bucket?: DashboardBucket | undefined;
}

const DAY_MS = 86_400_000;
/** Longer periods would make day rows and chart axes unreadable; ask in pieces. */
const MAX_PERIOD_DAYS = 3 * 366;
const ENVIRONMENT_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/** The period asked for, widened to whole UTC days, in `toISOString()` form. */
export function resolvePeriod(
  deps: Pick<ServiceDeps, 'clock'>,
  options: DashboardOptions,
): { period: Period; bucket: DashboardBucket } {
  const to = options.to === undefined ? deps.clock.now().getTime() : Date.parse(options.to);
  const from = options.from === undefined ? to - 30 * DAY_MS : Date.parse(options.from);
  const issues = [];
  if (Number.isNaN(from)) issues.push({ path: 'from', message: 'must be an ISO 8601 time' });
  if (Number.isNaN(to)) issues.push({ path: 'to', message: 'must be an ISO 8601 time' });
  if (issues.length === 0 && from >= to) {
    issues.push({ path: 'from', message: 'must be before to' });
  }
  if (issues.length === 0 && to - from > MAX_PERIOD_DAYS * DAY_MS) {
    issues.push({ path: 'from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` });
  }
  if (issues.length > 0) {
    throw new DossierError(
      'INVALID_INPUT',
      `invalid period: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  // Figures are kept per UTC day: the period widens to whole days, to's day included when to
  // falls inside it.
  const period = {
    from: new Date(Math.floor(from / DAY_MS) * DAY_MS).toISOString(),
    to: new Date(Math.ceil(to / DAY_MS) * DAY_MS).toISOString(),
  };
  return { period, bucket: options.bucket ?? defaultBucket(period) };
}

/** Releases created in the period, per bucket and risk class. */
export async function releaseThroughput(deps: ServiceDeps, options: DashboardOptions) {
  const { period, bucket } = resolvePeriod(deps, options);
  return throughputDashboard(await deps.store.releaseThroughput(period), period, bucket);
}

/** Missing evidence by service and kind, and the completeness rate, from the latest decisions. */
export async function evidenceCompleteness(deps: ServiceDeps, options: DashboardOptions) {
  const { period, bucket } = resolvePeriod(deps, options);
  return evidenceDashboard(await deps.store.evidenceGaps(period), period, bucket);
}

/** DORA figures for deployments to one environment (production by default). */
export async function deliveryPerformance(
  deps: ServiceDeps,
  options: DashboardOptions & { environment?: string | undefined },
) {
  const environment = options.environment ?? 'production';
  if (!ENVIRONMENT_PATTERN.test(environment)) {
    throw new DossierError('INVALID_INPUT', `"${environment}" is not an environment name`, {
      issues: [{ path: 'env', message: 'must be an environment name like production' }],
    });
  }
  const { period, bucket } = resolvePeriod(deps, options);
  const rows = await deps.store.deliveryFigures(period, environment, bucket);
  return deliveryDashboard(rows, period, bucket, environment);
}

/** Releases created in the period that wait for a role's approval now, by how long they waited. */
export async function pendingApprovalsByAge(deps: ServiceDeps, options: DashboardOptions) {
  const { period } = resolvePeriod(deps, options);
  const rows = await deps.store.pendingApprovals(period);
  return pendingApprovalsDashboard(rows, period, deps.clock.now());
}

/** How long approvals took, per role and risk class, for waits that ended in the period. */
export async function approvalCycleTime(deps: ServiceDeps, options: DashboardOptions) {
  const { period, bucket } = resolvePeriod(deps, options);
  return approvalCycleDashboard(await deps.store.approvalCycles(period, bucket), period, bucket);
}

/** Exceptions requested in the period, by when and by their state now. */
export async function exceptionAging(deps: ServiceDeps, options: DashboardOptions) {
  const { period, bucket } = resolvePeriod(deps, options);
  const rows = await deps.store.exceptionTimes({ requestedIn: period });
  return exceptionAgingDashboard(rows, period, bucket, deps.clock.now());
}

import type { ApprovalCycleRows } from '../core/dashboard/approval-cycle.ts';
import { binSeconds } from '../core/dashboard/time-bins.ts';
import type { DeploymentStatus } from '../core/deployment/deployment.ts';
import type { DashboardPeriod, DeliveryRows } from './store.ts';

/** A result row as either adapter returns it: column name to value. */
type Row = Record<string, unknown>;

/** The period's days: from's day inclusive, to's day exclusive (periods are whole UTC days). */
export function periodDays(period: DashboardPeriod): [string, string] {
  return [period.from.slice(0, 10), period.to.slice(0, 10)];
}

/** Approval cycle rows (bucket, role, bin, n / risk_class, bin, n) as the Store returns them. */
export function toApprovalCycleRows(byBucket: Row[], byClass: Row[]): ApprovalCycleRows {
  return {
    byBucket: byBucket.map((row) => ({
      bucket: String(row.bucket),
      role: String(row.role),
      seconds: binSeconds(Number(row.bin)),
      approvals: Number(row.n),
    })),
    byClass: byClass.map((row) => ({
      riskClass: row.risk_class === '' ? null : String(row.risk_class),
      seconds: binSeconds(Number(row.bin)),
      approvals: Number(row.n),
    })),
  };
}

/** Delivery rows (deployments per status, lead times per bin, restores) as the Store returns them. */
export function toDeliveryRows(
  deployments: Row[],
  leadTimes: Row[],
  restores: Row[],
): DeliveryRows {
  return {
    deployments: deployments.map((row) => ({
      day: String(row.day),
      status: String(row.status) as DeploymentStatus,
      deployments: Number(row.deployments),
    })),
    leadTimes: leadTimes.map((row) => ({
      day: String(row.day),
      seconds: binSeconds(Number(row.bin)),
      releases: Number(row.releases),
    })),
    restores: restores.map((row) => ({
      day: String(row.day),
      seconds: row.seconds === null ? null : Number(row.seconds),
    })),
  };
}

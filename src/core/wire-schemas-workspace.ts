import { z } from 'zod';
import { DASHBOARD_BUCKETS } from './dashboard/dashboards.ts';
import { MAX_PAGE_SIZE } from './page.ts';
import { RELEASE_STATES } from './release.ts';
import { GATE_FILTERS, RELEASE_SORTS, SORT_ORDERS } from './release-listing.ts';
import { GateDecisionJson } from './wire-schemas-policy.ts';

/** The JSON shapes the release workspace and the dashboards read: list query, gates, figures. */
export const ReleaseListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().optional().describe('nextCursor of the previous page, same sort and order'),
  service: z.string().optional(),
  state: z.enum(RELEASE_STATES).optional(),
  riskClass: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("effective risk class of the release's change"),
  q: z
    .string()
    .max(200)
    .optional()
    .describe('part of the tag, the start of the commit, or a change id'),
  env: z.string().min(1).max(64).optional().describe('environment the gate filter is about'),
  gate: z
    .enum(GATE_FILTERS)
    .optional()
    .describe('latest recorded gate decision for env: allowed, blocked, or none recorded'),
  pending: z
    .enum(['mine'])
    .optional()
    .describe(
      'mine: releases whose latest gate decision (in env, when given) waits for an approval by a role the caller holds',
    ),
  sort: z.enum(RELEASE_SORTS).optional().describe('default created'),
  order: z.enum(SORT_ORDERS).optional().describe('default desc'),
});

export const GateOverviewJson = z
  .object({
    policy: z
      .object({ version: z.number().int(), sha256: z.string(), name: z.string().nullable() })
      .nullable()
      .describe('the policy active for the service; null when none is'),
    environments: z.array(
      z.object({
        environment: z.string(),
        inPolicy: z.boolean(),
        latest: z
          .object({ decision: GateDecisionJson, recordedAt: z.string(), decidedBy: z.string() })
          .nullable()
          .describe('null when the gate was never asked about this environment'),
      }),
    ),
  })
  .meta({ id: 'GateOverview' });

export const DashboardQuery = z.object({
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('inclusive; default 30 days before to'),
  to: z.iso.datetime({ offset: true }).optional().describe('exclusive; default now'),
  bucket: z.enum(DASHBOARD_BUCKETS).optional().describe('default from the period length'),
});

const PeriodJson = z.object({ from: z.string(), to: z.string() });
const Rate = z.number().nullable().describe('0..1; null when there is nothing to divide by');
const Seconds = z.number().nullable();
const Counts = z.record(z.string(), z.number().int());

export const ThroughputDashboardJson = z
  .object({
    period: PeriodJson,
    bucket: z.enum(DASHBOARD_BUCKETS),
    riskClasses: z.array(z.string()),
    series: z.array(z.object({ bucket: z.string(), total: z.number().int(), byClass: Counts })),
    totals: Counts,
    total: z.number().int(),
  })
  .meta({ id: 'ThroughputDashboard' });

export const EvidenceDashboardJson = z
  .object({
    period: PeriodJson,
    bucket: z.enum(DASHBOARD_BUCKETS),
    kinds: z.array(z.string()),
    byService: z.array(
      z.object({
        service: z.string(),
        decided: z.number().int(),
        incomplete: z.number().int(),
        completenessRate: Rate,
        missingByKind: Counts,
      }),
    ),
    completeness: z.array(
      z.object({
        bucket: z.string(),
        decided: z.number().int(),
        complete: z.number().int(),
        rate: Rate,
      }),
    ),
    overall: z.object({ decided: z.number().int(), complete: z.number().int(), rate: Rate }),
  })
  .meta({ id: 'EvidenceDashboard' });

export const DeliveryDashboardJson = z
  .object({
    period: PeriodJson,
    bucket: z.enum(DASHBOARD_BUCKETS),
    environment: z.string(),
    deploymentFrequency: z.object({ succeeded: z.number().int(), perDay: z.number() }),
    leadTime: z.object({ releases: z.number().int(), medianSeconds: Seconds, p90Seconds: Seconds }),
    changeFailureRate: z.object({
      deployments: z.number().int(),
      failed: z.number().int(),
      rate: Rate,
    }),
    timeToRestore: z.object({
      failures: z.number().int(),
      restored: z.number().int(),
      medianSeconds: Seconds,
    }),
    series: z.array(
      z.object({
        bucket: z.string(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        rolledBack: z.number().int(),
        changeFailureRate: Rate,
        leadTimeMedianSeconds: Seconds,
        restoreMedianSeconds: Seconds,
      }),
    ),
  })
  .meta({ id: 'DeliveryDashboard' });

export type GateOverviewJson = z.infer<typeof GateOverviewJson>;
export const PendingApprovalsDashboardJson = z
  .object({
    period: PeriodJson.describe('releases created in it are counted'),
    asOf: z.string().describe('now, when the ages were counted'),
    bins: z.array(z.string()).describe('age bins in whole UTC days waited, youngest first'),
    roles: z.array(
      z.object({
        role: z.string(),
        counts: z.array(z.number().int()).describe('releases waiting, one count per bin'),
        total: z.number().int(),
        oldestDay: z.string().describe('YYYY-MM-DD the longest wait began'),
      }),
    ),
    total: z.number().int().describe('release and role pairs waiting'),
  })
  .meta({ id: 'PendingApprovalsDashboard' });

const CycleFigures = {
  approvals: z.number().int().describe('completed waits'),
  medianSeconds: Seconds,
  p90Seconds: Seconds,
};

export const ApprovalCycleDashboardJson = z
  .object({
    period: PeriodJson.describe('waits whose ending signature fell in it are counted'),
    bucket: z.enum(DASHBOARD_BUCKETS),
    roles: z.array(z.string()),
    overall: z.object(CycleFigures),
    byRole: z.array(z.object({ role: z.string(), ...CycleFigures })),
    byClass: z.array(
      z.object({ riskClass: z.string().describe('unassessed when none'), ...CycleFigures }),
    ),
    series: z.array(
      z.object({
        bucket: z.string(),
        ...CycleFigures,
        byRole: z.record(z.string(), z.object(CycleFigures)),
      }),
    ),
  })
  .meta({ id: 'ApprovalCycleDashboard' });

const StateCounts = z.object({
  requested: z.number().int(),
  active: z.number().int(),
  'expiring-soon': z.number().int(),
  expired: z.number().int(),
});

export const ExceptionAgingDashboardJson = z
  .object({
    period: PeriodJson.describe('exceptions requested in it are counted'),
    bucket: z.enum(DASHBOARD_BUCKETS),
    asOf: z.string().describe('now, when the states were decided'),
    states: z.array(z.enum(['requested', 'active', 'expiring-soon', 'expired'])),
    totals: StateCounts,
    total: z.number().int(),
    series: z.array(
      z.object({ bucket: z.string(), total: z.number().int(), byState: StateCounts }),
    ),
  })
  .meta({ id: 'ExceptionAgingDashboard' });

export type ApprovalCycleDashboardJson = z.infer<typeof ApprovalCycleDashboardJson>;
export type ExceptionAgingDashboardJson = z.infer<typeof ExceptionAgingDashboardJson>;
export type PendingApprovalsDashboardJson = z.infer<typeof PendingApprovalsDashboardJson>;
export type ThroughputDashboardJson = z.infer<typeof ThroughputDashboardJson>;
export type EvidenceDashboardJson = z.infer<typeof EvidenceDashboardJson>;
export type DeliveryDashboardJson = z.infer<typeof DeliveryDashboardJson>;

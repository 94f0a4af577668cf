import { z } from 'zod';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  ApprovalCycleDashboardJson,
  DashboardQuery,
  DeliveryDashboardJson,
  EvidenceDashboardJson,
  ExceptionAgingDashboardJson,
  PendingApprovalsDashboardJson,
  ThroughputDashboardJson,
} from '../../core/wire-schemas-workspace.ts';
import { defineRoute } from '../route.ts';

const problems = {
  400: { description: 'malformed period, bucket or environment', json: ProblemJson },
  401: { description: 'missing or unknown API token', json: ProblemJson },
};

export const dashboardRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/throughput',
      operationId: 'releaseThroughput',
      summary: 'Releases created in a period, per bucket and risk class',
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery,
      responses: {
        200: { description: 'the figures', json: ThroughputDashboardJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      return services.dashboards.throughput(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/evidence',
      operationId: 'evidenceCompleteness',
      summary:
        "Missing evidence by service and kind, and the completeness rate, from releases' latest gate decisions",
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery,
      responses: { 200: { description: 'the figures', json: EvidenceDashboardJson }, ...problems },
    },
    async handle({ query, services }) {
      return services.dashboards.evidence(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/delivery',
      operationId: 'deliveryPerformance',
      summary:
        'DORA figures for an environment: deployment frequency, lead time, change failure rate, time to restore',
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery.extend({
        env: z.string().min(1).max(64).optional().describe('default production'),
      }),
      responses: { 200: { description: 'the figures', json: DeliveryDashboardJson }, ...problems },
    },
    async handle({ query, services }) {
      const { env, ...period } = query;
      return services.dashboards.delivery({ ...period, environment: env });
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/approvals',
      operationId: 'pendingApprovalsByAge',
      summary:
        "Releases created in a period whose latest gate decision waits now for a role's approval, by role and days waited",
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery,
      responses: {
        200: { description: 'the figures', json: PendingApprovalsDashboardJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      return services.dashboards.pendingApprovals(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/approval-cycles',
      operationId: 'approvalCycleTime',
      summary:
        "Approval cycle time: from a gate decision first asking for a role's approval to the signature that ended the wait; median, p90 and count per bucket, role and risk class",
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery,
      responses: {
        200: { description: 'the figures', json: ApprovalCycleDashboardJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      return services.dashboards.approvalCycles(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/dashboards/exceptions',
      operationId: 'exceptionAging',
      summary: 'Exceptions requested in a period, per bucket, by their state now',
      tag: 'dashboards',
      auth: true,
      query: DashboardQuery,
      responses: {
        200: { description: 'the figures', json: ExceptionAgingDashboardJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      return services.dashboards.exceptions(query);
    },
  }),
];

import { z } from 'zod';
import { ProblemJson } from '../../core/wire-schemas.ts';
import { defineRoute } from '../route.ts';

export const healthRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      auth: false,
      responses: {
        200: {
          description: 'alive',
          json: z.object({ status: z.literal('ok') }).meta({ id: 'Health' }),
        },
      },
    },
    async handle() {
      return { status: 'ok' };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: storage answers; a load balancer should send traffic only when 200',
      tag: 'operations',
      auth: false,
      responses: {
        200: {
          description: 'ready',
          json: z.object({ status: z.literal('ready') }).meta({ id: 'Ready' }),
        },
        503: { description: 'storage does not answer', json: ProblemJson },
      },
    },
    async handle({ services }) {
      await services.ready();
      return { status: 'ready' };
    },
  }),
];

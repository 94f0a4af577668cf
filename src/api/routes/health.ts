import { z } from 'zod';
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
];

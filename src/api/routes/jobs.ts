import { z } from 'zod';
import { JOB_STATES } from '../../core/job.ts';
import { MAX_PAGE_SIZE } from '../../core/page.ts';
import { JobPageJson, ProblemJson } from '../../core/wire-schemas.ts';
import { presentJob } from '../present.ts';
import { defineRoute } from '../route.ts';

export const jobRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/jobs',
      operationId: 'listJobs',
      summary: 'Background jobs, newest first, with a count per state (admin)',
      tag: 'operations',
      auth: true,
      query: z.object({
        state: z.enum(JOB_STATES).optional(),
        kind: z.string().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
        cursor: z.string().optional(),
      }),
      responses: {
        200: { description: 'one page of jobs', json: JobPageJson },
        400: { description: 'malformed query', json: ProblemJson },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        403: { description: 'not an admin', json: ProblemJson },
      },
    },
    async handle({ query, actor, services }) {
      const page = await services.jobs.list(actor, query);
      return {
        items: page.items.map(presentJob),
        nextCursor: page.nextCursor,
        counts: page.counts,
      };
    },
  }),
];

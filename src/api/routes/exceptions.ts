import { z } from 'zod';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  ExceptionJson,
  ExceptionListJson,
  ExceptionListQuery,
} from '../../core/wire-schemas-policy.ts';
import { ExceptionInputSchema } from '../../service/approval/exceptions.ts';
import { defineRoute } from '../route.ts';

const ExceptionParams = z.object({ id: z.string().min(1).describe('exc_…') });
const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown credentials', json: ProblemJson },
  403: { description: 'refused (the reason is audited)', json: ProblemJson },
};

export const exceptionRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/exceptions',
      operationId: 'requestException',
      summary: 'Ask for an exception to one requirement, for a release or a service, until a time',
      tag: 'exceptions',
      auth: true,
      body: { json: ExceptionInputSchema },
      responses: {
        201: { description: 'requested; it counts once approved', json: ExceptionJson },
        ...problems,
        404: { description: 'no such release', json: ProblemJson },
        409: { description: 'no policy is active for the service', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      reply.code(201);
      return services.exceptions.request(actor, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/exceptions',
      operationId: 'listExceptions',
      summary:
        'Exceptions newest first, in pages, optionally those that apply to one release or are in one state now; with the aging counts',
      tag: 'exceptions',
      auth: true,
      query: ExceptionListQuery,
      responses: {
        200: { description: 'the exceptions', json: ExceptionListJson },
        400: { description: 'malformed filter, limit or cursor', json: ProblemJson },
        401: problems[401],
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ query, services }) {
      return services.exceptions.list(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/exceptions/{id}',
      operationId: 'getException',
      summary: 'One exception',
      tag: 'exceptions',
      auth: true,
      params: ExceptionParams,
      responses: {
        200: { description: 'the exception', json: ExceptionJson },
        401: problems[401],
        404: { description: 'no such exception', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return services.exceptions.get(params.id);
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/exceptions/{id}/approve',
      operationId: 'approveException',
      summary:
        'Approve an exception (another person than the requester, with a role the policy names)',
      tag: 'exceptions',
      auth: true,
      params: ExceptionParams,
      responses: {
        200: { description: 'approved', json: ExceptionJson },
        ...problems,
        404: { description: 'no such exception', json: ProblemJson },
      },
    },
    async handle({ params, actor, services }) {
      return services.exceptions.approve(actor, params.id);
    },
  }),
];

import { z } from 'zod';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  AddedIntegrationJson,
  AddIntegrationJson,
  IntegrationListJson,
} from '../../core/wire-schemas-webhooks.ts';
import { defineRoute, parseOrThrow } from '../route.ts';

const SourceParams = z.object({
  source: z.string().describe('github, gitlab or cdevents'),
});
const problems = {
  401: { description: 'missing or unknown API token', json: ProblemJson },
  403: { description: 'not an admin', json: ProblemJson },
};

export const integrationRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/integrations',
      operationId: 'listIntegrations',
      summary: 'Webhook sources that can be verified now, and where their secrets come from',
      tag: 'webhooks',
      auth: true,
      responses: {
        200: { description: 'the integrations', json: IntegrationListJson },
        ...problems,
      },
    },
    async handle({ actor, services }) {
      return { items: await services.integrations.list(actor) };
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/integrations/{source}',
      operationId: 'putIntegration',
      summary: "Set (or replace) a webhook source's secret; it is never returned",
      tag: 'webhooks',
      auth: true,
      params: SourceParams,
      body: { json: AddIntegrationJson },
      responses: {
        200: { description: 'set', json: AddedIntegrationJson },
        400: { description: 'unknown source or weak secret', json: ProblemJson },
        ...problems,
      },
    },
    async handle({ request, params, actor, services }) {
      const body = parseOrThrow(AddIntegrationJson, request.body, 'body');
      return services.integrations.add(actor, params.source, body.secret);
    },
  }),
  defineRoute({
    spec: {
      method: 'DELETE',
      path: '/v1/integrations/{source}',
      operationId: 'deleteIntegration',
      summary: "Remove a webhook source's stored secret; its deliveries are refused from then on",
      tag: 'webhooks',
      auth: true,
      params: SourceParams,
      responses: {
        204: { description: 'removed' },
        404: { description: 'none was stored', json: ProblemJson },
        ...problems,
      },
    },
    async handle({ reply, params, actor, services }) {
      await services.integrations.remove(actor, params.source);
      return reply.code(204).send();
    },
  }),
];

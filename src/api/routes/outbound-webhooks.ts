import { z } from 'zod';
import { OutboundWebhookInputSchema } from '../../core/outbound/outbound-webhook.ts';
import { ProblemJson } from '../../core/wire-schemas.ts';
import { OutboundWebhookJson, OutboundWebhookListJson } from '../../core/wire-schemas-webhooks.ts';
import { defineRoute } from '../route.ts';

const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown credentials', json: ProblemJson },
  403: { description: 'admins only', json: ProblemJson },
};

export const outboundWebhookRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/webhooks',
      operationId: 'addOutboundWebhook',
      summary:
        'Subscribe a receiver to release events (gate.changed, approval.requested, approval.given, exception.expiring); bodies are HMAC-signed with the secret',
      tag: 'webhooks',
      auth: true,
      body: { json: OutboundWebhookInputSchema },
      responses: { 201: { description: 'subscribed', json: OutboundWebhookJson }, ...problems },
    },
    async handle({ request, reply, actor, services }) {
      reply.code(201);
      return services.outboundWebhooks.add(actor, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/webhooks',
      operationId: 'listOutboundWebhooks',
      summary: 'Outbound webhook subscriptions (never their secrets)',
      tag: 'webhooks',
      auth: true,
      responses: {
        200: { description: 'the subscriptions', json: OutboundWebhookListJson },
        ...problems,
      },
    },
    async handle({ actor, services }) {
      return { items: await services.outboundWebhooks.list(actor) };
    },
  }),
  defineRoute({
    spec: {
      method: 'DELETE',
      path: '/v1/webhooks/{id}',
      operationId: 'removeOutboundWebhook',
      summary: 'Unsubscribe a receiver; pending deliveries to it are dropped',
      tag: 'webhooks',
      auth: true,
      params: z.object({ id: z.string().min(1) }),
      responses: {
        204: { description: 'removed' },
        ...problems,
        404: { description: 'no such subscription', json: ProblemJson },
      },
    },
    async handle({ params, reply, actor, services }) {
      await services.outboundWebhooks.remove(actor, params.id);
      reply.code(204);
      return null;
    },
  }),
];

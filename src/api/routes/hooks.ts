import { isDossierError } from '../../core/errors.ts';
import { MAX_WEBHOOK_BYTES } from '../../core/webhooks/protocols.ts';
import type { WebhookSource } from '../../core/webhooks/webhook-source.ts';
import { ProblemJson } from '../../core/wire-schemas.ts';
import { WebhookResultJson } from '../../core/wire-schemas-webhooks.ts';
import { presentEvidence } from '../present.ts';
import { readBody } from '../read-body.ts';
import { defineRoute } from '../route.ts';

const STATUS = { recorded: 201, duplicate: 200, ignored: 202, unmatched: 202 } as const;

const HOOKS: Array<{ source: WebhookSource; summary: string; auth: string }> = [
  {
    source: 'github',
    summary: 'Receive a GitHub webhook delivery (X-Hub-Signature-256, X-GitHub-Delivery)',
    auth: 'X-Hub-Signature-256: HMAC-SHA256 of the raw body under the github secret',
  },
  {
    source: 'gitlab',
    summary: 'Receive a GitLab webhook delivery (X-Gitlab-Token, Idempotency-Key)',
    auth: 'X-Gitlab-Token: the gitlab secret token',
  },
  {
    source: 'cdevents',
    summary: 'Receive a CDEvents event (X-Dossier-Signature-256; context.id is the delivery id)',
    auth: 'X-Dossier-Signature-256: HMAC-SHA256 of the raw body under the cdevents secret',
  },
];

/**
 * Webhooks in. No bearer token: a delivery proves itself by its signature or token, checked
 * over the raw bytes (the body is not parsed before the service has verified it).
 */
export const hookRoutes = HOOKS.map(({ source, summary, auth }) =>
  defineRoute({
    spec: {
      method: 'POST',
      path: `/v1/hooks/${source}`,
      operationId: `receive${source[0]?.toUpperCase()}${source.slice(1)}Webhook`,
      summary,
      tag: 'webhooks',
      auth: false,
      body: { binary: true, description: `the delivery's JSON body, byte for byte; ${auth}` },
      responses: {
        201: { description: 'kept as evidence on the matching releases', json: WebhookResultJson },
        200: { description: 'a redelivery: nothing changed', json: WebhookResultJson },
        202: {
          description: 'acknowledged: an event Dossier does not map, or no release matches',
          json: WebhookResultJson,
        },
        400: { description: 'not JSON, or no delivery id', json: ProblemJson },
        401: { description: 'signature or token missing or wrong', json: ProblemJson },
        404: { description: 'no secret is set for this source', json: ProblemJson },
        413: { description: 'larger than 25 MiB', json: ProblemJson },
      },
    },
    async handle({ request, reply, services }) {
      const body = await readBody(request, MAX_WEBHOOK_BYTES, 'a webhook body');
      try {
        const result = await services.webhooks.receive({ source, headers: request.headers, body });
        if (result.status === 'duplicate') {
          request.log.info({ source, deliveryId: result.deliveryId }, 'webhook redelivery ignored');
        }
        reply.code(STATUS[result.status]);
        return {
          status: result.status,
          deliveryId: result.deliveryId,
          event: result.event,
          detail: result.detail,
          evidence: result.evidence.map(presentEvidence),
          deployments: result.deployments,
        };
      } catch (error) {
        // A forged or misconfigured delivery changes nothing; the operator sees it in the log.
        if (isDossierError(error) && error.code !== 'INTERNAL') {
          request.log.warn(
            { source, code: error.code, remoteAddress: request.ip },
            `webhook refused: ${error.message}`,
          );
        }
        throw error;
      }
    },
  }),
);

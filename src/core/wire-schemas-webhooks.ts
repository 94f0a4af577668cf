import { z } from 'zod';
import { EvidenceJson } from './wire-schemas.ts';
import { DeploymentJson } from './wire-schemas-policy.ts';

// The JSON shapes of webhook deliveries and integrations (see wire-schemas.ts).

export const WebhookResultJson = z
  .object({
    status: z
      .enum(['recorded', 'ignored', 'unmatched', 'duplicate'])
      .describe(
        'recorded: kept as evidence; ignored: an event Dossier does not map; unmatched: no release has its commit or artifact; duplicate: received before, nothing changed',
      ),
    deliveryId: z.string(),
    event: z.string(),
    detail: z.string(),
    evidence: z.array(EvidenceJson),
    deployments: z
      .array(DeploymentJson)
      .describe('deployment records made from a reported outcome, one per linked release'),
  })
  .meta({ id: 'WebhookResult' });
export type WebhookResultJson = z.infer<typeof WebhookResultJson>;

export const IntegrationJson = z
  .object({
    source: z.enum(['github', 'gitlab', 'cdevents']),
    origin: z
      .enum(['stored', 'environment'])
      .describe(
        'stored: registered through the API or CLI; environment: from a DOSSIER_* variable',
      ),
    createdAt: z.string().nullable(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'Integration' });
export type IntegrationJson = z.infer<typeof IntegrationJson>;

export const IntegrationListJson = z
  .object({ items: z.array(IntegrationJson) })
  .meta({ id: 'IntegrationList' });
export type IntegrationListJson = z.infer<typeof IntegrationListJson>;

export const AddIntegrationJson = z
  .object({
    secret: z
      .string()
      .describe('the webhook secret (GitHub, CDEvents) or secret token (GitLab); never returned'),
  })
  .strict()
  .meta({ id: 'AddIntegration' });

export const AddedIntegrationJson = z
  .object({ integration: IntegrationJson, replaced: z.boolean() })
  .meta({ id: 'AddedIntegration' });
export type AddedIntegrationJson = z.infer<typeof AddedIntegrationJson>;

export const OutboundWebhookJson = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'OutboundWebhook' });

export const OutboundWebhookListJson = z
  .object({ items: z.array(OutboundWebhookJson) })
  .meta({ id: 'OutboundWebhookList' });

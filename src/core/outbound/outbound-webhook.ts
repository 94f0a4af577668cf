import { z } from 'zod';

/** Release events an outbound webhook may subscribe to. */
export const OUTBOUND_EVENTS = [
  'gate.changed',
  'approval.requested',
  'approval.given',
  'exception.expiring',
] as const;
export type OutboundEvent = (typeof OUTBOUND_EVENTS)[number];

/** A receiver of release events; the secret signs each body (it is never shown again). */
export interface OutboundWebhook {
  id: string;
  url: string;
  secret: string;
  events: OutboundEvent[];
  createdAt: string;
  createdBy: string;
}

export const OutboundWebhookInputSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000, 'at most 2000 characters'),
    secret: z.string().min(16, 'use a secret of at least 16 characters').max(512),
    events: z
      .array(z.enum(OUTBOUND_EVENTS, { error: `one of ${OUTBOUND_EVENTS.join(', ')}` }))
      .min(1, 'subscribe to at least one event'),
  })
  .strict();

/** The body every delivery carries: what happened, to what, when, and the details. */
export interface OutboundEnvelope {
  id: string;
  event: OutboundEvent;
  occurredAt: string;
  data: Record<string, unknown>;
}

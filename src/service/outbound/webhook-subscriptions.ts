import { assertAdmin } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import { DossierError } from '../../core/errors.ts';
import {
  type OutboundWebhook,
  OutboundWebhookInputSchema,
} from '../../core/outbound/outbound-webhook.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';

/** A subscription as shown: never its secret. */
export type ShownWebhook = Omit<OutboundWebhook, 'secret'>;

function shown({ secret: _secret, ...rest }: OutboundWebhook): ShownWebhook {
  return rest;
}

/** Subscribes a receiver to release events (admin). The secret signs every delivery. */
export async function addWebhook(
  deps: ServiceDeps,
  actor: Actor,
  input: unknown,
): Promise<ShownWebhook> {
  assertAdmin(actor, 'subscribe webhooks');
  const parsed = OutboundWebhookInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('webhook', toInputIssues(parsed.error));
  const now = deps.clock.now().toISOString();
  const webhook: OutboundWebhook = {
    id: `owh_${deps.ids.next('job').slice(4)}`,
    url: parsed.data.url,
    secret: parsed.data.secret,
    events: [...new Set(parsed.data.events)],
    createdAt: now,
    createdBy: actor.id,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertOutboundWebhook(webhook);
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'webhook.subscribed',
      subject: `webhook:${webhook.id}`,
      details: { url: webhook.url, events: webhook.events },
    });
  });
  return shown(webhook);
}

export async function listWebhooks(deps: Pick<ServiceDeps, 'store'>, actor: Actor) {
  assertAdmin(actor, 'list webhooks');
  return (await deps.store.listOutboundWebhooks()).map(shown);
}

export async function removeWebhook(deps: ServiceDeps, actor: Actor, id: string): Promise<void> {
  assertAdmin(actor, 'remove webhooks');
  const now = deps.clock.now().toISOString();
  const removed = await deps.store.transaction(async (tx) => {
    const existing = await tx.getOutboundWebhook(id);
    if (!existing || !(await tx.deleteOutboundWebhook(id))) return false;
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'webhook.removed',
      subject: `webhook:${id}`,
      details: { url: existing.url },
    });
    return true;
  });
  if (!removed) throw new DossierError('NOT_FOUND', `no webhook subscription ${id}`);
}

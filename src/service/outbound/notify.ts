import { createHash } from 'node:crypto';
import type { OutboundEvent } from '../../core/outbound/outbound-webhook.ts';
import type { StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../deps.ts';
import { enqueueJob } from '../jobs/enqueue-job.ts';

export const GATE_CHANGED_JOB = 'notify.gate-changed';
export const EVENT_JOB = 'notify.event';
export const DELIVER_JOB = 'webhook.deliver';

/**
 * Queues the notices of a changed gate decision (commit status, `gate.changed` webhooks) in the
 * transaction that records the decision: they go out if and only if it commits, and a slow or
 * failing receiver never holds up the request that changed the gate.
 */
export function queueGateChanged(
  tx: StoreTx,
  deps: Pick<ServiceDeps, 'clock' | 'ids'>,
  decision: { releaseId: string; environment: string; decisionHash: string; seq: number },
): Promise<boolean> {
  // Keyed by the recorded decision, not its hash: a gate that flips back to an earlier answer
  // is a new change and is announced again.
  return enqueueJob(tx, deps, {
    kind: GATE_CHANGED_JOB,
    dedupeKey: `gate:${decision.releaseId}:${decision.environment}:${decision.seq}`,
    payload: { ...decision },
  });
}

/** Queues a release event for every webhook subscribed to it (fanned out by the job). */
export function queueEvent(
  tx: StoreTx,
  deps: Pick<ServiceDeps, 'clock' | 'ids'>,
  event: { event: OutboundEvent; key: string; data: Record<string, unknown> },
): Promise<boolean> {
  return enqueueJob(tx, deps, {
    kind: EVENT_JOB,
    dedupeKey: `event:${event.event}:${event.key}`,
    payload: { event: event.event, key: event.key, data: event.data },
  });
}

/** A stable delivery id per webhook and event: receivers de-duplicate on it. */
export function deliveryId(webhookId: string, event: string, key: string): string {
  return `dlv_${createHash('sha256').update(`${webhookId}\n${event}\n${key}`).digest('hex').slice(0, 32)}`;
}

import { type ExceptionRecord, exceptionStateBounds } from '../../core/exception/exception.ts';
import {
  OUTBOUND_EVENTS,
  type OutboundEnvelope,
  type OutboundEvent,
} from '../../core/outbound/outbound-webhook.ts';
import { signWebhook } from '../../core/outbound/webhook-signature.ts';
import { MAX_PAGE_SIZE } from '../../core/page.ts';
import type { ServiceDeps } from '../deps.ts';
import { enqueueJob } from '../jobs/enqueue-job.ts';
import { type JobHandler, PermanentJobFailure } from '../jobs/job-handler.ts';
import { type CommitStatusSettings, postCommitStatus } from './commit-status-job.ts';
import { DELIVER_JOB, deliveryId, EVENT_JOB, GATE_CHANGED_JOB, queueEvent } from './notify.ts';
import { internalTargetProblem } from './private-address.ts';

export interface OutboundSettings extends CommitStatusSettings {
  webhookAllowPrivate: boolean;
}

export const EXCEPTION_SCAN_JOB = 'notify.exceptions-expiring';
const DELIVERY_TIMEOUT_MS = 10_000;
const HOUR_MS = 60 * 60 * 1000;

type Deps = Pick<ServiceDeps, 'store' | 'clock' | 'ids'>;

/** A changed gate decision: the commit status, then `gate.changed` (and `approval.requested`). */
export function gateChangedJob(deps: Deps, settings: OutboundSettings): JobHandler {
  return {
    kind: GATE_CHANGED_JOB,
    async run(job) {
      const { releaseId, environment, decisionHash, seq } = job.payload as {
        releaseId?: string;
        environment?: string;
        decisionHash?: string;
        seq?: number;
      };
      if (!releaseId || !environment || !decisionHash || seq === undefined) {
        throw new PermanentJobFailure('payload lacks releaseId, environment, decisionHash or seq');
      }
      const release = await deps.store.getReleaseById(releaseId);
      const record = await deps.store.latestGateDecision(releaseId, environment);
      // A newer decision has its own job: this one's status would only be overwritten.
      if (!release || record?.seq !== seq) return;
      await postCommitStatus(settings, release, record, await deps.store.listEvidence(releaseId));
      const key = `${releaseId}:${environment}:${seq}`;
      const pending = record.body.outcomes.filter((o) => o.status === 'pending-approval');
      const data = {
        release: {
          id: release.id,
          tag: release.tag,
          service: release.service,
          commit: release.commit,
        },
        environment,
        decision: record.decision,
        decisionHash,
        notPassed: record.body.outcomes
          .filter((o) => o.status !== 'passed')
          .map((o) => ({ id: o.id, status: o.status, reason: o.reason })),
      };
      await deps.store.transaction(async (tx) => {
        await queueEvent(tx, deps, { event: 'gate.changed', key, data });
        if (pending.length > 0) {
          await queueEvent(tx, deps, {
            event: 'approval.requested',
            key,
            data: { ...data, roles: pending.map((o) => o.id.replace(/^approval:/, '')) },
          });
        }
      });
    },
  };
}

/** One release event → one delivery job per subscribed webhook, each retried on its own. */
export function eventFanOutJob(deps: Deps): JobHandler {
  return {
    kind: EVENT_JOB,
    async run(job) {
      const { event, key, data } = job.payload as {
        event: OutboundEvent;
        key: string;
        data: Record<string, unknown>;
      };
      if (!OUTBOUND_EVENTS.includes(event)) throw new PermanentJobFailure(`unknown event ${event}`);
      const subscribed = (await deps.store.listOutboundWebhooks()).filter((w) =>
        w.events.includes(event),
      );
      if (subscribed.length === 0) return;
      await deps.store.transaction(async (tx) => {
        for (const webhook of subscribed) {
          const id = deliveryId(webhook.id, event, key);
          const envelope: OutboundEnvelope = {
            id,
            event,
            occurredAt: job.createdAt,
            data,
          };
          await enqueueJob(tx, deps, {
            kind: DELIVER_JOB,
            dedupeKey: id,
            payload: { webhookId: webhook.id, body: JSON.stringify(envelope) },
            maxAttempts: 8,
          });
        }
      });
    },
  };
}

/**
 * Sends one delivery: the body signed with the subscription's secret and the time (so a receiver
 * can refuse replays), to a target that is not internal unless the admin allows it.
 */
export function deliverJob(deps: Deps, settings: OutboundSettings): JobHandler {
  return {
    kind: DELIVER_JOB,
    async run(job) {
      const { webhookId, body } = job.payload as { webhookId: string; body: string };
      const webhook = await deps.store.getOutboundWebhook(webhookId);
      if (!webhook) return; // unsubscribed since: nothing to deliver
      if (!settings.webhookAllowPrivate) {
        const problem = await internalTargetProblem(webhook.url);
        if (problem) throw new PermanentJobFailure(problem);
      }
      const envelope = JSON.parse(body) as OutboundEnvelope;
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'dossier-webhooks',
          'x-dossier-event': envelope.event,
          'x-dossier-delivery': envelope.id,
          'x-dossier-signature': signWebhook(webhook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.ok) return;
      if (response.status === 410) {
        throw new PermanentJobFailure(`${webhook.url} answered 410 Gone`);
      }
      throw new Error(`${webhook.url} answered ${response.status}`);
    },
  };
}

/** Every exception expiring within the week (approved, not yet expired), page by page. */
async function expiringSoon(deps: Deps, now: Date): Promise<ExceptionRecord[]> {
  const state = exceptionStateBounds('expiring-soon', now);
  const found: ExceptionRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listExceptions({ limit: MAX_PAGE_SIZE, cursor, state });
    found.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return found;
}

/** Hourly: `exception.expiring` once for each approved exception entering its last week. */
export function exceptionsExpiringJob(deps: Deps): JobHandler {
  return {
    kind: EXCEPTION_SCAN_JOB,
    everyMs: HOUR_MS,
    async run() {
      const now = deps.clock.now();
      const expiring = await expiringSoon(deps, now);
      if (expiring.length === 0) return;
      await deps.store.transaction(async (tx) => {
        for (const exception of expiring) {
          await queueEvent(tx, deps, {
            event: 'exception.expiring',
            key: exception.id,
            data: {
              exception: exception.id,
              ruleId: exception.ruleId,
              scope: { ...exception.scope },
              expiresAt: exception.expiresAt,
              approvedBy: exception.approval?.approvedBy ?? null,
            },
          });
        }
      });
    },
  };
}

import { createHash } from 'node:crypto';
import type { Actor } from '../core/actor.ts';
import {
  buildDeployment,
  type Deployment,
  DeploymentInputSchema,
} from '../core/deployment/deployment.ts';
import { DossierError } from '../core/errors.ts';
import type { Evidence } from '../core/evidence-record.ts';
import type { Release } from '../core/release.ts';
import { deploymentInputFrom } from '../core/webhooks/deployment-input.ts';
import { type Headers, WEBHOOK_PROTOCOLS } from '../core/webhooks/protocols.ts';
import type {
  DeliveryOutcome,
  MappedEvent,
  ReleaseLink,
  WebhookDelivery,
  WebhookSource,
} from '../core/webhooks/webhook-source.ts';
import { StoreConflictError, type StoreTx } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';
import { webhookSecretFor } from './integrations.ts';

export interface WebhookRequest {
  source: WebhookSource;
  headers: Headers;
  /** The body exactly as received: the signature covers these bytes. */
  body: Uint8Array;
}

export interface WebhookResult {
  /** `duplicate`: this delivery (or these very bytes) arrived before; nothing changed. */
  status: DeliveryOutcome | 'duplicate';
  deliveryId: string;
  event: string;
  detail: string;
  evidence: Evidence[];
  /** Deployment records made from it (a deployment outcome, per linked release). */
  deployments: Deployment[];
  mapped: MappedEvent;
}

/**
 * Receives one webhook delivery: checks its signature against the source's secret, refuses what
 * it cannot verify, answers a redelivery with what the first delivery did, and otherwise keeps
 * the body as evidence on every release its commit or artifact names, with the delivery and its
 * audit entries in one transaction.
 */
export async function receiveWebhook(
  deps: ServiceDeps,
  request: WebhookRequest,
): Promise<WebhookResult> {
  const protocol = WEBHOOK_PROTOCOLS[request.source];
  const secret = await webhookSecretFor(deps, request.source);
  if (secret === undefined) {
    throw new DossierError(
      'WEBHOOK_NOT_CONFIGURED',
      `no ${request.source} webhook secret is set; register one with "dossier integration add ${request.source} --secret-stdin"`,
    );
  }
  if (!protocol.verify(secret, request.body, request.headers)) {
    throw new DossierError(
      'WEBHOOK_SIGNATURE_INVALID',
      `the ${protocol.authHeader} header is missing or does not match the ${request.source} secret; nothing was recorded`,
    );
  }
  const payload = parseBody(request.body);
  const deliveryId = protocol.deliveryId(request.headers, payload);
  if (deliveryId === null) {
    throw new DossierError(
      'INVALID_INPUT',
      `the delivery has no usable id in ${protocol.deliveryIdFrom}; it is needed to refuse replays`,
      { issues: [{ path: protocol.deliveryIdFrom, message: 'missing or malformed' }] },
    );
  }
  const event = protocol.event(request.headers, payload);
  const bodySha256 = createHash('sha256').update(request.body).digest('hex');

  const earlier =
    (await deps.store.getWebhookDelivery(request.source, deliveryId)) ??
    // A captured delivery replayed under a new id still has the same signed bytes.
    (await deps.store.findWebhookDeliveryByBody(request.source, bodySha256));
  const mapped = protocol.map(event, payload);
  if (earlier) return duplicateOf(earlier, deliveryId, mapped);

  const actor: Actor = { id: `webhook:${request.source}`, roles: [] };
  const clockNow = deps.clock.now();
  const now = clockNow.toISOString();
  const releases = mapped.type === 'evidence' ? await linkedReleases(deps, mapped.link) : [];
  if (mapped.type === 'evidence' && releases.length > 0) {
    // Bytes first, records second, as for uploads: a crash between leaves an unreferenced blob.
    const staged = await deps.blobs.stage(
      (async function* () {
        yield request.body;
      })(),
      { maxBytes: Math.max(request.body.byteLength, 1) },
    );
    await staged.commit();
  }

  const delivery = (outcome: DeliveryOutcome, detail: string, evidenceIds: string[]) => ({
    source: request.source,
    deliveryId,
    event,
    receivedAt: now,
    outcome,
    detail,
    evidenceIds,
    bodySha256,
  });

  try {
    return await deps.store.transaction(async (tx) => {
      if (mapped.type === 'ignored') {
        await record(tx, actor, delivery('ignored', mapped.reason, []));
        return result('ignored', deliveryId, event, mapped.reason, [], mapped);
      }
      if (releases.length === 0) {
        const detail = `no release matches ${describeLink(mapped.link)}`;
        await record(tx, actor, delivery('unmatched', detail, []));
        return result('unmatched', deliveryId, event, detail, [], mapped);
      }
      const evidence: Evidence[] = [];
      const deployments: Deployment[] = [];
      for (const release of releases) {
        evidence.push(await attach(deps, tx, actor, release, mapped, request, bodySha256, now));
        const deployment = await recordReportedDeployment(
          deps,
          tx,
          actor,
          release,
          mapped,
          deliveryId,
          clockNow,
        );
        if (deployment) deployments.push(deployment);
      }
      const recordedDeployments =
        deployments.length > 0
          ? `; deployment ${deployments[0]?.status} in ${deployments[0]?.environment}`
          : '';
      const detail = `${mapped.kind} evidence on ${releases.map((r) => r.tag).join(', ')}${recordedDeployments}`;
      await record(
        tx,
        actor,
        delivery(
          'recorded',
          detail,
          evidence.map((item) => item.id),
        ),
      );
      return { ...result('recorded', deliveryId, event, detail, evidence, mapped), deployments };
    });
  } catch (error) {
    // The same delivery, arriving twice at once (a sender's retry, two instances): one records it.
    if (error instanceof StoreConflictError) {
      const raced = await deps.store.getWebhookDelivery(request.source, deliveryId);
      if (raced) return duplicateOf(raced, deliveryId, mapped);
    }
    throw error;
  }
}

function parseBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new DossierError(
      'INVALID_INPUT',
      "the webhook body is not JSON; set the sender's content type to application/json",
      { issues: [{ path: 'body', message: 'not JSON' }] },
    );
  }
}

async function linkedReleases(deps: ServiceDeps, link: ReleaseLink): Promise<Release[]> {
  const found = new Map<string, Release>();
  for (const commit of link.commits) {
    for (const release of await deps.store.findReleasesByCommit(commit)) {
      found.set(release.id, release);
    }
  }
  for (const digest of link.artifacts) {
    for (const release of await deps.store.findReleasesByArtifact(digest)) {
      found.set(release.id, release);
    }
  }
  for (const idOrTag of link.releases) {
    const release =
      (await deps.store.getReleaseById(idOrTag)) ?? (await deps.store.getReleaseByTag(idOrTag));
    if (release) found.set(release.id, release);
  }
  return [...found.values()];
}

function describeLink(link: ReleaseLink): string {
  const parts = [
    ...link.commits.map((commit) => `commit ${commit}`),
    ...link.artifacts.map((digest) => `artifact ${digest}`),
    ...link.releases.map((release) => `release ${release}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'the event (it names no commit or artifact)';
}

/** One evidence record per release; the same bytes of the same kind already there are reused. */
async function attach(
  deps: ServiceDeps,
  tx: StoreTx,
  actor: Actor,
  release: Release,
  mapped: Extract<MappedEvent, { type: 'evidence' }>,
  request: WebhookRequest,
  sha256: string,
  now: string,
): Promise<Evidence> {
  const existing = await tx.findEvidence(release.id, mapped.kind, sha256);
  if (existing) return existing;
  const evidence: Evidence = {
    id: deps.ids.next('evd'),
    releaseId: release.id,
    kind: mapped.kind,
    name: mapped.name,
    size: request.body.byteLength,
    sha256,
    mediaType: 'application/json',
    format: `${request.source}-webhook`,
    summary: mapped.summary,
    submittedBy: actor.id,
    submittedAt: now,
    ciContext: mapped.ciContext ?? null,
  };
  await tx.insertEvidence(evidence);
  await tx.appendAudit({
    time: now,
    actor: actor.id,
    action: 'evidence.attached',
    subject: `release:${release.id}`,
    details: {
      evidence: evidence.id,
      tag: release.tag,
      kind: evidence.kind,
      name: evidence.name,
      sha256: evidence.sha256,
      size: evidence.size,
      webhook: { source: request.source, event: mapped.event },
    },
  });
  return evidence;
}

/**
 * A reported deployment outcome (succeeded, failed, rolled back) becomes a deployment record of
 * the release, in the same transaction as its evidence: what the gate's `promoteFrom` reads.
 * One the record cannot hold (an environment name that stays invalid) is kept as evidence only.
 */
async function recordReportedDeployment(
  deps: ServiceDeps,
  tx: StoreTx,
  actor: Actor,
  release: Release,
  mapped: Extract<MappedEvent, { type: 'evidence' }>,
  deliveryId: string,
  now: Date,
): Promise<Deployment | undefined> {
  const input = mapped.deployment ? deploymentInputFrom(mapped.deployment) : undefined;
  const parsed = input ? DeploymentInputSchema.safeParse(input) : undefined;
  if (!parsed?.success) return undefined;
  const deployment = buildDeployment({
    id: deps.ids.next('dep'),
    releaseId: release.id,
    input: parsed.data,
    now,
    actor: actor.id,
  });
  await tx.insertDeployment(deployment);
  await tx.appendAudit({
    time: deployment.recordedAt,
    actor: actor.id,
    action: 'deployment.recorded',
    subject: `release:${release.id}`,
    details: {
      deployment: deployment.id,
      environment: deployment.environment,
      status: deployment.status,
      at: deployment.at,
      source: deployment.source,
      url: deployment.url,
      delivery: deliveryId,
    },
  });
  return deployment;
}

async function record(tx: StoreTx, actor: Actor, delivery: WebhookDelivery): Promise<void> {
  await tx.insertWebhookDelivery(delivery);
  await tx.appendAudit({
    time: delivery.receivedAt,
    actor: actor.id,
    action: 'webhook.received',
    subject: `webhook:${delivery.source}:${delivery.deliveryId}`,
    details: {
      source: delivery.source,
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      outcome: delivery.outcome,
      detail: delivery.detail,
      evidence: delivery.evidenceIds,
      sha256: delivery.bodySha256,
    },
  });
}

function result(
  status: WebhookResult['status'],
  deliveryId: string,
  event: string,
  detail: string,
  evidence: Evidence[],
  mapped: MappedEvent,
): WebhookResult {
  return { status, deliveryId, event, detail, evidence, deployments: [], mapped };
}

function duplicateOf(
  earlier: WebhookDelivery,
  deliveryId: string,
  mapped: MappedEvent,
): WebhookResult {
  return result(
    'duplicate',
    deliveryId,
    earlier.event,
    `already received as delivery ${earlier.deliveryId} (${earlier.outcome}); nothing changed`,
    [],
    mapped,
  );
}

import { cdeventId, mapCdevent } from './cdevents.ts';
import { mapGithubEvent } from './github-events.ts';
import { mapGitlabEvent } from './gitlab-events.ts';
import { obj, str } from './json-access.ts';
import { isSameToken, isValidHmacSha256 } from './verify-signature.ts';
import type { MappedEvent, WebhookSource } from './webhook-source.ts';

/** Request headers, names lowercased (as Node gives them). */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * How one sender proves who it is, names its deliveries and events, and what its events mean.
 * Each source declares its own answers; the code receiving deliveries never asks which it is.
 */
export interface WebhookProtocol {
  /** The header that carries the signature or token, for messages. */
  authHeader: string;
  verify(secret: string, body: Uint8Array, headers: Headers): boolean;
  /** The sender's id for this delivery, the same on a redelivery; null when it sent none. */
  deliveryId(headers: Headers, payload: unknown): string | null;
  /** Where the delivery id is expected, for messages. */
  deliveryIdFrom: string;
  event(headers: Headers, payload: unknown): string;
  map(event: string, payload: unknown): MappedEvent;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === '' ? undefined : single;
}

/** Delivery ids are stored, logged and shown: printable ASCII without spaces, 200 at most. */
function deliveryIdOf(value: string | null | undefined): string | null {
  return value && /^[\x21-\x7e]{1,200}$/.test(value) ? value : null;
}

export const WEBHOOK_PROTOCOLS: Readonly<Record<WebhookSource, WebhookProtocol>> = {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
  github: {
    authHeader: 'X-Hub-Signature-256',
    verify: (secret, body, headers) =>
      isValidHmacSha256(secret, body, header(headers, 'x-hub-signature-256')),
    deliveryId: (headers) => deliveryIdOf(header(headers, 'x-github-delivery')),
    deliveryIdFrom: 'the X-GitHub-Delivery header',
    event: (headers) => header(headers, 'x-github-event') ?? 'unknown',
    map: mapGithubEvent,
  },
  // https://docs.gitlab.com/user/project/integrations/webhooks/ : the token is sent as it is;
  // Idempotency-Key stays the same when GitLab retries a delivery.
  gitlab: {
    authHeader: 'X-Gitlab-Token',
    verify: (secret, _body, headers) => isSameToken(secret, header(headers, 'x-gitlab-token')),
    deliveryId: (headers) =>
      deliveryIdOf(header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid')),
    deliveryIdFrom: 'the Idempotency-Key or X-Gitlab-Event-UUID header',
    event: (headers, payload) =>
      str(obj(payload), 'object_kind') ?? header(headers, 'x-gitlab-event') ?? 'unknown',
    map: mapGitlabEvent,
  },
  // CDEvents over HTTP has no signature scheme of its own; Dossier takes GitHub's, under its own
  // header name (docs/integrations.md). The event's context.id is unique per event.
  cdevents: {
    authHeader: 'X-Dossier-Signature-256',
    verify: (secret, body, headers) =>
      isValidHmacSha256(secret, body, header(headers, 'x-dossier-signature-256')),
    deliveryId: (_headers, payload) => deliveryIdOf(cdeventId(payload)),
    deliveryIdFrom: "the event's context.id",
    event: (_headers, payload) => str(obj(payload, 'context'), 'type') ?? 'unknown',
    map: (_event, payload) => mapCdevent(payload),
  },
};

/** GitHub caps webhook payloads at 25 MB; nothing larger is a real delivery. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

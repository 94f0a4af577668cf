import type { JsonValue } from '../audit-log/canonical-json.ts';
import type { CiContext } from '../ci-context.ts';
import type { EvidenceKind } from '../evidence-record.ts';

/** Where inbound webhooks come from; each has its own endpoint and its own secret. */
export const WEBHOOK_SOURCES = ['github', 'gitlab', 'cdevents'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

export function isWebhookSource(value: unknown): value is WebhookSource {
  return typeof value === 'string' && (WEBHOOK_SOURCES as readonly string[]).includes(value);
}

/**
 * The secret a sender signs with (GitHub, CDEvents) or sends as a token (GitLab). Kept as given:
 * verifying an HMAC needs the secret itself, so it cannot be stored as a one-way hash.
 */
export interface Integration {
  source: WebhookSource;
  secret: string;
  createdAt: string;
  createdBy: string;
}

/** What became of one accepted delivery. */
export const DELIVERY_OUTCOMES = ['recorded', 'ignored', 'unmatched'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One accepted (authenticated) delivery, kept so that a redelivery changes nothing. */
export interface WebhookDelivery {
  source: WebhookSource;
  /** The sender's id for the delivery (X-GitHub-Delivery, Idempotency-Key, context.id). */
  deliveryId: string;
  /** The sender's event name (`workflow_run`, `Pipeline Hook`, `dev.cdevents.…`). */
  event: string;
  receivedAt: string;
  outcome: DeliveryOutcome;
  /** Why it was ignored or unmatched, or what was recorded: for people. */
  detail: string;
  /** Evidence records created or found for it, one per linked release. */
  evidenceIds: string[];
  /** SHA-256 of the body as received. */
  bodySha256: string;
}

/** The normalized status of a deployment, whatever the sender calls it. */
export const DEPLOYMENT_EVENT_STATUSES = [
  'requested',
  'in-progress',
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
] as const;
export type DeploymentEventStatus = (typeof DEPLOYMENT_EVENT_STATUSES)[number];

/**
 * A deployment reported by a webhook, normalized: what `recordDeployment` needs to record that a
 * release ran (or failed to run) in an environment.
 */
export interface DeploymentEvent {
  source: WebhookSource;
  environment: string;
  status: DeploymentEventStatus;
  commit: string | null;
  /** `sha256:…` digests of what was deployed, when the sender names them. */
  artifacts: string[];
  /** The sender's id for the deployment (GitHub deployment id, GitLab deployment_id). */
  externalId: string | null;
  url: string | null;
  deployer: string | null;
  /** When the sender says it happened (ISO 8601 as sent), if it says. */
  at: string | null;
}

/** How a mapped event finds its release(s): any release whose commit or artifact matches. */
export interface ReleaseLink {
  /** Full, lowercase commit SHAs. */
  commits: string[];
  /** `sha256:…` artifact digests. */
  artifacts: string[];
  /** Release ids or tags named explicitly (CDEvents customData). */
  releases: string[];
}

export type MappedEvent =
  | { type: 'ignored'; event: string; reason: string }
  | {
      type: 'evidence';
      event: string;
      kind: EvidenceKind;
      /** File name the stored delivery body gets on the release. */
      name: string;
      summary: { [key: string]: JsonValue };
      link: ReleaseLink;
      /** Set for deployment events: the record to keep once the release is known. */
      deployment?: DeploymentEvent;
      /** The CI run the event reports, kept on the evidence like an upload's CI context. */
      ciContext?: CiContext;
    };

export function ignored(event: string, reason: string): MappedEvent {
  return { type: 'ignored', event, reason };
}

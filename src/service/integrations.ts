import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import { webhookSecretProblem } from '../core/webhooks/webhook-secret.ts';
import {
  isWebhookSource,
  WEBHOOK_SOURCES,
  type WebhookSource,
} from '../core/webhooks/webhook-source.ts';
import type { Config } from './config.ts';
import type { ServiceDeps } from './deps.ts';

export type WebhookSecretSettings = Partial<
  Pick<Config, 'githubWebhookSecret' | 'gitlabWebhookToken' | 'cdeventsSecret'>
>;

/** What is shown of an integration: never the secret. */
export interface IntegrationInfo {
  source: WebhookSource;
  /** `stored`: registered with `dossier integration add`; `environment`: from a DOSSIER_* variable. */
  origin: 'stored' | 'environment';
  createdAt: string | null;
  createdBy: string | null;
}

const ENV_SETTING: Record<WebhookSource, keyof WebhookSecretSettings> = {
  github: 'githubWebhookSecret',
  gitlab: 'gitlabWebhookToken',
  cdevents: 'cdeventsSecret',
};

/** The secret deliveries from `source` are checked against: a stored one wins over the environment. */
export async function webhookSecretFor(
  deps: Pick<ServiceDeps, 'store' | 'config'>,
  source: WebhookSource,
): Promise<string | undefined> {
  const stored = await deps.store.getIntegration(source);
  return stored?.secret ?? (deps.config as WebhookSecretSettings)[ENV_SETTING[source]];
}

function requireAdmin(actor: Actor, what: string): void {
  if (!actor.roles.includes('admin')) {
    throw new DossierError('FORBIDDEN', `only an admin may ${what}`);
  }
}

export function checkSource(source: string): WebhookSource {
  if (isWebhookSource(source)) return source;
  throw new DossierError(
    'INVALID_INPUT',
    `unknown integration "${source}"; expected one of ${WEBHOOK_SOURCES.join(', ')}`,
    { issues: [{ path: 'source', message: 'unknown integration' }] },
  );
}

/** Registers (or replaces) the secret of one webhook source. The secret is not audited. */
export async function addIntegration(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  actor: Actor,
  sourceName: string,
  secret: string,
): Promise<{ integration: IntegrationInfo; replaced: boolean }> {
  requireAdmin(actor, 'register a webhook secret');
  const source = checkSource(sourceName);
  const problem = webhookSecretProblem(secret);
  if (problem) {
    throw new DossierError('INVALID_INPUT', `the webhook secret ${problem}`, {
      issues: [{ path: 'secret', message: problem }],
    });
  }
  const createdAt = deps.clock.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const replaced = (await tx.getIntegration(source)) !== undefined;
    await tx.putIntegration({ source, secret, createdAt, createdBy: actor.id });
    await tx.appendAudit({
      time: createdAt,
      actor: actor.id,
      action: 'integration.added',
      subject: `integration:${source}`,
      details: { source, replaced },
    });
    return {
      integration: { source, origin: 'stored', createdAt, createdBy: actor.id },
      replaced,
    };
  });
}

export async function removeIntegration(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  actor: Actor,
  sourceName: string,
): Promise<void> {
  requireAdmin(actor, 'remove a webhook secret');
  const source = checkSource(sourceName);
  await deps.store.transaction(async (tx) => {
    if (!(await tx.deleteIntegration(source))) {
      throw new DossierError('NOT_FOUND', `no ${source} integration is registered`);
    }
    await tx.appendAudit({
      time: deps.clock.now().toISOString(),
      actor: actor.id,
      action: 'integration.removed',
      subject: `integration:${source}`,
      details: { source },
    });
  });
}

/** Every source that can verify deliveries now, with where its secret comes from. */
export async function listIntegrations(
  deps: Pick<ServiceDeps, 'store' | 'config'>,
  actor: Actor,
): Promise<IntegrationInfo[]> {
  requireAdmin(actor, 'list webhook integrations');
  const stored = new Map(
    (await deps.store.listIntegrations()).map((integration) => [integration.source, integration]),
  );
  const settings = deps.config as WebhookSecretSettings;
  return WEBHOOK_SOURCES.flatMap((source): IntegrationInfo[] => {
    const found = stored.get(source);
    if (found) {
      return [{ source, origin: 'stored', createdAt: found.createdAt, createdBy: found.createdBy }];
    }
    return settings[ENV_SETTING[source]]
      ? [{ source, origin: 'environment', createdAt: null, createdBy: null }]
      : [];
  });
}

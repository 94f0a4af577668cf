import type { DeploymentInput, DeploymentStatus } from '../deployment/deployment.ts';
import type { DeploymentEvent, DeploymentEventStatus } from './webhook-source.ts';

/** Only outcomes are deployment records; requested or running deployments are evidence only. */
const RECORDED: Partial<Record<DeploymentEventStatus, DeploymentStatus>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled-back',
};

/**
 * The deployment record a reported deployment becomes, or undefined while it has no outcome.
 * Environment names are Dossier's (lowercase, `-` for anything else), so a GitHub environment
 * "Production" and a `dossier deploy --env production` are the same environment.
 */
export function deploymentInputFrom(event: DeploymentEvent): DeploymentInput | undefined {
  const status = RECORDED[event.status];
  if (status === undefined) return undefined;
  const input: DeploymentInput = {
    environment: environmentName(event.environment),
    status,
    source: event.source,
  };
  const at = isoTime(event.at);
  if (at) input.at = at;
  if (event.url && /^https?:\/\//.test(event.url)) input.url = event.url;
  return input;
}

export function environmentName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 64);
}

/**
 * ISO 8601 as sent (GitHub, CDEvents), or GitLab's `2021-04-28 21:50:00 +0200` rewritten to
 * ISO 8601; anything else is dropped (the record then takes the time it was received).
 */
function isoTime(value: string | null): string | undefined {
  if (value === null) return undefined;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)) return value;
  const gitlab = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)$/.exec(value);
  if (gitlab) return `${gitlab[1]}T${gitlab[2]}${gitlab[3]}:${gitlab[4]}`;
  const utc = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/.exec(value);
  return utc ? `${utc[1]}T${utc[2]}Z` : undefined;
}

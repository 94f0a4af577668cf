import { z } from 'zod';
import type { EnvironmentPassage } from '../policy/evaluate-gate.ts';

export const DEPLOYMENT_STATUSES = ['succeeded', 'failed', 'rolled-back'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** That a release reached (or failed to reach) an environment; the basis of `promoteFrom`. */
export interface Deployment {
  id: string;
  releaseId: string;
  environment: string;
  status: DeploymentStatus;
  /** When it happened, as reported; may precede when it was recorded. */
  at: string;
  /** Where the report came from: `cli`, `github`, `gitlab`, `cdevents`, a run URL. */
  source: string;
  url: string | null;
  recordedAt: string;
  recordedBy: string;
}

const ENVIRONMENT_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const DeploymentInputSchema = z
  .object({
    environment: z
      .string()
      .regex(ENVIRONMENT_PATTERN, 'must be an environment name like production'),
    status: z.enum(DEPLOYMENT_STATUSES, {
      error: `must be one of ${DEPLOYMENT_STATUSES.join(', ')}`,
    }),
    at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
    source: z.string().trim().min(1).max(200).optional(),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000)
      .optional(),
  })
  .strict();

export type DeploymentInput = z.input<typeof DeploymentInputSchema>;
export type NormalizedDeploymentInput = z.output<typeof DeploymentInputSchema>;

export function buildDeployment(facts: {
  id: string;
  releaseId: string;
  input: NormalizedDeploymentInput;
  now: Date;
  actor: string;
}): Deployment {
  const { input } = facts;
  const recordedAt = facts.now.toISOString();
  return {
    id: facts.id,
    releaseId: facts.releaseId,
    environment: input.environment,
    status: input.status,
    at: input.at === undefined ? recordedAt : new Date(input.at).toISOString(),
    source: input.source ?? 'api',
    url: input.url ?? null,
    recordedAt,
    recordedBy: facts.actor,
  };
}

/** A deployment as the gate reads it: succeeded counts as having passed the environment. */
export function toEnvironmentPassage(deployment: Deployment): EnvironmentPassage {
  return {
    environment: deployment.environment,
    status: deployment.status === 'succeeded' ? 'passed' : deployment.status,
    at: deployment.at,
  };
}

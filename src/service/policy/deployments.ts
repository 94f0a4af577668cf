import { assertMayWrite } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import {
  buildDeployment,
  type Deployment,
  DeploymentInputSchema,
} from '../../core/deployment/deployment.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { getRelease } from '../release-queries.ts';

/**
 * Records that a release reached (or failed to reach, or was rolled back from) an environment.
 * Deployments are what `promoteFrom` reads and what a service's defect history counts.
 */
export async function recordDeployment(
  deps: ServiceDeps,
  actor: Actor,
  idOrTag: string,
  input: unknown,
): Promise<Deployment> {
  assertMayWrite(actor, 'record deployments');
  const parsed = DeploymentInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('deployment', toInputIssues(parsed.error));
  const release = await getRelease(deps, idOrTag);
  const deployment = buildDeployment({
    id: deps.ids.next('dep'),
    releaseId: release.id,
    input: parsed.data,
    now: deps.clock.now(),
    actor: actor.id,
  });
  return deps.store.transaction(async (tx) => {
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
      },
    });
    return deployment;
  });
}

export async function listDeployments(
  deps: Pick<ServiceDeps, 'store'>,
  idOrTag: string,
): Promise<Deployment[]> {
  const release = await getRelease(deps, idOrTag);
  return deps.store.listDeployments(release.id);
}

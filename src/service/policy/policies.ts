import { assertMayWrite } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import { DossierError } from '../../core/errors.ts';
import type { Policy, PolicyProblem } from '../../core/policy/policy-schema.ts';
import { parsePolicy } from '../../core/policy/policy-schema.ts';
import {
  type ActivePolicy,
  ALL_SERVICES_SCOPE,
  type PolicyActivation,
} from '../../core/policy/policy-version.ts';
import { SERVICE_NAME_PATTERN } from '../../core/service-record.ts';
import type { ServiceDeps } from '../deps.ts';
import { cachedPolicy, parseStoredPolicy, parseSubmittedPolicy } from './parsed-policies.ts';

export interface ValidatedPolicy {
  valid: boolean;
  sha256: string | null;
  name: string | null;
  problems: PolicyProblem[];
}

/** Checks a policy without storing anything: every problem with its line and field. */
export function validatePolicy(text: string): ValidatedPolicy {
  const result = parsePolicy(text);
  return result.policy
    ? {
        valid: true,
        sha256: result.policy.sha256,
        name: result.policy.document.name ?? null,
        problems: [],
      }
    : { valid: false, sha256: null, name: null, problems: result.problems };
}

export interface AppliedPolicy extends ActivePolicy {
  /** False when this exact policy was already active for the scope (nothing changed). */
  changed: boolean;
}

/**
 * Validates the text whole, stores it under its hash (once), and makes it the active policy for
 * all services (`scope` omitted) or one. A refused policy changes nothing.
 */
export async function applyPolicy(
  deps: ServiceDeps,
  actor: Actor,
  text: string,
  service?: string,
): Promise<AppliedPolicy> {
  assertMayWrite(actor, 'apply policies');
  const scope = checkScope(service);
  const policy = parseSubmittedPolicy(text);
  const now = deps.clock.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const current = await tx.getActivationForScope(scope);
    if (current?.policy.sha256 === policy.sha256) return { ...current, changed: false };
    const { policy: stored } = await tx.insertPolicyVersion({
      sha256: policy.sha256,
      name: policyName(policy),
      text,
      createdAt: now,
      createdBy: actor.id,
    });
    const activation = await tx.insertPolicyActivation({
      scope,
      policyVersion: stored.version,
      policySha256: stored.sha256,
      activatedAt: now,
      activatedBy: actor.id,
    });
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'policy.activated',
      subject: `policy:${scope}`,
      details: {
        scope,
        version: stored.version,
        sha256: stored.sha256,
        name: stored.name,
        previousSha256: current?.policy.sha256 ?? null,
      },
    });
    return { activation, policy: stored, changed: true };
  });
}

/** The policy a service is held to (or, without a service, the all-services default). */
export async function showPolicy(
  deps: Pick<ServiceDeps, 'store'>,
  service?: string,
): Promise<ActivePolicy> {
  const scope = checkScope(service);
  const active =
    scope === ALL_SERVICES_SCOPE
      ? await deps.store.getActivationForScope(scope)
      : await deps.store.getActivePolicy(scope);
  if (!active) throw noActivePolicy(service);
  return active;
}

/**
 * The activation and parsed policy a service's gate uses. Reads only the activation (not the
 * text) unless this process has not parsed that policy yet.
 */
export async function gatePolicyFor(
  deps: Pick<ServiceDeps, 'store'>,
  service: string,
): Promise<{ activation: PolicyActivation; policy: Policy }> {
  const activation = await deps.store.getActivationFor(service);
  if (!activation) throw noActivePolicy(service);
  const known = cachedPolicy(activation.policySha256);
  if (known) return { activation, policy: known };
  const stored = await deps.store.getPolicyBySha256(activation.policySha256);
  if (!stored) throw new Error(`policy ${activation.policySha256} is activated but not stored`);
  return { activation, policy: parseStoredPolicy(stored) };
}

/** The active policy for a service, parsed; throws NO_ACTIVE_POLICY when there is none. */
export async function activePolicyFor(
  deps: Pick<ServiceDeps, 'store'>,
  service: string,
): Promise<{ active: ActivePolicy; policy: Policy }> {
  const active = await deps.store.getActivePolicy(service);
  if (!active) throw noActivePolicy(service);
  return { active, policy: parseStoredPolicy(active.policy) };
}

function noActivePolicy(service: string | undefined): DossierError {
  return new DossierError(
    'NO_ACTIVE_POLICY',
    service === undefined
      ? 'no policy is active for all services'
      : `no policy is active for service "${service}" (nor for all services)`,
  );
}

function checkScope(service: string | undefined): string {
  if (service === undefined) return ALL_SERVICES_SCOPE;
  if (!SERVICE_NAME_PATTERN.test(service)) {
    throw new DossierError('INVALID_INPUT', `"${service}" is not a service name`, {
      issues: [{ path: 'service', message: 'must be a service name like payments-api' }],
    });
  }
  return service;
}

function policyName(policy: Policy): string {
  return policy.document.name ?? `policy-${policy.sha256.slice(0, 12)}`;
}

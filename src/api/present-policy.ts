import type { ActivePolicy } from '../core/policy/policy-version.ts';

export function presentActivePolicy(active: ActivePolicy, changed?: boolean) {
  return {
    scope: active.activation.scope,
    version: active.policy.version,
    sha256: active.policy.sha256,
    name: active.policy.name,
    activatedAt: active.activation.activatedAt,
    activatedBy: active.activation.activatedBy,
    text: active.policy.text,
    ...(changed === undefined ? {} : { changed }),
  };
}

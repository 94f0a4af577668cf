import type { AuditEntry } from '../core/audit-log/audit-entry.ts';
import { DossierError } from '../core/errors.ts';
import type { GateDecision } from '../core/policy/evaluate-gate.ts';
import type { ServiceDeps } from './deps.ts';
import { gatePolicyFor } from './policy/policies.ts';
import { getRelease } from './release-queries.ts';

export interface EnvironmentGate {
  environment: string;
  /** Whether the active policy names the environment (a recorded decision may predate it). */
  inPolicy: boolean;
  /** The latest recorded decision, or null when the gate was never asked for it. */
  latest: { decision: GateDecision; recordedAt: string; decidedBy: string } | null;
}

export interface GateOverview {
  policy: { version: number; sha256: string; name: string | null } | null;
  environments: EnvironmentGate[];
}

/**
 * The latest recorded gate decision for every environment the release's active policy defines
 * (and any other it was gated for), without evaluating anything: reading a release page records
 * nothing. Asking the gate (`GET …/gate?env=`) evaluates and records.
 */
export async function gateOverview(deps: ServiceDeps, idOrTag: string): Promise<GateOverview> {
  const release = await getRelease(deps, idOrTag);
  const [recorded, active] = await Promise.all([
    deps.store.latestGateDecisions(release.id),
    gatePolicyFor(deps, release.service).catch((error: unknown) => {
      if (error instanceof DossierError && error.code === 'NO_ACTIVE_POLICY') return null;
      throw error;
    }),
  ]);
  const defined = Object.keys(active?.policy.document.environments ?? {});
  const names = [
    ...defined,
    ...recorded.map((r) => r.environment).filter((e) => !defined.includes(e)),
  ];
  return {
    policy: active
      ? {
          version: active.activation.policyVersion,
          sha256: active.activation.policySha256,
          name: active.policy.document.name ?? null,
        }
      : null,
    environments: names.map((environment) => {
      const record = recorded.find((r) => r.environment === environment);
      return {
        environment,
        inPolicy: defined.includes(environment),
        latest: record
          ? { decision: record.body, recordedAt: record.decidedAt, decidedBy: record.decidedBy }
          : null,
      };
    }),
  };
}

/** Audit entries about the release and about its change request, in log order. */
export async function releaseTimeline(deps: ServiceDeps, idOrTag: string): Promise<AuditEntry[]> {
  const release = await getRelease(deps, idOrTag);
  const [own, change] = await Promise.all([
    deps.store.listAuditEntriesFor(`release:${release.id}`),
    release.change ? deps.store.listAuditEntriesFor(`change:${release.change}`) : [],
  ]);
  return [...own, ...change].sort((a, b) => a.seq - b.seq);
}

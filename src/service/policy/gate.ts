import type { Actor } from '../../core/actor.ts';
import { countingApprovals } from '../../core/approval/signature.ts';
import { signedContentHash, signedContentOf } from '../../core/approval/signed-content.ts';
import { toEnvironmentPassage } from '../../core/deployment/deployment.ts';
import { DossierError } from '../../core/errors.ts';
import { gateExceptions } from '../../core/exception/exception.ts';
import { evaluateGate, type GateDecision } from '../../core/policy/evaluate-gate.ts';
import type { GateDecisionHead } from '../../core/policy/gate-record.ts';
import type { ServiceDeps } from '../deps.ts';
import { queueGateChanged } from '../outbound/notify.ts';
import { getRelease } from '../release-queries.ts';
import { gatePolicyFor } from './policies.ts';

export interface GateAnswer {
  decision: GateDecision;
  policyVersion: number;
  /** When this exact decision was first recorded (now, if it is new). */
  recordedAt: string;
  /** True when this decision differs from the last one recorded and was recorded just now. */
  changed: boolean;
}

const ENVIRONMENT_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/**
 * Decides whether a release may enter an environment under its service's active policy, from
 * the release, its change request and risk class, its evidence, and where it has been deployed.
 * The decision is recorded (gate_decisions + the audit log, with its hash) whenever it differs
 * from the last one recorded for the release and environment, so an auditor can see what the
 * gate said and since when, while a pipeline polling the gate does not grow the log.
 */
export async function decideGate(
  deps: ServiceDeps,
  actor: Actor,
  idOrTag: string,
  environment: string,
): Promise<GateAnswer> {
  if (!ENVIRONMENT_PATTERN.test(environment)) {
    throw new DossierError('INVALID_INPUT', `"${environment}" is not an environment name`, {
      issues: [{ path: 'env', message: 'must be an environment name like production' }],
    });
  }
  const release = await getRelease(deps, idOrTag);
  const { activation, policy } = await gatePolicyFor(deps, release.service);
  const [change, risk, evidence, deployments, last, signatures, fulfilments, exceptions] =
    await Promise.all([
      release.change ? deps.store.getChange(release.change) : undefined,
      release.change ? deps.store.latestRiskRecord(release.change) : undefined,
      deps.store.listEvidence(release.id),
      deps.store.listDeployments(release.id),
      deps.store.latestGateDecisionHead(release.id, environment),
      deps.store.listSignatures(release.id),
      deps.store.listConditionFulfilments(release.id),
      deps.store.listExceptionsFor(release),
    ]);
  const now = deps.clock.now();
  // Only signatures over exactly this release, evidence set and policy count.
  const approvals = countingApprovals({
    currentContentHash: signedContentHash(signedContentOf(release, evidence, policy.sha256)),
    signatures,
    fulfilments,
    now,
  });
  const decision = evaluateGate({
    release: {
      id: release.id,
      service: release.service,
      version: release.version,
      author: change?.author ?? release.createdBy,
      artifacts: release.artifacts,
    },
    change: change
      ? {
          id: change.id,
          type: change.type,
          risk: risk
            ? { baselineClass: risk.assessment.baselineClass, chosenClass: risk.chosenClass }
            : null,
        }
      : null,
    evidence: evidence.map((record) => ({
      id: record.id,
      kind: record.kind,
      sha256: record.sha256,
      summary: record.summary,
    })),
    policy,
    environment,
    approvals,
    exceptions: gateExceptions(exceptions),
    environmentHistory: deployments.map(toEnvironmentPassage),
    now,
  });
  if (last?.decisionHash === decision.decisionHash) {
    return {
      decision,
      policyVersion: activation.policyVersion,
      recordedAt: last.decidedAt,
      changed: false,
    };
  }
  const recorded = await recordDecision(deps, actor, release.service, decision, now);
  return {
    decision,
    policyVersion: activation.policyVersion,
    recordedAt: recorded.head.decidedAt,
    changed: recorded.inserted,
  };
}

async function recordDecision(
  deps: ServiceDeps,
  actor: Actor,
  service: string,
  decision: GateDecision,
  now: Date,
): Promise<{ head: GateDecisionHead; inserted: boolean }> {
  return deps.store.transaction(async (tx) => {
    // Another request (on this instance or another) may have recorded the same decision since
    // we read: hold the release so such requests take turns, then look again.
    await tx.lockRelease(decision.releaseId);
    const latest = await tx.latestGateDecisionHead(decision.releaseId, decision.environment);
    if (latest?.decisionHash === decision.decisionHash) return { head: latest, inserted: false };
    const record = await tx.insertGateDecision({
      releaseId: decision.releaseId,
      service,
      environment: decision.environment,
      decision: decision.decision,
      decisionHash: decision.decisionHash,
      policySha256: decision.policySha256,
      decidedAt: now.toISOString(),
      decidedBy: actor.id,
      body: decision,
    });
    await queueGateChanged(tx, deps, {
      releaseId: decision.releaseId,
      environment: decision.environment,
      decisionHash: decision.decisionHash,
      seq: record.seq,
    });
    await tx.appendAudit({
      time: record.decidedAt,
      actor: actor.id,
      action: 'gate.decided',
      subject: `release:${decision.releaseId}`,
      details: {
        environment: decision.environment,
        decision: decision.decision,
        decisionHash: decision.decisionHash,
        policySha256: decision.policySha256,
        riskClass: decision.riskClass,
        previousDecision: latest?.decision ?? null,
        notPassed: decision.outcomes
          .filter((outcome) => outcome.status !== 'passed')
          .map((outcome) => `${outcome.id}: ${outcome.status}`),
      },
    });
    return { head: record, inserted: true };
  });
}

export async function gateHistory(deps: Pick<ServiceDeps, 'store'>, idOrTag: string) {
  const release = await getRelease(deps, idOrTag);
  return deps.store.listGateDecisions(release.id);
}

import type { GateDecision } from './evaluate-gate.ts';

/**
 * A gate decision as recorded. A decision is recorded when it differs from the last one recorded
 * for the same release and environment (a different hash), so the log shows every distinct
 * answer the gate gave and when it first gave it, without one entry per poll.
 */
/** A recorded decision without its body. */
export type GateDecisionHead = Pick<
  GateDecisionRecord,
  'seq' | 'decision' | 'decisionHash' | 'decidedAt'
>;

export interface GateDecisionRecord {
  seq: number;
  releaseId: string;
  service: string;
  environment: string;
  decision: GateDecision['decision'];
  decisionHash: string;
  policySha256: string;
  decidedAt: string;
  /** Who asked for the decision. */
  decidedBy: string;
  body: GateDecision;
}

/** The evidence kinds a decision found missing (`evidence:<kind>` outcomes), sorted. */
/** The roles whose approval a decision still waits for (its `pending-approval` outcomes). */
export function pendingApprovalRoles(decision: Pick<GateDecision, 'outcomes'>): string[] {
  const roles = new Set<string>();
  for (const outcome of decision.outcomes ?? []) {
    if (outcome.requirement === 'approval' && outcome.status === 'pending-approval') {
      roles.add(
        outcome.id.startsWith('approval:') ? outcome.id.slice('approval:'.length) : outcome.id,
      );
    }
  }
  return [...roles].sort();
}

export function missingEvidenceKinds(decision: Pick<GateDecision, 'outcomes'>): string[] {
  const kinds = new Set<string>();
  for (const outcome of decision.outcomes ?? []) {
    if (outcome.requirement === 'evidence' && outcome.status === 'missing-evidence') {
      kinds.add(
        outcome.id.startsWith('evidence:') ? outcome.id.slice('evidence:'.length) : outcome.id,
      );
    }
  }
  return [...kinds].sort();
}

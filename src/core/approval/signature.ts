import type { GateApproval } from '../policy/evaluate-gate.ts';
import type { SignedContent } from './signed-content.ts';

export const AUTH_METHODS = ['password', 'oidc'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A condition an approval depends on: met (with evidence) by the deadline, or it lapses. */
export interface SignatureCondition {
  text: string;
  /** Who must meet it. */
  owner: string;
  /** ISO 8601. */
  deadline: string;
}

/**
 * An electronic signature. Never edited or deleted: a withdrawal is a new signature that names the
 * one it withdraws; a met condition is a separate record.
 */
export interface SignatureRecord {
  id: string;
  releaseId: string;
  kind: 'approval' | 'withdrawal';
  role: string;
  /** What the signer declares by signing ("QA evidence reviewed"). */
  meaning: string;
  signer: { username: string; fullName: string };
  /** Set when a backup approver signs under a delegation. */
  delegation: { id: string; onBehalfOf: string } | null;
  /** How the signer re-authenticated at the moment of signing. */
  authMethod: AuthMethod;
  signedAt: string;
  contentHash: string;
  content: SignedContent;
  /** For a withdrawal: the approval it withdraws. */
  withdraws: string | null;
  condition: SignatureCondition | null;
}

export interface ConditionFulfilment {
  signatureId: string;
  evidenceId: string;
  metAt: string;
  metBy: string;
}

export const SIGNATURE_STATUSES = [
  'valid',
  'condition-pending',
  'stale',
  'withdrawn',
  'lapsed',
] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export interface SignatureState {
  /** The hash of what a signature would cover now. */
  currentContentHash: string;
  signatures: readonly SignatureRecord[];
  fulfilments: readonly ConditionFulfilment[];
  now: Date;
}

/**
 * Whether an approval still counts. Stale: the release, its evidence set or its policy changed
 * since it was signed. Withdrawn: a later withdrawal names it. Lapsed: its condition was not met
 * by the deadline — decided from the clock reading, so no job has to run first.
 */
export function signatureStatus(
  signature: SignatureRecord,
  state: SignatureState,
): { status: SignatureStatus; reason: string } {
  const withdrawal = state.signatures.find(
    (other) => other.kind === 'withdrawal' && other.withdraws === signature.id,
  );
  if (withdrawal) {
    return {
      status: 'withdrawn',
      reason: `withdrawn by ${withdrawal.signer.username} at ${withdrawal.signedAt}: ${withdrawal.meaning}`,
    };
  }
  if (signature.contentHash !== state.currentContentHash) {
    return {
      status: 'stale',
      reason: 'signed for other content: evidence, the release or the policy changed since',
    };
  }
  if (signature.condition) {
    const met = state.fulfilments.find((f) => f.signatureId === signature.id);
    if (met)
      return { status: 'valid', reason: `condition met at ${met.metAt} (${met.evidenceId})` };
    if (state.now.getTime() >= Date.parse(signature.condition.deadline)) {
      return {
        status: 'lapsed',
        reason: `condition "${signature.condition.text}" was not met by ${signature.condition.deadline}`,
      };
    }
    return {
      status: 'condition-pending',
      reason: `counts until ${signature.condition.deadline} unless "${signature.condition.text}" is met`,
    };
  }
  return { status: 'valid', reason: 'covers the release as it is' };
}

/** The approvals the gate counts: valid ones, and conditional ones before their deadline. */
export function countingApprovals(state: SignatureState): GateApproval[] {
  return state.signatures
    .filter((signature) => signature.kind === 'approval')
    .filter((signature) => {
      const { status } = signatureStatus(signature, state);
      return status === 'valid' || status === 'condition-pending';
    })
    .map((signature) => ({
      id: signature.id,
      role: signature.role,
      signer: signature.signer.username,
    }));
}

/**
 * Why `person` may not mark this approval's condition met, or undefined. Only the person named
 * as the condition's owner, or the signer who set it, may: anyone else could otherwise turn a
 * conditional approval into a full one. The web UI offers the action by the same rule.
 */
export function conditionMeetProblem(
  signature: Pick<SignatureRecord, 'id' | 'signer' | 'condition'>,
  person: string | undefined,
): string | undefined {
  const condition = signature.condition;
  if (!condition) return `${signature.id} has no condition`;
  if (
    person !== undefined &&
    (person === condition.owner || person === signature.signer.username)
  ) {
    return undefined;
  }
  return `only ${condition.owner} (the condition's owner) or ${signature.signer.username} (who signed) may mark the condition of ${signature.id} met`;
}

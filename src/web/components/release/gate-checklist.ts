import type { GateAnswer, GateOutcome } from '../../api-client.ts';

type Decision = GateAnswer['decision'];

export type ChecklistStatus = 'present' | 'missing' | 'failing' | 'waived';

export interface ChecklistItem {
  kind: string;
  status: ChecklistStatus;
  reason: string;
}

/**
 * The evidence checklist of one environment, read off the gate's own outcomes: each
 * `evidence:<kind>` outcome says present or missing; a kind is failing when a failed rule looked
 * at a record of that kind. Nothing here re-decides policy: the reasons are the gate's.
 */
export function evidenceChecklist(decision: Decision): ChecklistItem[] {
  const kindOf = new Map(decision.evidence.map((record) => [record.id, record.kind]));
  const failing = new Map<string, string[]>();
  for (const outcome of decision.outcomes) {
    if (outcome.requirement !== 'rule' || outcome.status !== 'failed') continue;
    for (const kind of new Set(outcome.evidenceIds.map((id) => kindOf.get(id)))) {
      if (!kind) continue;
      failing.set(kind, [...(failing.get(kind) ?? []), `${outcome.id}: ${outcome.reason}`]);
    }
  }
  return decision.outcomes
    .filter((outcome) => outcome.requirement === 'evidence')
    .map((outcome) => {
      const kind = outcome.id.replace(/^evidence:/, '');
      const reasons = failing.get(kind);
      if (outcome.status === 'missing-evidence') {
        return { kind, status: 'missing' as const, reason: outcome.reason };
      }
      if (outcome.status === 'waived')
        return { kind, status: 'waived' as const, reason: outcome.reason };
      if (reasons) return { kind, status: 'failing' as const, reason: reasons.join('; ') };
      return { kind, status: 'present' as const, reason: outcome.reason };
    });
}

/** Outcomes that did not pass first, in the gate's order otherwise. */
export function outcomesByUrgency(outcomes: readonly GateOutcome[]): GateOutcome[] {
  const rank = (o: GateOutcome) => (o.status === 'passed' ? 2 : o.status === 'waived' ? 1 : 0);
  return outcomes
    .map((outcome, index) => ({ outcome, index }))
    .sort((a, b) => rank(a.outcome) - rank(b.outcome) || a.index - b.index)
    .map(({ outcome }) => outcome);
}

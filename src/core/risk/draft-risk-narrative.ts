import type { EvidenceKind } from '../evidence-record.ts';
import { SUMMARY_FIELDS } from '../policy/summary-fields.ts';
import type { ChosenRisk } from './choose-risk-class.ts';
import type { RiskAssessment } from './score-risk.ts';

export interface RiskNarrativeFacts {
  change: { id: string; title: string; type: string; reason?: string | undefined };
  service?: string | undefined;
  risk: RiskAssessment | ChosenRisk;
  evidence: ReadonlyArray<{
    id: string;
    kind: EvidenceKind;
    summary: Readonly<Record<string, unknown>> | null;
  }>;
  /** The kinds the policy's tier requires for this change type. */
  requiredEvidence: readonly EvidenceKind[];
  linkedRequirements?: readonly string[] | undefined;
}

const FACTOR_WORDS: Readonly<Record<string, string>> = {
  scope: 'scope',
  criticality: 'system criticality',
  customerImpact: 'customer impact',
  rollbackComplexity: 'rollback complexity',
  defectHistory: 'defect history',
};

/**
 * A first draft of the risk narrative, in plain sentences built only from the facts: what
 * changed, how risky it scored and why, which evidence reduces the uncertainty and what is
 * still missing. The owner edits it; the service records the edit.
 */
export function draftRiskNarrative(facts: RiskNarrativeFacts): string {
  return [
    whatChanged(facts),
    howRisky(facts.risk),
    whatReducesUncertainty(facts),
    whatIsMissing(facts),
  ]
    .filter((sentence) => sentence !== '')
    .join(' ');
}

function whatChanged({ change, service, linkedRequirements }: RiskNarrativeFacts): string {
  const where = service ? ` to ${service}` : '';
  const why = change.reason ? `, because ${lowerFirst(stripStop(change.reason))}` : '';
  const trace =
    linkedRequirements && linkedRequirements.length > 0
      ? ` It traces to ${list([...linkedRequirements])}.`
      : '';
  return `${change.id} is a ${change.type} change${where}: ${stripStop(change.title)}${why}.${trace}`;
}

function howRisky(risk: RiskAssessment | ChosenRisk): string {
  const ranked = Object.entries(risk.factors)
    .filter(([, factor]) => factor.level >= 4)
    .sort(([a, x], [b, y]) => y.points - x.points || a.localeCompare(b))
    .map(([name, factor]) => `${FACTOR_WORDS[name] ?? name} (level ${factor.level})`);
  const drivers =
    ranked.length > 0 ? `, driven by ${list(ranked)}` : ', with no factor above level 3';
  let text = `It scores ${risk.score}, baseline class ${risk.baselineClass}${drivers}.`;
  text += ` Defect history: ${risk.factors.defectHistory.explanation}.`;
  if ('chosenClass' in risk && risk.chosenClass !== risk.baselineClass) {
    text += ` The owner chose class ${risk.chosenClass} instead: ${stripStop(risk.justification ?? '')}.`;
  }
  return text;
}

function whatReducesUncertainty({ evidence }: RiskNarrativeFacts): string {
  if (evidence.length === 0) return 'No evidence has been submitted yet.';
  const described = [...evidence]
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
    .map((record) =>
      record.summary === null
        ? `${record.kind} (not yet summarized)`
        : `${record.kind}: ${SUMMARY_FIELDS[record.kind].describe(record.summary)}`,
    );
  return `Evidence that reduces the uncertainty: ${described.join('; ')}.`;
}

function whatIsMissing({ evidence, requiredEvidence }: RiskNarrativeFacts): string {
  const present = new Set(evidence.map((record) => record.kind));
  const missing = [...new Set(requiredEvidence)].filter((kind) => !present.has(kind));
  if (requiredEvidence.length === 0) return '';
  return missing.length === 0
    ? 'Every kind of evidence the policy requires for this class is present.'
    : `Still missing for this class: ${list(missing)}.`;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function stripStop(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text)
    ? text[0]?.toLowerCase() + text.slice(1)
    : text;
}

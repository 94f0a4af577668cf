import type { RiskAssessment } from './score-risk.ts';

/** What a person stated about a change; criticality comes from the service, history is counted. */
export interface StatedRiskFactors {
  scope: number;
  customerImpact: number;
  rollbackComplexity: number;
}

export const RISK_RECORD_EVENTS = ['assessed', 'class-chosen', 'narrative-edited'] as const;
export type RiskRecordEvent = (typeof RISK_RECORD_EVENTS)[number];

/**
 * One version of a change's risk assessment. Versions are append-only: choosing a class or
 * editing the narrative writes a new version, so the baseline, every choice and every edit stay
 * on record.
 */
export interface RiskRecord {
  changeId: string;
  version: number;
  event: RiskRecordEvent;
  stated: StatedRiskFactors;
  assessment: RiskAssessment;
  /** Null until a person chooses; the gate then uses the baseline. */
  chosenClass: string | null;
  justification: string | null;
  /** The narrative drafted from the facts when the change was assessed. */
  narrativeDraft: string;
  /** The narrative as it now reads: the draft until the owner edits it. */
  narrative: string;
  /** The policy whose risk model scored it. */
  policySha256: string;
  recordedAt: string;
  recordedBy: string;
}

/** The class the gate holds the change to: a person's choice over the computed baseline. */
export function effectiveRiskClass(record: Pick<RiskRecord, 'assessment' | 'chosenClass'>): string {
  return record.chosenClass ?? record.assessment.baselineClass;
}

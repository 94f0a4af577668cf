import type { RiskAssessment } from './score-risk.ts';

/** A justification says why in a sentence; a word like "ok" is not one. */
export const MIN_JUSTIFICATION_LENGTH = 20;

export interface ChosenRisk extends RiskAssessment {
  chosenClass: string;
  /** Null only when the chosen class is the baseline. */
  justification: string | null;
}

export type ChooseRiskClassResult =
  | { risk: ChosenRisk; problem?: undefined }
  | { problem: string; risk?: undefined };

/**
 * Records the class a person chose next to the computed baseline. Choosing the baseline needs
 * no words; choosing any other class, higher or lower, needs a written justification, and both
 * classes are kept so a reviewer sees the override.
 */
export function chooseRiskClass(
  assessment: RiskAssessment,
  chosen: string,
  justification?: string | null,
): ChooseRiskClassResult {
  if (!assessment.classes.includes(chosen)) {
    return {
      problem: `'${chosen}' is not a risk class of this policy (classes: ${assessment.classes.join(', ')})`,
    };
  }
  const text = justification?.trim() ?? '';
  if (chosen === assessment.baselineClass) {
    return {
      risk: { ...assessment, chosenClass: chosen, justification: text === '' ? null : text },
    };
  }
  if (text.length < MIN_JUSTIFICATION_LENGTH) {
    return {
      problem:
        text === ''
          ? `choosing '${chosen}' instead of the baseline '${assessment.baselineClass}' needs a written justification`
          : `the justification for choosing '${chosen}' instead of '${assessment.baselineClass}' must say why in at least ${MIN_JUSTIFICATION_LENGTH} characters`,
    };
  }
  return { risk: { ...assessment, chosenClass: chosen, justification: text } };
}

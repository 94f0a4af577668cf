import { z } from 'zod';
import { DossierError } from '../errors.ts';
import { compileExpression, evaluateCondition } from '../policy/cel-expression.ts';
import {
  type DefectHistoryBasis,
  defectHistoryFactsSchema,
  defectHistoryLevel,
} from './defect-history.ts';
import {
  RISK_CLASS_VARIABLES,
  type RiskFactor,
  type RiskModel,
  riskLevelSchema,
} from './risk-model.ts';

/**
 * The factors a person (or the service, for criticality) states; defect history is not typed
 * in but computed from the service's past releases.
 */
export const riskFactorsInputSchema = z.strictObject({
  scope: riskLevelSchema,
  criticality: riskLevelSchema,
  customerImpact: riskLevelSchema,
  rollbackComplexity: riskLevelSchema,
  history: defectHistoryFactsSchema,
});
export type RiskFactorsInput = z.output<typeof riskFactorsInputSchema>;

export interface ScoredFactor {
  level: number;
  weight: number;
  /** level × weight */
  points: number;
}

export type ScoredFactors = Record<Exclude<RiskFactor, 'defectHistory'>, ScoredFactor> & {
  defectHistory: ScoredFactor & { basis: DefectHistoryBasis; explanation: string };
};

export interface RiskAssessment {
  score: number;
  baselineClass: string;
  /** How the baseline was reached: the class condition that held, or the fallback. */
  baselineReason: string;
  factors: ScoredFactors;
  /** The model's classes in order, least to most risk, so a choice can be checked. */
  classes: string[];
}

/**
 * Scores the factors with the model's weights and takes the first class whose condition holds.
 * When none holds (or one cannot be evaluated) the last, strictest class applies: an unclear
 * assessment must not lower the controls.
 */
export function scoreRisk(input: RiskFactorsInput, model: RiskModel): RiskAssessment {
  const checked = riskFactorsInputSchema.safeParse(input);
  if (!checked.success) {
    throw new DossierError('INVALID_INPUT', 'the risk factors are not valid', {
      issues: checked.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  const history = defectHistoryLevel(input.history, model.defectHistory);
  const scored = (factor: RiskFactor, level: number): ScoredFactor => {
    const weight = model.factors[factor].weight;
    return { level, weight, points: level * weight };
  };
  const factors: ScoredFactors = {
    scope: scored('scope', input.scope),
    criticality: scored('criticality', input.criticality),
    customerImpact: scored('customerImpact', input.customerImpact),
    rollbackComplexity: scored('rollbackComplexity', input.rollbackComplexity),
    defectHistory: {
      ...scored('defectHistory', history.level),
      basis: history.basis,
      explanation: history.explanation,
    },
  };
  // Rounded so weights like 0.1 do not leave 7.000000000000001 in a stored assessment.
  const score =
    Math.round(Object.values(factors).reduce((sum, factor) => sum + factor.points, 0) * 1000) /
    1000;
  const { name, reason } = classFor(score, factors, model);
  return {
    score,
    baselineClass: name,
    baselineReason: reason,
    factors,
    classes: model.classes.map((riskClass) => riskClass.name),
  };
}

function classFor(
  score: number,
  factors: ScoredFactors,
  model: RiskModel,
): { name: string; reason: string } {
  const bindings: Record<string, unknown> = { score };
  for (const [factor, scored] of Object.entries(factors)) bindings[factor] = BigInt(scored.level);
  for (const riskClass of model.classes) {
    const compiled = compileExpression(riskClass.when, { variables: RISK_CLASS_VARIABLES });
    if (!compiled.expression) continue;
    if (evaluateCondition(compiled.expression, bindings).value === true) {
      return { name: riskClass.name, reason: `score ${score}: \`${riskClass.when}\` holds` };
    }
  }
  const strictest = model.classes[model.classes.length - 1]?.name ?? 'unknown';
  return {
    name: strictest,
    reason: `score ${score}: no class condition holds, so the strictest class applies`,
  };
}

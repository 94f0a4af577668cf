import { z } from 'zod';
import { celConditionSchema } from '../policy/cel-expression.ts';

/** The factors a change's risk is scored on (DESIGN.md, RiskAssessment). */
export const RISK_FACTORS = [
  'scope',
  'criticality',
  'customerImpact',
  'rollbackComplexity',
  'defectHistory',
] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];

/** The variables a class condition may read: the score and each factor's level. */
export const RISK_CLASS_VARIABLES: readonly string[] = ['score', ...RISK_FACTORS];

/** Every factor is a level from 1 (least risk) to 5 (most). */
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 5;

export const riskLevelSchema = z
  .number()
  .int('a risk level is a whole number')
  .min(MIN_LEVEL, `a risk level is at least ${MIN_LEVEL}`)
  .max(MAX_LEVEL, `a risk level is at most ${MAX_LEVEL}`);

const weightSchema = z.number().positive('a weight is greater than 0').max(100).default(1);

const factorSchema = z.strictObject({ weight: weightSchema }).default({ weight: 1 });

/** Four ascending rates; reaching the n-th raises the level to n + 1. */
const thresholdsSchema = z
  .array(z.number().min(0).max(1))
  .length(
    MAX_LEVEL - MIN_LEVEL,
    `give ${MAX_LEVEL - MIN_LEVEL} ascending rates, one per level above ${MIN_LEVEL}`,
  )
  .refine(
    (rates) => rates.every((rate, i) => i === 0 || rate > (rates[i - 1] ?? 0)),
    'rates must ascend',
  );

export const defectHistoryModelSchema = z
  .strictObject({
    /** Share of deployments that failed or were rolled back (DORA change failure rate). */
    failureRate: thresholdsSchema.default([0.05, 0.15, 0.3, 0.5]),
    /** Share of releases whose gate blocked them at least once. */
    gateFailureRate: thresholdsSchema.default([0.2, 0.4, 0.6, 0.8]),
    /** The level when there is no history to judge by: not knowing is itself a risk. */
    unknown: riskLevelSchema.default(3),
  })
  .default({
    failureRate: [0.05, 0.15, 0.3, 0.5],
    gateFailureRate: [0.2, 0.4, 0.6, 0.8],
    unknown: 3,
  });

export const riskClassSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'a class name is lower-case letters, digits and dashes'),
  /** CEL over `score` and the factor levels; classes are tried in order, the first true wins. */
  when: celConditionSchema(RISK_CLASS_VARIABLES),
});

export const riskModelSchema = z.strictObject({
  factors: z
    .strictObject({
      scope: factorSchema,
      criticality: factorSchema,
      customerImpact: factorSchema,
      rollbackComplexity: factorSchema,
      defectHistory: factorSchema,
    })
    .default({
      scope: { weight: 1 },
      criticality: { weight: 1 },
      customerImpact: { weight: 1 },
      rollbackComplexity: { weight: 1 },
      defectHistory: { weight: 1 },
    }),
  defectHistory: defectHistoryModelSchema,
  classes: z.array(riskClassSchema).min(1, 'name at least one risk class'),
});

export type RiskModel = z.output<typeof riskModelSchema>;
export type DefectHistoryModel = z.output<typeof defectHistoryModelSchema>;

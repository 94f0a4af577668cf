import { z } from 'zod';
import type { DefectHistoryModel } from './risk-model.ts';
import { MIN_LEVEL } from './risk-model.ts';

/** What the service's past releases did; the store counts it, scoring only reads it. */
export const defectHistoryFactsSchema = z.strictObject({
  deployments: z.array(z.strictObject({ failed: z.boolean(), rolledBack: z.boolean() })),
  /** Releases whose gate blocked them at least once. */
  gateFailures: z.number().int().min(0),
  releases: z.number().int().min(0),
});
export type DefectHistoryFacts = z.output<typeof defectHistoryFactsSchema>;

export interface DefectHistoryBasis {
  deployments: number;
  failedOrRolledBack: number;
  /** Null when there were no deployments to divide by. */
  changeFailureRate: number | null;
  releases: number;
  gateFailures: number;
  gateFailureRate: number | null;
}

export interface DefectHistoryLevel {
  level: number;
  basis: DefectHistoryBasis;
  /** One sentence on how the level was reached, for the assessment and the narrative. */
  explanation: string;
}

/**
 * The defect-history level is the higher of two readings: the change failure rate (failed or
 * rolled-back deployments) and the share of releases blocked by a gate. With neither to read,
 * the model's `unknown` level applies, because a service without a track record has not shown
 * it is safe.
 */
export function defectHistoryLevel(
  facts: DefectHistoryFacts,
  model: DefectHistoryModel,
): DefectHistoryLevel {
  const deployments = facts.deployments.length;
  const failedOrRolledBack = facts.deployments.filter((d) => d.failed || d.rolledBack).length;
  const changeFailureRate = deployments > 0 ? failedOrRolledBack / deployments : null;
  const gateFailureRate =
    facts.releases > 0 ? Math.min(1, facts.gateFailures / facts.releases) : null;
  const basis: DefectHistoryBasis = {
    deployments,
    failedOrRolledBack,
    changeFailureRate,
    releases: facts.releases,
    gateFailures: facts.gateFailures,
    gateFailureRate,
  };
  if (changeFailureRate === null && gateFailureRate === null) {
    return {
      level: model.unknown,
      basis,
      explanation: `no past deployments or releases to judge by, so defect history counts as level ${model.unknown}`,
    };
  }
  const byFailures =
    changeFailureRate === null ? MIN_LEVEL : levelFor(changeFailureRate, model.failureRate);
  const byGates =
    gateFailureRate === null ? MIN_LEVEL : levelFor(gateFailureRate, model.gateFailureRate);
  const parts: string[] = [];
  if (changeFailureRate !== null) {
    parts.push(
      `${failedOrRolledBack} of ${deployments} deployments failed or were rolled back (${percent(changeFailureRate)})`,
    );
  }
  if (gateFailureRate !== null) {
    parts.push(
      `${facts.gateFailures} of ${facts.releases} releases were blocked by a gate (${percent(gateFailureRate)})`,
    );
  }
  const level = Math.max(byFailures, byGates);
  return { level, basis, explanation: `${parts.join('; ')}: level ${level}` };
}

function levelFor(rate: number, thresholds: readonly number[]): number {
  return MIN_LEVEL + thresholds.filter((threshold) => rate >= threshold).length;
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

import { z } from 'zod';
import { riskLevelSchema } from './risk/risk-model.ts';

/**
 * Something that is released. Its criticality is one of the risk factors of every change to
 * it, stated once here by whoever owns the service rather than typed in per change.
 */
export interface ServiceRecord {
  name: string;
  /** 1 (least critical) … 5 (a failure can harm a patient or a customer's business). */
  criticality: number;
  owners: string[];
  description: string | null;
  updatedAt: string;
  updatedBy: string;
}

export const SERVICE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const ServiceInputSchema = z
  .object({
    criticality: riskLevelSchema,
    owners: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    description: z.string().trim().max(2000).optional(),
  })
  .strict();

export type ServiceInput = z.input<typeof ServiceInputSchema>;

export function buildServiceRecord(facts: {
  name: string;
  input: z.output<typeof ServiceInputSchema>;
  now: Date;
  actor: string;
}): ServiceRecord {
  return {
    name: facts.name,
    criticality: facts.input.criticality,
    owners: [...new Set(facts.input.owners ?? [])].sort(),
    description: facts.input.description ?? null,
    updatedAt: facts.now.toISOString(),
    updatedBy: facts.actor,
  };
}

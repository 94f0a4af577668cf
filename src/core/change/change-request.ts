import { z } from 'zod';
import { CHANGE_TYPES, type ChangeType } from '../policy/policy-schema.ts';

/** Why a change exists; releases name it in their tag (`…+chg-1842`). */
export interface ChangeRequest {
  /** `CHG-1842`. */
  id: string;
  service: string;
  title: string;
  type: ChangeType;
  reason: string;
  /** Requirement ids the change implements or touches (`REQ-12`, `SRS-4.2`). */
  requirements: string[];
  /** The change's author; separation of duties keeps them off its approvals. */
  author: string;
  createdAt: string;
  createdBy: string;
}

export const CHANGE_ID_PATTERN = /^CHG-[1-9][0-9]{0,8}$/;
const SERVICE_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const REQUIREMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export const ChangeInputSchema = z
  .object({
    /** Given when the change comes from an external tracker; otherwise the next number. */
    id: z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.string().regex(CHANGE_ID_PATTERN, 'must look like CHG-1842'))
      .optional(),
    service: z
      .string()
      .regex(SERVICE_PATTERN, 'must be a service name (lowercase letters, digits, ".", "_", "-")'),
    title: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    type: z.enum(CHANGE_TYPES, {
      error: `must be one of ${CHANGE_TYPES.join(', ')}`,
    }),
    reason: z.string().trim().min(1, 'must say why the change exists').max(4000),
    requirements: z
      .array(z.string().regex(REQUIREMENT_PATTERN, 'must be a requirement id like REQ-12'))
      .max(200, 'at most 200 requirement ids')
      .optional(),
    /** Defaults to whoever creates the change request. */
    author: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export type ChangeInput = z.input<typeof ChangeInputSchema>;
export type NormalizedChangeInput = z.output<typeof ChangeInputSchema>;

export function buildChange(facts: {
  id: string;
  input: NormalizedChangeInput;
  now: Date;
  actor: string;
}): ChangeRequest {
  const { input } = facts;
  return {
    id: facts.id,
    service: input.service,
    title: input.title,
    type: input.type,
    reason: input.reason,
    requirements: [...new Set(input.requirements ?? [])].sort(),
    author: input.author ?? facts.actor,
    createdAt: facts.now.toISOString(),
    createdBy: facts.actor,
  };
}

export function changeIdFromNumber(n: number): string {
  return `CHG-${n}`;
}

/** The fields in which a repeated create with an explicit id differs from the stored change. */
export function differingChangeFields(existing: ChangeRequest, requested: ChangeRequest): string[] {
  const fields: string[] = [];
  for (const field of ['service', 'title', 'type', 'reason'] as const) {
    if (existing[field] !== requested[field]) fields.push(field);
  }
  if (existing.requirements.join('\n') !== requested.requirements.join('\n')) {
    fields.push('requirements');
  }
  return fields;
}

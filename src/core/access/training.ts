import { z } from 'zod';
import type { Role } from './roles.ts';
import { RoleName } from './user.ts';

/** One attestation that a person completed a course; recorded once, never edited. */
export interface TrainingRecord {
  id: string;
  username: string;
  course: string;
  version: string;
  /** YYYY-MM-DD, the day the course was completed. */
  completedOn: string;
  /** YYYY-MM-DD, the last day the training counts; null: it does not expire. */
  expiresOn: string | null;
  recordedAt: string;
  recordedBy: string;
}

/** A role whose holders must have completed `course` at `version` to sign for it. */
export interface TrainingRequirement {
  role: Role;
  course: string;
  version: string;
}

const COURSE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const Day = z
  .string()
  .regex(DATE_PATTERN, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDay, 'must be a real calendar date');

export const TrainingRequirementSchema = z
  .object({
    role: RoleName,
    course: z.string().regex(COURSE_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    version: z.string().regex(VERSION_PATTERN, 'must be 1-32 letters, digits, ".", "_" or "-"'),
  })
  .strict();

export const TrainingInputSchema = z
  .object({
    course: TrainingRequirementSchema.shape.course,
    version: TrainingRequirementSchema.shape.version,
    completedOn: Day,
    expiresOn: Day.nullable().default(null),
  })
  .strict()
  .refine((input) => input.expiresOn === null || input.expiresOn >= input.completedOn, {
    message: 'must not be before completedOn',
    path: ['expiresOn'],
  });
export type TrainingInput = z.input<typeof TrainingInputSchema>;

function isCalendarDay(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** The UTC day of an instant: training dates are whole days, compared in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whether the record counts on `day`: completed by then and not past its last day. */
export function isTrainingCurrent(record: TrainingRecord, day: string): boolean {
  return record.completedOn <= day && (record.expiresOn === null || record.expiresOn >= day);
}

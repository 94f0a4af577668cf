import { z } from 'zod';

/**
 * A release moves draft → candidate → approved → deployed, or ends rejected or superseded.
 * Transitions arrive with the policy and approval issues; the states are fixed here so every
 * layer speaks the same words.
 */
export const RELEASE_STATES = [
  'draft',
  'candidate',
  'approved',
  'deployed',
  'rejected',
  'superseded',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export interface Release {
  id: string;
  tag: string;
  service: string;
  version: string;
  commit: string;
  change: string | null;
  artifacts: string[];
  state: ReleaseState;
  createdAt: string;
  createdBy: string;
  evidenceCount: number;
}

const SERVICE_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const VERSION_PATTERN = /^[0-9A-Za-z](?:[0-9A-Za-z._-]{0,62})$/;
const COMMIT_PATTERN = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const CHANGE_PATTERN = /^CHG-[1-9][0-9]{0,8}$/;
export const ARTIFACT_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const ReleaseInputSchema = z
  .object({
    service: z
      .string()
      .regex(
        SERVICE_PATTERN,
        'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
      ),
    version: z
      .string()
      .regex(
        VERSION_PATTERN,
        'must be 1-63 letters, digits, ".", "_" or "-" starting with a letter or digit ("+" is reserved: the tag puts the change request after it)',
      ),
    commit: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(
        z.string().regex(COMMIT_PATTERN, 'must be a full git commit SHA (40 or 64 hex digits)'),
      ),
    change: z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.string().regex(CHANGE_PATTERN, 'must look like CHG-1842'))
      .optional(),
    artifacts: z
      .array(
        z
          .string()
          .transform((value) => value.toLowerCase())
          .pipe(
            z
              .string()
              .regex(ARTIFACT_DIGEST_PATTERN, 'must be "sha256:" followed by 64 hex digits'),
          ),
      )
      .max(100, 'at most 100 artifact digests')
      .optional(),
  })
  .strict();

export type ReleaseInput = z.input<typeof ReleaseInputSchema>;
export type NormalizedReleaseInput = z.output<typeof ReleaseInputSchema>;

/** `payments-api@1.18.4+chg-1842`: service and version, then the change request if there is one. */
export function toReleaseTag(input: {
  service: string;
  version: string;
  change?: string | null | undefined;
}): string {
  const base = `${input.service}@${input.version}`;
  return input.change ? `${base}+${input.change.toLowerCase()}` : base;
}

export function isReleaseId(value: string): boolean {
  return /^rel_[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}

export interface NewReleaseFacts {
  id: string;
  input: NormalizedReleaseInput;
  now: Date;
  actor: string;
}

export function buildRelease({ id, input, now, actor }: NewReleaseFacts): Release {
  return {
    id,
    tag: toReleaseTag(input),
    service: input.service,
    version: input.version,
    commit: input.commit,
    change: input.change ?? null,
    artifacts: [...new Set(input.artifacts ?? [])].sort(),
    state: 'draft',
    createdAt: now.toISOString(),
    createdBy: actor,
    evidenceCount: 0,
  };
}

/**
 * Names the fields in which a repeated create request differs from the release already holding
 * its tag. An empty list means the request is a retry and the existing release is the answer.
 */
export function differingReleaseFields(existing: Release, requested: Release): string[] {
  const fields: string[] = [];
  if (existing.commit !== requested.commit) fields.push('commit');
  if (requested.artifacts.length > 0 && !sameList(existing.artifacts, requested.artifacts)) {
    fields.push('artifacts');
  }
  return fields;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

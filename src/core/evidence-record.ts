import type { CiContext } from './ci-context.ts';

/** The evidence kinds Dossier accepts; see DESIGN.md's nouns. */
export const EVIDENCE_KINDS = [
  'junit',
  'coverage',
  'sarif',
  'sbom',
  'vuln-scan',
  'vex',
  'provenance',
  'deployment',
  'smoke-test',
  'review',
  'rollback-plan',
  'validation',
  'legacy-record',
  'pipeline-run',
  'test-run',
  'artifact',
  'custom',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export function isEvidenceKind(value: unknown): value is EvidenceKind {
  return typeof value === 'string' && (EVIDENCE_KINDS as readonly string[]).includes(value);
}

/** A lowercase hex SHA-256 digest: 64 characters, nothing else (never a path). */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

export interface Evidence {
  id: string;
  releaseId: string;
  kind: EvidenceKind;
  name: string;
  size: number;
  sha256: string;
  mediaType: string;
  /** Detected format (e.g. `junit-xml`), once a parser recognized the bytes. */
  format: string | null;
  /** Normalized summary from the format's parser; null until one exists for the kind. */
  summary: Record<string, unknown> | null;
  submittedBy: string;
  submittedAt: string;
  /** The CI run that submitted it (provider, commit, branch, run URL…), when it said. */
  ciContext: CiContext | null;
}

export const MAX_EVIDENCE_NAME_LENGTH = 255;

/**
 * Checks the display name a submitter gives a file. The name is metadata only and never used as
 * a path on disk; control characters are refused because they corrupt logs and terminals.
 */
export function evidenceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_EVIDENCE_NAME_LENGTH) {
    return `must be at most ${MAX_EVIDENCE_NAME_LENGTH} characters`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'must not contain control characters';
  return undefined;
}

/**
 * The colours a figure may carry. The word or number is always shown beside it: colour only
 * repeats what the text says, for the eye that scans a long page.
 */
export type Tone = 'critical' | 'danger' | 'caution' | 'warning' | 'info' | 'success' | 'neutral';

/** Severity words shared by scanners and SARIF security severity, most severe first. */
export const SEVERITY_TONES: Readonly<Record<string, Tone>> = {
  critical: 'critical',
  high: 'danger',
  medium: 'warning',
  low: 'info',
  unknown: 'neutral',
};

const SEVERITY_RANKS: Readonly<Record<string, number>> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
};

/** critical 4 … low 1; unknown, absent or unrecognized 0. */
export function severityRank(severity: string | null): number {
  return severity === null ? 0 : (SEVERITY_RANKS[severity] ?? 0);
}

export function severityTone(severity: string | null): Tone {
  return severity === null ? 'neutral' : (SEVERITY_TONES[severity] ?? 'neutral');
}

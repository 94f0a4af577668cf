export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[b] > RANK[a] ? b : a;
}

// Scanners' words for the same bands: npm says "moderate", Red Hat "important", Grype
// "negligible" (below low) and npm "info" (no risk rated). Those last two count as low: the
// scanner rated them, and rated them at the bottom.
const WORDS = new Map<string, Severity>(
  Object.entries({
    critical: 'critical',
    high: 'high',
    important: 'high',
    medium: 'medium',
    moderate: 'medium',
    low: 'low',
    negligible: 'low',
    info: 'low',
    informational: 'low',
  }) as Array<[string, Severity]>,
);

/** A scanner's severity word as a band; undefined for "unknown" and anything unrecognized. */
export function severityFromWord(value: unknown): Severity | undefined {
  return typeof value === 'string' ? WORDS.get(value.trim().toLowerCase()) : undefined;
}

/**
 * A CVSS base score as a band. CVSS v3 and v4 (FIRST specification, §5 qualitative rating):
 * 9.0–10.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. CVSS v2 has no critical band
 * (NVD: 7.0–10.0 high). A score of 0.0 ("none") is counted as low: it was rated, and harmless.
 */
export function severityFromScore(score: number | undefined, cvssMajor = 3): Severity | undefined {
  if (score === undefined || !Number.isFinite(score) || score < 0 || score > 10) return undefined;
  if (score >= 9 && cvssMajor !== 2) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/**
 * CVSS base scores from vector strings, for reports that give a vector and no severity (OSV
 * entries from PyPI and Go advisories). CVSS v3.0/v3.1 (FIRST CVSS v3.1 specification §7.1,
 * with Appendix A's Roundup) and v2 (CVSS v2 guide §3.2.1). CVSS v4 scores need the
 * specification's macro-vector tables and are not computed here: undefined.
 */
export interface CvssScore {
  score: number;
  major: 2 | 3;
}

export function cvssBaseScore(vector: string): CvssScore | undefined {
  const metrics = parseVector(vector);
  if (!metrics) return undefined;
  if (/^CVSS:3\.[01]\//.test(vector)) {
    const score = cvss3(metrics);
    return score === undefined ? undefined : { score, major: 3 };
  }
  if (!vector.startsWith('CVSS:')) {
    const score = cvss2(metrics);
    return score === undefined ? undefined : { score, major: 2 };
  }
  return undefined;
}

function parseVector(vector: string): Map<string, string> | undefined {
  const metrics = new Map<string, string>();
  for (const part of vector.replace(/^\(|\)$/g, '').split('/')) {
    const [name, value, extra] = part.split(':');
    if (name === undefined || value === undefined || extra !== undefined) return undefined;
    metrics.set(name, value);
  }
  return metrics;
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function pick<T extends Record<string, number>>(
  table: T,
  value: string | undefined,
): number | undefined {
  return value !== undefined && Object.hasOwn(table, value) ? table[value as keyof T] : undefined;
}

function cvss3(m: Map<string, string>): number | undefined {
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const changed = scope === 'C';
  const av = pick(V3.AV, m.get('AV'));
  const ac = pick(V3.AC, m.get('AC'));
  const ui = pick(V3.UI, m.get('UI'));
  const pr = pick(
    changed ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 },
    m.get('PR'),
  );
  const c = pick(V3.CIA, m.get('C'));
  const i = pick(V3.CIA, m.get('I'));
  const a = pick(V3.CIA, m.get('A'));
  if ([av, ac, ui, pr, c, i, a].some((x) => x === undefined)) return undefined;
  const iss = 1 - (1 - (c as number)) * (1 - (i as number)) * (1 - (a as number));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * (av as number) * (ac as number) * (pr as number) * (ui as number);
  if (impact <= 0) return 0;
  return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}

/** CVSS v3.1 Appendix A: round up to one decimal, immune to floating-point noise. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

function cvss2(m: Map<string, string>): number | undefined {
  const av = pick({ L: 0.395, A: 0.646, N: 1 }, m.get('AV'));
  const ac = pick({ H: 0.35, M: 0.61, L: 0.71 }, m.get('AC'));
  const au = pick({ M: 0.45, S: 0.56, N: 0.704 }, m.get('Au'));
  const cia = { N: 0, P: 0.275, C: 0.66 };
  const c = pick(cia, m.get('C'));
  const i = pick(cia, m.get('I'));
  const a = pick(cia, m.get('A'));
  if ([av, ac, au, c, i, a].some((x) => x === undefined)) return undefined;
  const impact = 10.41 * (1 - (1 - (c as number)) * (1 - (i as number)) * (1 - (a as number)));
  const exploitability = 20 * (av as number) * (ac as number) * (au as number);
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

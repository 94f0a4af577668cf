import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asText,
  describeJsonType,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { cvssBaseScore } from './cvss.ts';
import { maxSeverity, type Severity, severityFromScore, severityFromWord } from './severity.ts';
import { scannerInfo, VulnerabilityCollector } from './vulnerability-summary.ts';

const LABEL = 'OSV-Scanner JSON';

/**
 * OSV-Scanner's `--format json` report: `results[]` per scanned source, each with `packages[]`
 * holding OSV `vulnerabilities` and the `groups` of ids that are aliases of one another.
 */
export const osvScannerJsonFormat: EvidenceFormat = {
  id: 'osv-scanner-json',
  kind: 'vuln-scan',
  label: 'OSV-Scanner JSON',
  detect(head) {
    const scan = scanJsonHead(head);
    if (scan.root !== 'object' || !scan.paths.has('results')) return false;
    return (
      scan.paths.has('results[].packages') ||
      scan.paths.has('results[].source.path') ||
      scan.paths.has('experimental_config')
    );
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeOsvScanner(document.value, document.warnings);
  },
};

export function summarizeOsvScanner(
  report: unknown,
  readWarnings: readonly string[],
): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  const collector = new VulnerabilityCollector();
  if (!isObject(report) || !Array.isArray(report.results)) {
    const found = isObject(report) ? describeJsonType(report.results) : describeJsonType(report);
    return problems.fail(
      isObject(report) ? 'results' : '',
      `expected an array of results, found ${found}`,
    );
  }
  const sources = new Set<string>();
  report.results.forEach((result, resultIndex) => {
    const resultPath = memberPath('results', resultIndex);
    if (!isObject(result)) {
      problems.add(resultPath, `expected a result object, found ${describeJsonType(result)}`);
      return;
    }
    const sourcePath = isObject(result.source) ? asText(result.source.path) : undefined;
    if (sourcePath !== undefined) sources.add(sourcePath);
    if (result.packages !== undefined && !Array.isArray(result.packages)) {
      problems.add(
        `${resultPath}.packages`,
        `expected an array, found ${describeJsonType(result.packages)}`,
      );
      return;
    }
    asArray(result.packages).forEach((entry, packageIndex) => {
      const path = memberPath(`${resultPath}.packages`, packageIndex);
      if (!isObject(entry) || !isObject(entry.package)) {
        problems.add(path, 'expected an object with a "package"');
        return;
      }
      for (const group of groupsOf(entry, path, problems, warnings)) {
        collector.add(groupEntry(group, entry.package));
      }
    });
  });
  problems.throwIfAny();
  return {
    scanner: scannerInfo('OSV-Scanner', undefined),
    target: sources.size === 1 ? cut([...sources][0] ?? '', 512) : null,
    ...collector.summary(warnings),
    warnings: warnings.list(),
  };
}

interface Group {
  ids: string[];
  aliases: string[];
  members: JsonObject[];
  maxSeverity: string | undefined;
}

/**
 * One group per finding, as OSV-Scanner prints them: its `groups` (ids that are aliases of each
 * other), then any vulnerability no group names, alone. Older reports have no groups.
 */
function groupsOf(
  entry: JsonObject,
  path: string,
  problems: Problems,
  warnings: Warnings,
): Group[] {
  const byId = new Map<string, JsonObject>();
  asArray(entry.vulnerabilities).forEach((vulnerability, index) => {
    const id = isObject(vulnerability) ? asText(vulnerability.id) : undefined;
    if (id === undefined || !isObject(vulnerability)) {
      problems.add(
        memberPath(`${path}.vulnerabilities`, index),
        'expected a vulnerability with an id',
      );
    } else if (!byId.has(id)) {
      byId.set(id, vulnerability);
    }
  });
  const groups: Group[] = [];
  const grouped = new Set<string>();
  asArray(entry.groups).forEach((raw, index) => {
    if (!isObject(raw)) return;
    const ids = strings(raw.ids);
    if (ids.length === 0) return;
    const members: JsonObject[] = [];
    for (const id of ids) {
      const member = byId.get(id);
      if (member) members.push(member);
      else
        warnings.add(
          `${memberPath(`${path}.groups`, index)} names ${cut(id, 128)}, which the package does not list`,
        );
      grouped.add(id);
    }
    groups.push({
      ids,
      aliases: strings(raw.aliases),
      members,
      maxSeverity: asText(raw.max_severity),
    });
  });
  for (const [id, vulnerability] of byId) {
    if (!grouped.has(id))
      groups.push({ ids: [id], aliases: [], members: [vulnerability], maxSeverity: undefined });
  }
  return groups;
}

function groupEntry(group: Group, pkg: JsonObject) {
  const id = group.ids[0] ?? '';
  const name = asText(pkg.name);
  const aliases = [
    ...group.ids.slice(1),
    ...group.aliases,
    ...group.members.flatMap((m) => strings(m.aliases)),
  ];
  const score = group.maxSeverity === undefined ? Number.NaN : Number(group.maxSeverity);
  let severity = severityFromScore(Number.isFinite(score) ? score : undefined);
  if (!severity) {
    for (const member of group.members) {
      const band = memberSeverity(member);
      if (band) severity = severity ? maxSeverity(severity, band) : band;
    }
  }
  const fixed = new Set(group.members.flatMap((member) => fixedVersions(member, name)));
  const title = group.members.map((m) => asText(m.summary) ?? asText(m.details)).find(Boolean);
  return {
    id,
    aliases,
    package: name,
    version: asText(pkg.version),
    fixedVersion: fixed.size > 0 ? [...fixed].join(', ') : undefined,
    severity: severity ?? ('unknown' as const),
    title,
  };
}

/**
 * An OSV entry's own rating: `database_specific.severity` (GitHub's word), else the highest
 * band of its `severity[]` CVSS vectors (v2 and v3 computed; v4 cannot be, here), else
 * a word in `affected[].ecosystem_specific.severity` (Ubuntu, Debian).
 */
function memberSeverity(vulnerability: JsonObject): Severity | undefined {
  const database = isObject(vulnerability.database_specific) ? vulnerability.database_specific : {};
  const word = severityFromWord(database.severity);
  if (word) return word;
  let best: Severity | undefined;
  for (const rating of asArray(vulnerability.severity)) {
    if (!isObject(rating)) continue;
    const score = asText(rating.score);
    const computed = score === undefined ? undefined : cvssBaseScore(score);
    const band = computed
      ? severityFromScore(computed.score, computed.major)
      : (severityFromScore(score === undefined ? undefined : Number(score)) ??
        severityFromWord(score));
    if (band) best = best ? maxSeverity(best, band) : band;
  }
  if (best) return best;
  for (const affected of asArray(vulnerability.affected)) {
    const specific =
      isObject(affected) && isObject(affected.ecosystem_specific)
        ? affected.ecosystem_specific
        : {};
    const band = severityFromWord(specific.severity);
    if (band) return band;
  }
  return undefined;
}

/** `fixed` events in the entry's ranges for this package (OSV schema, affected[].ranges[]). */
function fixedVersions(vulnerability: JsonObject, packageName: string | undefined): string[] {
  const out: string[] = [];
  for (const affected of asArray(vulnerability.affected)) {
    if (!isObject(affected)) continue;
    const affectedName = isObject(affected.package) ? asText(affected.package.name) : undefined;
    if (packageName !== undefined && affectedName !== undefined && affectedName !== packageName)
      continue;
    for (const range of asArray(affected.ranges)) {
      if (!isObject(range)) continue;
      for (const event of asArray(range.events)) {
        const fixed = isObject(event) ? asText(event.fixed) : undefined;
        if (fixed !== undefined) out.push(fixed);
      }
    }
  }
  return out;
}

function strings(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string' && item !== '');
}

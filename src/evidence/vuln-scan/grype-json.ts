import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asFiniteNumber,
  asText,
  describeJsonType,
  isObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { maxSeverity, type Severity, severityFromScore, severityFromWord } from './severity.ts';
import { scannerInfo, VulnerabilityCollector } from './vulnerability-summary.ts';

const LABEL = 'Grype JSON';

/** Grype's `-o json` report: `matches[]` of vulnerability + artifact, and a `descriptor`. */
export const grypeJsonFormat: EvidenceFormat = {
  id: 'grype-json',
  kind: 'vuln-scan',
  label: 'Grype JSON',
  detect(head) {
    const scan = scanJsonHead(head);
    if (scan.root !== 'object' || !scan.paths.has('matches')) return false;
    return (
      scan.paths.has('matches[].vulnerability') ||
      scan.paths.has('matches[].artifact') ||
      scan.values.get('descriptor.name') === 'grype'
    );
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeGrype(document.value, document.warnings);
  },
};

export function summarizeGrype(report: unknown, readWarnings: readonly string[]): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  const collector = new VulnerabilityCollector();
  if (!isObject(report)) {
    return problems.fail('', `expected a Grype report object, found ${describeJsonType(report)}`);
  }
  if (!Array.isArray(report.matches)) {
    problems.add(
      'matches',
      `expected an array of matches, found ${describeJsonType(report.matches)}`,
    );
  }
  asArray(report.matches).forEach((match, index) => {
    const path = memberPath('matches', index);
    const vulnerability = isObject(match) ? match.vulnerability : undefined;
    if (!isObject(match) || !isObject(vulnerability)) {
      problems.add(path, 'expected a match with a "vulnerability" object');
      return;
    }
    const id = asText(vulnerability.id);
    if (id === undefined) {
      problems.add(`${path}.vulnerability`, 'has no id');
      return;
    }
    const artifact = isObject(match.artifact) ? match.artifact : {};
    const related = asArray(match.relatedVulnerabilities).filter(isObject);
    const fix = isObject(vulnerability.fix) ? vulnerability.fix : {};
    const fixedIn = asArray(fix.versions).filter(
      (v): v is string => typeof v === 'string' && v !== '',
    );
    collector.add({
      id,
      aliases: related.map((entry) => asText(entry.id)).filter((alias) => alias !== undefined),
      package: asText(artifact.name),
      version: asText(artifact.version),
      fixedVersion: fixedIn.length > 0 ? fixedIn.join(', ') : undefined,
      severity:
        severityFromWord(vulnerability.severity) ??
        severityFromCvssList(vulnerability.cvss) ??
        severityFromCvssList(related.flatMap((entry) => asArray(entry.cvss))) ??
        'unknown',
      title:
        asText(vulnerability.description) ??
        related.map((entry) => asText(entry.description)).find(Boolean),
    });
  });
  problems.throwIfAny();

  const descriptor = isObject(report.descriptor) ? report.descriptor : {};
  const source = isObject(report.source) ? report.source : {};
  const target = isObject(source.target) ? asText(source.target.userInput) : asText(source.target);
  const ignored = asArray(report.ignoredMatches).length;
  return {
    scanner: scannerInfo(asText(descriptor.name) ?? 'grype', asText(descriptor.version)),
    target: target === undefined ? null : cut(target, 512),
    ...collector.summary(warnings),
    suppressed: ignored,
    warnings: warnings.list(),
  };
}

/** Grype's `cvss[]` entries: the highest band of their base scores. */
function severityFromCvssList(list: unknown): Severity | undefined {
  let best: Severity | undefined;
  for (const entry of asArray(list)) {
    if (!isObject(entry) || !isObject(entry.metrics)) continue;
    const major = asText(entry.version)?.startsWith('2') ? 2 : 3;
    const band = severityFromScore(asFiniteNumber(entry.metrics.baseScore), major);
    if (band) best = best ? maxSeverity(best, band) : band;
  }
  return best;
}

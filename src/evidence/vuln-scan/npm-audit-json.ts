import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asFiniteNumber,
  asText,
  describeJsonType,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { type Severity, severityFromScore, severityFromWord } from './severity.ts';
import { scannerInfo, VulnerabilityCollector } from './vulnerability-summary.ts';

const LABEL = 'npm audit JSON';

/**
 * `npm audit --json`: the npm 7+ report (`auditReportVersion: 2`, a `vulnerabilities` map by
 * package) and the npm 6 report (`advisories` by id, also what `pnpm audit --json` writes).
 * npm's error object (`{"error": {"code": "ENOAUDIT", …}}`) is recognized so that it can be
 * refused with npm's own words rather than as an unknown file.
 */
export const npmAuditJsonFormat: EvidenceFormat = {
  id: 'npm-audit-json',
  kind: 'vuln-scan',
  label: 'npm audit JSON',
  detect(head) {
    const scan = scanJsonHead(head);
    if (scan.root !== 'object') return false;
    const has = (path: string) => scan.paths.has(path);
    if (scan.values.get('auditReportVersion') === 2)
      return has('vulnerabilities') || has('metadata');
    if (has('advisories')) return has('actions') || has('metadata') || has('muted');
    const code = scan.values.get('error.code');
    return typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code) && has('error.summary');
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeNpmAudit(document.value, document.warnings);
  },
};

export function summarizeNpmAudit(
  report: unknown,
  readWarnings: readonly string[],
): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  if (!isObject(report)) {
    return problems.fail(
      '',
      `expected an npm audit report object, found ${describeJsonType(report)}`,
    );
  }
  if (isObject(report.error)) {
    const code = cut(asText(report.error.code) ?? 'an error', 64);
    const summary =
      asText(report.error.summary) ?? asText(report.error.detail) ?? 'no details given';
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `${LABEL}: the file is npm's error report, not an audit: ${code}: ${cut(summary, 512)}`,
    );
  }
  const collector = new VulnerabilityCollector();
  let scanner = 'npm audit';
  let reportVersion: 1 | 2;
  if (report.auditReportVersion === 2 || isObject(report.vulnerabilities)) {
    reportVersion = 2;
    readVersion2(report, collector, problems, warnings);
  } else if (isObject(report.advisories)) {
    reportVersion = 1;
    if (readVersion1(report, collector, problems, warnings)) scanner = 'pnpm audit';
  } else {
    return problems.fail(
      '',
      'has neither a "vulnerabilities" map (npm 7+) nor "advisories" (npm 6)',
    );
  }
  problems.throwIfAny();
  return {
    scanner: scannerInfo(scanner, undefined),
    reportVersion,
    target: null,
    ...collector.summary(warnings),
    warnings: warnings.list(),
  };
}

/**
 * npm 7+: each entry of `vulnerabilities` is a package; its `via` holds advisory objects (the
 * package is vulnerable itself) or names of packages it is vulnerable through. Advisories are
 * the findings. npm reports ranges, not installed versions, so `version` stays null.
 */
function readVersion2(
  report: JsonObject,
  collector: VulnerabilityCollector,
  problems: Problems,
  warnings: Warnings,
): void {
  if (!isObject(report.vulnerabilities)) {
    problems.add(
      'vulnerabilities',
      `expected an object by package name, found ${describeJsonType(report.vulnerabilities)}`,
    );
    return;
  }
  const declared = new Map<string, number>();
  for (const [name, entry] of Object.entries(report.vulnerabilities)) {
    const path = memberPath('vulnerabilities', name);
    if (!isObject(entry)) {
      problems.add(path, `expected an object, found ${describeJsonType(entry)}`);
      continue;
    }
    const packageSeverity = asText(entry.severity) ?? 'unknown';
    declared.set(packageSeverity, (declared.get(packageSeverity) ?? 0) + 1);
    const fix = isObject(entry.fixAvailable) ? entry.fixAvailable : undefined;
    for (const via of asArray(entry.via)) {
      if (!isObject(via)) continue;
      const packageName = asText(via.name) ?? asText(entry.name) ?? name;
      const url = asText(via.url);
      const source = asFiniteNumber(via.source);
      const id = ghsaOf(url) ?? (source === undefined ? undefined : `npm:${source}`);
      if (id === undefined) {
        problems.add(`${path}.via`, 'holds an advisory without a url or source id');
        continue;
      }
      collector.add({
        id,
        aliases: source === undefined || id === `npm:${source}` ? [] : [`npm:${source}`],
        package: packageName,
        fixedVersion: fix && asText(fix.name) === packageName ? asText(fix.version) : undefined,
        severity: severityOf(via.severity, isObject(via.cvss) ? via.cvss.score : undefined),
        title: asText(via.title),
      });
    }
  }
  const counts = Object.keys(report.vulnerabilities).length;
  checkDeclared(report, declared, counts, 'packages', warnings);
}

/**
 * npm 6 (and pnpm): `advisories` by id, each with `findings[]` of the installed versions that
 * match. Returns whether the paths are pnpm's (`.>pkg`), to name the scanner.
 */
function readVersion1(
  report: JsonObject,
  collector: VulnerabilityCollector,
  problems: Problems,
  warnings: Warnings,
): boolean {
  const advisories = report.advisories as JsonObject;
  const declared = new Map<string, number>();
  let paths = 0;
  let pnpm = false;
  for (const [key, advisory] of Object.entries(advisories)) {
    const path = memberPath('advisories', key);
    if (!isObject(advisory)) {
      problems.add(path, `expected an advisory object, found ${describeJsonType(advisory)}`);
      continue;
    }
    const cves = asArray(advisory.cves).filter((cve): cve is string => typeof cve === 'string');
    const npmId = `npm:${asFiniteNumber(advisory.id) ?? key}`;
    const id =
      asText(advisory.github_advisory_id) ?? ghsaOf(asText(advisory.url)) ?? cves[0] ?? npmId;
    const patched = asText(advisory.patched_versions);
    const severityWord = asText(advisory.severity) ?? 'unknown';
    const base = {
      id,
      aliases: [...cves, npmId],
      package: asText(advisory.module_name),
      // "<0.0.0" is npm's way of saying no version is patched.
      fixedVersion: patched === '<0.0.0' ? undefined : patched,
      severity: severityOf(
        advisory.severity,
        isObject(advisory.cvss) ? advisory.cvss.score : undefined,
      ),
      title: asText(advisory.title),
    };
    const findings = asArray(advisory.findings).filter(isObject);
    if (findings.length === 0) collector.add(base);
    for (const finding of findings) {
      const findingPaths = asArray(finding.paths).filter((p): p is string => typeof p === 'string');
      paths += findingPaths.length;
      declared.set(severityWord, (declared.get(severityWord) ?? 0) + findingPaths.length);
      if (findingPaths.some((p) => p.startsWith('.>'))) pnpm = true;
      collector.add({ ...base, version: asText(finding.version) });
    }
  }
  checkDeclared(report, declared, paths, 'dependency paths', warnings);
  return pnpm;
}

/**
 * `metadata.vulnerabilities` restates the counts by severity (npm 7+ counts packages, npm 6
 * counts dependency paths); a file whose restatement disagrees with its own entries is warned.
 */
function checkDeclared(
  report: JsonObject,
  counted: ReadonlyMap<string, number>,
  total: number,
  what: string,
  warnings: Warnings,
): void {
  const metadata = isObject(report.metadata) ? report.metadata : undefined;
  const declared = isObject(metadata?.vulnerabilities) ? metadata.vulnerabilities : undefined;
  if (!declared) return;
  for (const level of ['info', 'low', 'moderate', 'high', 'critical']) {
    const said = asFiniteNumber(declared[level]);
    const found = counted.get(level) ?? 0;
    if (said !== undefined && said !== found) {
      warnings.add(
        `metadata.vulnerabilities.${level} says ${said} but the report lists ${found} ${what} rated ${level}`,
      );
    }
  }
  const saidTotal = asFiniteNumber(declared.total);
  if (saidTotal !== undefined && saidTotal !== total) {
    warnings.add(
      `metadata.vulnerabilities.total says ${saidTotal} but the report lists ${total} ${what}`,
    );
  }
}

function severityOf(word: unknown, score: unknown): Severity {
  return severityFromWord(word) ?? severityFromScore(asFiniteNumber(score)) ?? 'unknown';
}

function ghsaOf(url: string | undefined): string | undefined {
  return url === undefined
    ? undefined
    : /\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/.exec(url)?.[1];
}

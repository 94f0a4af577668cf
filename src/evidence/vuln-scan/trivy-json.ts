import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asFiniteNumber,
  asString,
  asText,
  describeJsonType,
  describeValue,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { maxSeverity, type Severity, severityFromScore, severityFromWord } from './severity.ts';
import { scannerInfo, severityCounts, VulnerabilityCollector } from './vulnerability-summary.ts';

const LABEL = 'Trivy JSON';

/**
 * Trivy's JSON report: SchemaVersion 2 (`Results[].Vulnerabilities`, with misconfigurations
 * and secrets beside them), the Kubernetes report (`ClusterName` with per-resource results),
 * and the pre-2 report that was a bare array of results (accepted with a warning).
 */
export const trivyJsonFormat: EvidenceFormat = {
  id: 'trivy-json',
  kind: 'vuln-scan',
  label: 'Trivy JSON',
  detect(head) {
    const scan = scanJsonHead(head);
    const has = (path: string) => scan.paths.has(path);
    if (scan.root === 'array') {
      return has('[].Target') && (has('[].Vulnerabilities') || has('[].Type') || has('[].Class'));
    }
    if (scan.root !== 'object') return false;
    if (has('SchemaVersion')) return has('Results') || has('ArtifactName') || has('Trivy');
    return (
      has('ClusterName') && (has('Vulnerabilities') || has('Resources') || has('Misconfigurations'))
    );
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeTrivy(document.value, document.warnings);
  },
};

export function summarizeTrivy(report: unknown, readWarnings: readonly string[]): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  const walk = new TrivyWalk(problems);

  let target: string | undefined;
  let version: string | undefined;
  if (Array.isArray(report)) {
    warnings.add(
      'a Trivy report from before SchemaVersion 2 (a bare array of results); read as its Results',
    );
    walk.results(report, '');
  } else if (isObject(report)) {
    version = isObject(report.Trivy) ? asText(report.Trivy.Version) : undefined;
    if (report.ClusterName !== undefined) {
      target = asText(report.ClusterName);
      for (const key of ['Resources', 'Vulnerabilities', 'Misconfigurations']) {
        walk.resources(report[key], key);
      }
    } else {
      target = asText(report.ArtifactName);
      const schema = report.SchemaVersion;
      if (schema !== 2) warnings.add(`SchemaVersion is ${describeValue(schema)}; read as 2`);
      walk.results(report.Results, 'Results');
    }
  } else {
    problems.add('', `expected a Trivy report object, found ${describeJsonType(report)}`);
  }
  problems.throwIfAny();

  return {
    scanner: scannerInfo('Trivy', version),
    target: target === undefined ? null : cut(target, 512),
    ...walk.vulnerabilities.summary(warnings),
    suppressed: walk.suppressed,
    misconfigurations: walk.misconfigurations,
    secrets: walk.secrets,
    warnings: warnings.list(),
  };
}

class TrivyWalk {
  readonly vulnerabilities = new VulnerabilityCollector();
  readonly misconfigurations = severityCounts();
  readonly secrets = severityCounts();
  suppressed = 0;
  readonly #problems: Problems;

  constructor(problems: Problems) {
    this.#problems = problems;
  }

  /** The Kubernetes report: resources (namespace, kind, name) each holding `Results`. */
  resources(list: unknown, path: string): void {
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      this.#problems.add(path, `expected an array of resources, found ${describeJsonType(list)}`);
      return;
    }
    list.forEach((resource, index) => {
      const resourcePath = memberPath(path, index);
      if (!isObject(resource)) {
        this.#problems.add(
          resourcePath,
          `expected a resource object, found ${describeJsonType(resource)}`,
        );
        return;
      }
      this.results(resource.Results, memberPath(resourcePath, 'Results'));
    });
  }

  results(list: unknown, path: string): void {
    // Trivy leaves Results out when a scan finds nothing.
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      this.#problems.add(path, `expected an array of results, found ${describeJsonType(list)}`);
      return;
    }
    list.forEach((result, index) => {
      const resultPath = `${path}[${index}]`;
      if (!isObject(result)) {
        this.#problems.add(
          resultPath,
          `expected a result object, found ${describeJsonType(result)}`,
        );
        return;
      }
      this.#each(result, 'Vulnerabilities', resultPath, (item, itemPath) =>
        this.#vulnerability(item, itemPath),
      );
      this.#each(result, 'Misconfigurations', resultPath, (item) => {
        // Trivy lists passed checks too when asked (--include-non-failures); only failures count.
        if (item.Status === undefined || item.Status === 'FAIL')
          tally(this.misconfigurations, item.Severity);
      });
      this.#each(result, 'Secrets', resultPath, (item) => tally(this.secrets, item.Severity));
      this.#each(result, 'ExperimentalModifiedFindings', resultPath, () => {
        this.suppressed++;
      });
    });
  }

  #each(
    result: JsonObject,
    key: string,
    resultPath: string,
    visit: (item: JsonObject, path: string) => void,
  ): void {
    const list = result[key];
    if (list === undefined || list === null) return;
    const listPath = memberPath(resultPath, key);
    if (!Array.isArray(list)) {
      this.#problems.add(listPath, `expected an array, found ${describeJsonType(list)}`);
      return;
    }
    list.forEach((item, index) => {
      const itemPath = memberPath(listPath, index);
      if (isObject(item)) visit(item, itemPath);
      else this.#problems.add(itemPath, `expected an object, found ${describeJsonType(item)}`);
    });
  }

  #vulnerability(item: JsonObject, path: string): void {
    const id = asText(item.VulnerabilityID);
    if (id === undefined) {
      this.#problems.add(path, 'has no VulnerabilityID');
      return;
    }
    this.vulnerabilities.add({
      id,
      aliases: asArray(item.VendorIDs).filter(
        (alias): alias is string => typeof alias === 'string',
      ),
      package: asText(item.PkgName) ?? asText(item.PkgID),
      version: asText(item.InstalledVersion),
      fixedVersion: asText(item.FixedVersion),
      severity: severityFromWord(item.Severity) ?? severityFromCvss(item.CVSS) ?? 'unknown',
      title: asText(item.Title) ?? asText(item.Description),
    });
  }
}

/** Trivy's `CVSS` map (source → V2Score/V3Score/V40Score): the highest band any source gives. */
function severityFromCvss(cvss: unknown): Severity | undefined {
  if (!isObject(cvss)) return undefined;
  let best: Severity | undefined;
  for (const rating of Object.values(cvss)) {
    if (!isObject(rating)) continue;
    const modern = asFiniteNumber(rating.V40Score) ?? asFiniteNumber(rating.V3Score);
    const band = severityFromScore(modern) ?? severityFromScore(asFiniteNumber(rating.V2Score), 2);
    if (band) best = best ? maxSeverity(best, band) : band;
  }
  return best;
}

function tally(counts: Record<Severity, number> & { total: number }, severity: unknown): void {
  counts[severityFromWord(asString(severity)) ?? 'unknown']++;
  counts.total++;
}

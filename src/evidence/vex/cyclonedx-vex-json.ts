import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asFiniteNumber,
  asText,
  describeJsonType,
  describeValue,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { CycloneDxVexCollector, type CycloneDxVulnerability } from './cyclonedx-vex.ts';

const LABEL = 'CycloneDX VEX';

/**
 * CycloneDX VEX in JSON: a CycloneDX BOM (`bomFormat: "CycloneDX"`) whose `vulnerabilities[]`
 * carry an `analysis`. Every such file is also a CycloneDX BOM, so this detector claims only
 * what the first bytes show to be VEX: a `vulnerabilities` entry with an `analysis` inside the
 * head. The registry must try it before the CycloneDX SBOM format.
 */
export const cycloneDxVexJsonFormat: EvidenceFormat = {
  id: 'cyclonedx-vex-json',
  kind: 'vex',
  label: 'CycloneDX VEX (JSON)',
  detect(head) {
    const scan = scanJsonHead(head);
    return (
      scan.root === 'object' &&
      scan.values.get('bomFormat') === 'CycloneDX' &&
      scan.paths.has('vulnerabilities[].analysis')
    );
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeCycloneDxVex(document.value, document.warnings);
  },
};

export function summarizeCycloneDxVex(
  bom: unknown,
  readWarnings: readonly string[],
): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  if (!isObject(bom)) {
    return problems.fail('', `expected a CycloneDX BOM object, found ${describeJsonType(bom)}`);
  }
  if (bom.bomFormat !== 'CycloneDX') {
    problems.add('bomFormat', `expected "CycloneDX", found ${describeValue(bom.bomFormat)}`);
  }
  if (!Array.isArray(bom.vulnerabilities)) {
    problems.add(
      'vulnerabilities',
      `expected an array, found ${describeJsonType(bom.vulnerabilities)}`,
    );
  }
  problems.throwIfAny();
  const collector = new CycloneDxVexCollector(warnings);
  asArray(bom.vulnerabilities).forEach((entry, index) => {
    const path = memberPath('vulnerabilities', index);
    if (!isObject(entry)) {
      problems.add(path, `expected a vulnerability object, found ${describeJsonType(entry)}`);
      return;
    }
    const problem = collector.add(readVulnerability(entry), path);
    if (problem) problems.add(path, problem);
  });
  problems.throwIfAny();
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  return collector.summary({
    specVersion: cutOrUndefined(asText(bom.specVersion)),
    serialNumber: asText(bom.serialNumber),
    version: asFiniteNumber(bom.version),
    author: authorOf(metadata),
    timestamp: asText(metadata.timestamp),
  });
}

function readVulnerability(entry: JsonObject): CycloneDxVulnerability {
  const analysis = isObject(entry.analysis) ? entry.analysis : undefined;
  return {
    id: asText(entry.id),
    aliases: asArray(entry.references)
      .map((reference) => (isObject(reference) ? asText(reference.id) : undefined))
      .filter((id): id is string => id !== undefined),
    analysis: analysis && {
      state: asText(analysis.state),
      justification: asText(analysis.justification),
      responses: asArray(analysis.response).filter((r): r is string => typeof r === 'string'),
      detail: asText(analysis.detail),
    },
    recommendation: asText(entry.recommendation),
    workaround: asText(entry.workaround),
    affects: asArray(entry.affects).flatMap((affect) => {
      const ref = isObject(affect) ? asText(affect.ref) : undefined;
      if (ref === undefined || !isObject(affect)) return [];
      const versions = asArray(affect.versions).flatMap((v) => {
        const text = isObject(v) ? (asText(v.version) ?? asText(v.range)) : undefined;
        return text === undefined ? [] : [text];
      });
      return [{ ref, versions }];
    }),
  };
}

/** `metadata.authors[0].name`, else the manufacturer or supplier (1.6 `manufacturer`, older `manufacture`). */
function authorOf(metadata: JsonObject): string | undefined {
  const first = asArray(metadata.authors)[0];
  const named = (value: unknown) => (isObject(value) ? asText(value.name) : undefined);
  return (
    named(first) ??
    named(metadata.manufacturer) ??
    named(metadata.manufacture) ??
    named(metadata.supplier)
  );
}

function cutOrUndefined(text: string | undefined): string | undefined {
  return text === undefined ? undefined : cut(text, 32);
}

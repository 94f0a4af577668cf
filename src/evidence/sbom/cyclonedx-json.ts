import type { EvidenceFormat } from '../format.ts';
import { checkCycloneDxVersion, jsonLicenseStatements, jsonToolNames } from './cyclonedx-common.ts';
import { readJsonHead } from './json-head.ts';
import { readJsonMembers } from './json-members.ts';
import { IssueList, isRecord, typeName } from './json-value.ts';
import {
  DEFAULT_SBOM_LIMITS,
  SbomAccumulator,
  type SbomLimits,
  type SbomSubject,
  type SbomSummary,
  subjectOf,
} from './sbom-summary.ts';

const LABEL = 'CycloneDX JSON';
const SCHEMA = /^https?:\/\/cyclonedx\.org\/schema\/bom-\d/;
/**
 * Deepest component (or service) nesting read. JSON.parse itself takes any depth, and the
 * layout fast path hands it elements without counting brackets, so the walk is bounded here.
 */
const MAX_NESTING = 64;

export const cyclonedxJson: EvidenceFormat = {
  id: 'cyclonedx-json',
  kind: 'sbom',
  label: LABEL,
  detect(head) {
    const json = readJsonHead(head);
    if (!json) return false;
    // A BOM whose bomFormat names another format is still claimed when its $schema says
    // CycloneDX, so that parse can say what is wrong rather than "unrecognized".
    return (
      json.strings.get('bomFormat') === 'CycloneDX' ||
      SCHEMA.test(json.strings.get('$schema') ?? '')
    );
  },
  parse: (source) => parseCycloneDxJson(source),
};

/**
 * Streams a CycloneDX JSON BOM (1.2–1.7): top-level arrays one element at a time, so memory is
 * bounded by the largest component, not the file.
 */
export async function parseCycloneDxJson(
  source: AsyncIterable<Uint8Array>,
  limits: SbomLimits = DEFAULT_SBOM_LIMITS,
): Promise<SbomSummary> {
  const acc = new SbomAccumulator(limits);
  const issues = new IssueList();
  const header = {
    bomFormat: undefined as unknown,
    specVersion: undefined as unknown,
    serialNumber: null as string | null,
    version: null as number | null,
    created: null as string | null,
    tools: [] as string[],
  };
  let subject: SbomSubject | undefined;
  let vulnerabilities = 0;
  let services = 0;

  const component = (value: unknown, path: string, depth = 1): void => {
    if (depth > MAX_NESTING) {
      issues.add(path, `components are nested deeper than ${MAX_NESTING} levels`);
      return;
    }
    if (!isRecord(value)) {
      issues.add(path, `expected a component object, found ${typeName(value)}`);
      return;
    }
    acc.addComponent({
      name: value.name,
      version: value.version,
      purl: value.purl,
      type: value.type,
      group: value.group,
      licenses: jsonLicenseStatements(value.licenses),
    });
    const nested = value.components;
    if (nested === undefined) return;
    if (!Array.isArray(nested)) {
      issues.add(`${path}.components`, `expected an array, found ${typeName(nested)}`);
      return;
    }
    nested.forEach((child, i) => {
      component(child, `${path}.components[${i}]`, depth + 1);
    });
  };
  const countServices = (value: unknown, depth = 1): number =>
    isRecord(value) && Array.isArray(value.services) && depth < MAX_NESTING
      ? 1 + value.services.reduce((sum: number, child) => sum + countServices(child, depth + 1), 0)
      : 1;

  const { duplicateKeys } = await readJsonMembers(
    source,
    {
      member(key, value) {
        switch (key) {
          case 'bomFormat':
          case 'specVersion':
            header[key] = value;
            break;
          case 'serialNumber':
            header.serialNumber = acc.text(value);
            break;
          case 'version':
            header.version = typeof value === 'number' ? value : null;
            break;
          case 'metadata':
            if (!isRecord(value)) {
              issues.add('$.metadata', `expected an object, found ${typeName(value)}`);
              break;
            }
            header.created = acc.text(value.timestamp);
            header.tools = jsonToolNames(value.tools);
            if (isRecord(value.component)) subject = cycloneDxSubject(acc, value.component);
            break;
          case 'components':
          case 'dependencies':
          case 'services':
          case 'vulnerabilities':
            issues.add(`$.${key}`, `expected an array, found ${typeName(value)}`);
        }
      },
      element(key, value, index) {
        switch (key) {
          case 'components':
            component(value, `$.components[${index}]`);
            break;
          case 'dependencies':
            if (!isRecord(value)) {
              issues.add(
                `$.dependencies[${index}]`,
                `expected an object, found ${typeName(value)}`,
              );
            } else if (value.dependsOn !== undefined) {
              if (Array.isArray(value.dependsOn)) acc.dependencies += value.dependsOn.length;
              else
                issues.add(
                  `$.dependencies[${index}].dependsOn`,
                  `expected an array, found ${typeName(value.dependsOn)}`,
                );
            }
            break;
          case 'services':
            services += countServices(value);
            break;
          case 'vulnerabilities':
            vulnerabilities++;
        }
      },
    },
    { label: LABEL },
  );

  if (header.bomFormat === undefined)
    issues.add('$.bomFormat', 'missing; a CycloneDX BOM says "bomFormat": "CycloneDX"');
  else if (header.bomFormat !== 'CycloneDX')
    issues.add('$.bomFormat', `is ${JSON.stringify(header.bomFormat)}, not "CycloneDX"`);
  if (typeof header.specVersion !== 'string')
    issues.add(
      '$.specVersion',
      `expected a string such as "1.6", found ${typeName(header.specVersion)}`,
    );
  issues.throwIfAny(LABEL);

  const specVersion = header.specVersion as string;
  checkCycloneDxVersion(acc, specVersion);
  for (const key of duplicateKeys)
    acc.warn(`the top-level member "${key}" occurs more than once; all occurrences were counted`);
  return acc.finish(
    {
      format: 'cyclonedx',
      serialization: 'json',
      specVersion,
      serialNumber: header.serialNumber,
      bomVersion: header.version,
      created: header.created,
      tools: header.tools,
    },
    subject ? [subject] : [],
    { services, vulnerabilities },
  );
}

function cycloneDxSubject(acc: SbomAccumulator, component: Record<string, unknown>): SbomSubject {
  const hashes = Array.isArray(component.hashes)
    ? component.hashes.filter(isRecord).map((hash) => [hash.alg, hash.content] as const)
    : [];
  return subjectOf(acc, {
    id: component['bom-ref'],
    name: component.name,
    version: component.version,
    purl: component.purl,
    type: component.type,
    hashes,
  });
}

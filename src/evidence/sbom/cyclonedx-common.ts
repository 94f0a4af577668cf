import { isRecord } from './json-value.ts';
import type { LicenseStatement, SbomAccumulator } from './sbom-summary.ts';

/** The CycloneDX versions this parser was written against (1.7 reads as 1.6 plus new fields). */
const KNOWN_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);

export const MAX_TOOLS = 100;

export function checkCycloneDxVersion(accumulator: SbomAccumulator, version: string | null): void {
  if (version === null || KNOWN_VERSIONS.has(version)) return;
  const [major, minor] = version.split('.').map(Number);
  const older = major === 1 && minor !== undefined && minor < 2;
  accumulator.warn(
    older
      ? `CycloneDX ${version} is older than 1.2, the oldest version read here; read with 1.2 rules`
      : `CycloneDX ${version} is not a version this parser knows (1.2 to 1.7); read with 1.6 rules`,
  );
}

/** A JSON component's `licenses`: `[{ license: { id | name } }, { expression }]`. */
export function jsonLicenseStatements(licenses: unknown): LicenseStatement[] {
  if (!Array.isArray(licenses)) return [];
  const statements: LicenseStatement[] = [];
  for (const choice of licenses) {
    if (!isRecord(choice)) continue;
    if (typeof choice.expression === 'string' && choice.expression.trim() !== '') {
      statements.push({ expression: choice.expression });
      continue;
    }
    const license = choice.license;
    if (!isRecord(license)) continue;
    if (typeof license.id === 'string' && license.id.trim() !== '')
      statements.push({ expression: license.id });
    else if (typeof license.name === 'string' && license.name.trim() !== '')
      statements.push({ name: license.name.trim() });
  }
  return statements;
}

/**
 * `metadata.tools`: an array of `{ vendor, name, version }` up to 1.4, an object of
 * `{ components, services }` from 1.5 on.
 */
export function jsonToolNames(tools: unknown): string[] {
  const list = Array.isArray(tools)
    ? tools
    : isRecord(tools)
      ? [
          ...(Array.isArray(tools.components) ? tools.components : []),
          ...(Array.isArray(tools.services) ? tools.services : []),
        ]
      : [];
  const names: string[] = [];
  for (const tool of list.slice(0, MAX_TOOLS)) {
    if (!isRecord(tool)) continue;
    const name = toolName(tool.vendor ?? tool.group ?? tool.publisher, tool.name, tool.version);
    if (name) names.push(name);
  }
  return names;
}

export function toolName(vendor: unknown, name: unknown, version: unknown): string {
  return [vendor, name, version]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .map((part) => part.trim().slice(0, 200))
    .join(' ');
}

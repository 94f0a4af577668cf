import type { EvidenceFormat } from '../format.ts';
import { readJsonHead } from './json-head.ts';
import { readJsonMembers } from './json-members.ts';
import { IssueList, isRecord, typeName } from './json-value.ts';
import {
  DEFAULT_SBOM_LIMITS,
  type LicenseStatement,
  SbomAccumulator,
  type SbomLimits,
  type SbomSubject,
  type SbomSummary,
  subjectOf,
} from './sbom-summary.ts';

const LABEL = 'SPDX 3 JSON-LD';
const CONTEXT = /spdx\.org\/rdf\/3\./;
const KNOWN_VERSIONS = new Set(['3.0.0', '3.0.1']);

/** SPDX 3.0 Core RelationshipType values that are dependency edges. */
const DEPENDENCY_RELATIONSHIPS = new Set([
  'dependsOn',
  'hasOptionalDependency',
  'hasProvidedDependency',
]);
const LISTED_LICENSE = /^https?:\/\/spdx\.org\/licenses\/([A-Za-z0-9.+-]+)$/;
const NO_ASSERTION = /\/(?:NoAssertionLicense|NoAssertionElement)$/;
const NONE = /\/(?:NoneLicense|NoneElement)$/;

/** Packages held until the end so their licenses (separate elements) can be joined. */
const MAX_HELD_PACKAGES = 100_000;
const MAX_LICENSE_ELEMENTS = 100_000;
const MAX_LICENSES_PER_PACKAGE = 16;

export const spdx3JsonLd: EvidenceFormat = {
  id: 'spdx3-jsonld',
  kind: 'sbom',
  label: LABEL,
  detect(head) {
    const json = readJsonHead(head);
    if (!json?.keys.includes('@context')) return false;
    const context = json.strings.get('@context');
    if (context !== undefined) return CONTEXT.test(context);
    // An array of contexts: look for SPDX's in the first bytes.
    return CONTEXT.test(new TextDecoder('latin1').decode(head.subarray(0, 4096)));
  },
  parse: (source) => parseSpdx3JsonLd(source),
};

interface HeldPackage {
  id: string | undefined;
  name: unknown;
  version: unknown;
  purl: string | undefined;
  type: unknown;
  hashes: Array<readonly [unknown, unknown]>;
}

/**
 * Streams an SPDX 3 JSON-LD document's `@graph` one element at a time. Licenses and subjects
 * are separate elements joined by relationships, so packages (up to a bound) are held until the
 * end and joined then.
 */
export async function parseSpdx3JsonLd(
  source: AsyncIterable<Uint8Array>,
  limits: SbomLimits = DEFAULT_SBOM_LIMITS,
): Promise<SbomSummary> {
  const acc = new SbomAccumulator(limits);
  const issues = new IssueList();
  let context: unknown;
  let specVersion: string | null = null;
  let created: string | null = null;
  const tools: string[] = [];
  const held: HeldPackage[] = [];
  const documentRoots: string[] = [];
  const bomRoots = new Map<string, string[]>();
  const licenseExpressions = new Map<string, string>();
  const concluded = new Map<string, string[]>();
  const declared = new Map<string, string[]>();
  const fileSubjects = new Map<string, SbomSubject>();
  let files = 0;
  let relationships = 0;
  let packagesNotHeld = 0;

  const element = (value: unknown, path: string) => {
    if (!isRecord(value)) {
      issues.add(path, `expected an element object, found ${typeName(value)}`);
      return;
    }
    const type = value.type ?? value['@type'];
    const id = stringOf(value.spdxId ?? value['@id']);
    switch (type) {
      case 'CreationInfo':
        if (specVersion === null && typeof value.specVersion === 'string')
          specVersion = value.specVersion;
        created ??= acc.text(value.created);
        break;
      case 'Tool':
        if (typeof value.name === 'string' && tools.length < 100)
          tools.push(value.name.slice(0, 200));
        break;
      case 'SpdxDocument':
        documentRoots.push(...strings(value.rootElement));
        break;
      case 'software_Sbom':
      case 'Bom':
        if (id !== undefined) bomRoots.set(id, strings(value.rootElement));
        break;
      case 'software_Package': {
        const pkg: HeldPackage = {
          id,
          name: value.name,
          version: value.software_packageVersion,
          purl: packageUrl(value),
          type: value.software_primaryPurpose,
          hashes: hashesOf(value.verifiedUsing),
        };
        if (held.length < MAX_HELD_PACKAGES) held.push(pkg);
        else {
          packagesNotHeld++;
          acc.addComponent({ ...pkg, licenses: [] });
        }
        break;
      }
      case 'software_File':
        files++;
        if (id !== undefined && fileSubjects.size < limits.componentList)
          fileSubjects.set(
            id,
            subjectOf(acc, {
              id,
              name: value.name,
              type: 'file',
              hashes: hashesOf(value.verifiedUsing),
            }),
          );
        break;
      case 'simplelicensing_LicenseExpression':
        if (id !== undefined && typeof value.simplelicensing_licenseExpression === 'string')
          remember(id, value.simplelicensing_licenseExpression);
        break;
      case 'expandedlicensing_ListedLicense':
      case 'expandedlicensing_CustomLicense': {
        const listed = id === undefined ? undefined : LISTED_LICENSE.exec(id)?.[1];
        const name = listed ?? stringOf(value.name);
        if (id !== undefined && name !== undefined) remember(id, name);
        break;
      }
      case 'Relationship':
      case 'LifecycleScopedRelationship':
        relationship(value, path);
    }
  };
  const remember = (id: string, expression: string) => {
    if (licenseExpressions.size < MAX_LICENSE_ELEMENTS) licenseExpressions.set(id, expression);
  };
  const relationship = (value: Record<string, unknown>, path: string) => {
    const from = value.from;
    const type = value.relationshipType;
    if (typeof from !== 'string' || typeof type !== 'string' || !Array.isArray(value.to)) {
      issues.add(path, 'a Relationship needs from (a string), relationshipType and to (an array)');
      return;
    }
    relationships++;
    const to = strings(value.to);
    if (DEPENDENCY_RELATIONSHIPS.has(type)) acc.dependencies += to.length;
    const target =
      type === 'hasConcludedLicense'
        ? concluded
        : type === 'hasDeclaredLicense'
          ? declared
          : undefined;
    if (target && (target.has(from) || target.size < MAX_HELD_PACKAGES))
      target.set(from, [...(target.get(from) ?? []), ...to].slice(0, MAX_LICENSES_PER_PACKAGE));
  };

  await readJsonMembers(
    source,
    {
      member(key, value) {
        if (key === '@context') context = value;
        else if (key === '@graph')
          issues.add('$["@graph"]', `expected an array, found ${typeName(value)}`);
      },
      element(key, value, index) {
        if (key === '@graph') element(value, `$["@graph"][${index}]`);
      },
    },
    { label: LABEL },
  );

  const contexts = Array.isArray(context) ? context : [context];
  if (!contexts.some((c) => typeof c === 'string' && CONTEXT.test(c)))
    issues.add('$["@context"]', 'does not name the SPDX 3 context (https://spdx.org/rdf/3.0.x/…)');
  issues.throwIfAny(LABEL);
  if (specVersion !== null && !KNOWN_VERSIONS.has(specVersion))
    acc.warn(`SPDX ${specVersion} is not a version this parser knows (3.0.0, 3.0.1)`);
  if (packagesNotHeld > 0)
    acc.warn(
      `licenses are counted for the first ${MAX_HELD_PACKAGES} packages only; ${packagesNotHeld} more counted without them`,
    );

  const licensesOf = (id: string | undefined): LicenseStatement[] => {
    if (id === undefined) return [];
    const resolve = (refs: string[] | undefined) =>
      (refs ?? [])
        .map((ref) => licenseText(ref, licenseExpressions))
        .filter((e) => e !== undefined);
    const fromConcluded = resolve(concluded.get(id));
    const chosen = fromConcluded.some((e) => e !== 'NOASSERTION')
      ? fromConcluded
      : resolve(declared.get(id)).length > 0
        ? resolve(declared.get(id))
        : fromConcluded;
    return chosen.map((expression) => ({ expression }));
  };
  const packageSubjects = new Map<string, SbomSubject>();
  for (const pkg of held) {
    acc.addComponent({ ...pkg, licenses: licensesOf(pkg.id) });
    if (pkg.id !== undefined && packageSubjects.size < limits.componentList)
      packageSubjects.set(pkg.id, subjectOf(acc, pkg));
  }

  // SpdxDocument.rootElement names the BOM; the BOM's rootElement names what it describes.
  const rootIds = [...new Set(documentRoots.flatMap((root) => bomRoots.get(root) ?? [root]))];
  const subjects = rootIds.slice(0, 1000).map(
    (id) =>
      packageSubjects.get(id) ??
      fileSubjects.get(id) ?? {
        id,
        name: null,
        version: null,
        purl: null,
        type: null,
        hashes: {},
      },
  );
  return acc.finish(
    { format: 'spdx', serialization: 'json-ld', specVersion, created, tools },
    subjects,
    { files, relationships },
  );
}

function licenseText(ref: string, expressions: ReadonlyMap<string, string>): string | undefined {
  const known = expressions.get(ref);
  if (known !== undefined) return known;
  if (NO_ASSERTION.test(ref)) return 'NOASSERTION';
  if (NONE.test(ref)) return 'NONE';
  return LISTED_LICENSE.exec(ref)?.[1];
}

/** `software_packageUrl`, or an ExternalIdentifier of type packageUrl. */
function packageUrl(pkg: Record<string, unknown>): string | undefined {
  if (typeof pkg.software_packageUrl === 'string') return pkg.software_packageUrl;
  if (!Array.isArray(pkg.externalIdentifier)) return undefined;
  for (const identifier of pkg.externalIdentifier)
    if (
      isRecord(identifier) &&
      identifier.externalIdentifierType === 'packageUrl' &&
      typeof identifier.identifier === 'string'
    )
      return identifier.identifier;
  return undefined;
}

function hashesOf(verifiedUsing: unknown): Array<readonly [unknown, unknown]> {
  if (!Array.isArray(verifiedUsing)) return [];
  return verifiedUsing
    .filter((method) => isRecord(method) && method.type === 'Hash')
    .map(
      (hash) =>
        [
          (hash as Record<string, unknown>).algorithm,
          (hash as Record<string, unknown>).hashValue,
        ] as const,
    );
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

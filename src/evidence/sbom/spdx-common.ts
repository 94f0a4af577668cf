import {
  type LicenseStatement,
  type SbomAccumulator,
  type SbomSubject,
  subjectOf,
} from './sbom-summary.ts';

/**
 * SPDX 2.3 §11.1 relationship types that are dependency edges between elements. Linking
 * (STATIC_LINK, DYNAMIC_LINK), containment and build-artifact relations are not counted.
 */
const DEPENDENCY_RELATIONSHIPS = new Set([
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'BUILD_DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
]);

export function isDependencyRelationship(type: string): boolean {
  return DEPENDENCY_RELATIONSHIPS.has(type);
}

const KNOWN_VERSIONS = new Set(['2.2', '2.3']);

/** `SPDX-2.3` → `2.3`; warns when the version is not one this parser was written for. */
export function spdxVersionNumber(accumulator: SbomAccumulator, declared: string): string {
  const version = declared.replace(/^SPDX-/, '');
  if (!KNOWN_VERSIONS.has(version))
    accumulator.warn(`SPDX version "${declared}" is not 2.2 or 2.3; read with SPDX 2.3 rules`);
  return version;
}

/** Package fields that SPDX 2.3 added (SPDX 2.3 Annex I); a 2.2 document should not carry them. */
const FIELDS_NEW_IN_2_3 = new Set([
  'primaryPackagePurpose',
  'releaseDate',
  'builtDate',
  'validUntilDate',
]);

/** Notes SPDX 2.3 package fields in a document that declares SPDX-2.2, for one warning. */
export class NewerFieldCheck {
  readonly #seen = new Map<string, string>();

  see(field: string, path: string): void {
    if (FIELDS_NEW_IN_2_3.has(field) && !this.#seen.has(field)) this.#seen.set(field, path);
  }

  /** SPDX 2.2 required licenseConcluded on every package; 2.3 made it optional. */
  seeMissingConcluded(path: string): void {
    if (!this.#seen.has('licenseConcluded omitted'))
      this.#seen.set('licenseConcluded omitted', path);
  }

  report(accumulator: SbomAccumulator, declared: string): void {
    if (declared !== 'SPDX-2.2' || this.#seen.size === 0) return;
    const uses = [...this.#seen].map(([field, path]) => `${field} (${path})`).join(', ');
    accumulator.warn(`declares ${declared} but follows SPDX 2.3: ${uses}`);
  }
}

export interface SpdxPackage {
  spdxId: string | undefined;
  name: unknown;
  version: unknown;
  purl: string | undefined;
  purpose: string | undefined;
  concluded: string | undefined;
  declared: string | undefined;
  checksums: Array<readonly [unknown, unknown]>;
}

/**
 * The license a package is counted under: the concluded license where the document concludes
 * one, else the declared license (syft, for one, concludes NOASSERTION and declares the
 * package's license). NOASSERTION only when neither says more.
 */
export function effectiveLicense(pkg: SpdxPackage): LicenseStatement[] {
  const asserted = (value: string | undefined) =>
    value !== undefined && value.trim() !== '' && value.trim() !== 'NOASSERTION';
  if (asserted(pkg.concluded)) return [{ expression: pkg.concluded as string }];
  if (asserted(pkg.declared)) return [{ expression: pkg.declared as string }];
  if (pkg.concluded !== undefined || pkg.declared !== undefined)
    return [{ expression: 'NOASSERTION' }];
  return [];
}

const MAX_SUBJECTS = 1000;

/**
 * Resolves what the document describes (DESCRIBES relationships, `documentDescribes`,
 * DESCRIBED_BY) to packages and files, whichever comes first in the stream. Elements seen
 * before we know they are described are remembered in a bounded lookup.
 */
export class SpdxSubjects {
  readonly #accumulator: SbomAccumulator;
  readonly #described: string[] = [];
  readonly #describedIds = new Set<string>();
  readonly #resolved = new Map<string, SbomSubject>();
  readonly #lookup = new Map<string, SbomSubject>();
  readonly #lookupLimit: number;
  documentId = 'SPDXRef-DOCUMENT';

  constructor(accumulator: SbomAccumulator) {
    this.#accumulator = accumulator;
    this.#lookupLimit = accumulator.limits.componentList;
  }

  describe(id: unknown): void {
    if (typeof id !== 'string' || this.#describedIds.has(id)) return;
    if (this.#described.length >= MAX_SUBJECTS) return;
    this.#described.push(id);
    this.#describedIds.add(id);
    const known = this.#lookup.get(id);
    if (known) this.#resolved.set(id, known);
  }

  relationship(from: string, type: string, to: string): void {
    if (type === 'DESCRIBES' && from === this.documentId) this.describe(to);
    else if (type === 'DESCRIBED_BY' && to === this.documentId) this.describe(from);
  }

  element(id: string | undefined, fields: Parameters<typeof subjectOf>[1]): void {
    if (id === undefined) return;
    const described = this.#describedIds.has(id);
    if (!described && this.#lookup.size >= this.#lookupLimit) return;
    const subject = subjectOf(this.#accumulator, { id, ...fields });
    if (described) this.#resolved.set(id, subject);
    else this.#lookup.set(id, subject);
  }

  list(): SbomSubject[] {
    return this.#described.map(
      (id) =>
        this.#resolved.get(id) ??
        this.#lookup.get(id) ?? {
          id,
          name: null,
          version: null,
          purl: null,
          type: null,
          hashes: {},
        },
    );
  }
}

/** Counts one SPDX 2 package and offers it as a possible subject. */
export function addSpdxPackage(
  accumulator: SbomAccumulator,
  subjects: SpdxSubjects,
  pkg: SpdxPackage,
): void {
  const type = pkg.purpose?.toLowerCase();
  accumulator.addComponent({
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    type,
    licenses: effectiveLicense(pkg),
  });
  subjects.element(pkg.spdxId, {
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    type,
    hashes: pkg.checksums,
  });
}

/** `Tool: syft-1.6.0` creators name the producing tools; people and organizations are not tools. */
export function creatorTools(creators: readonly string[]): string[] {
  return creators
    .filter((creator) => /^Tool:/i.test(creator))
    .slice(0, 100)
    .map((creator) => creator.replace(/^Tool:\s*/i, '').slice(0, 200));
}

import type { EvidenceSummary } from '../format.ts';
import { type LicenseExpression, parseLicenseExpression } from './license-expression.ts';
import { SPDX_LICENSE_IDS } from './spdx-license-list.ts';

/** One license statement as a BOM writes it: an SPDX expression (or id), or a free-text name. */
export type LicenseStatement = { expression: string } | { name: string };

export interface ComponentInput {
  name: unknown;
  version?: unknown;
  purl?: unknown;
  type?: unknown;
  group?: unknown;
  licenses: readonly LicenseStatement[];
}

/** What the SBOM describes: CycloneDX `metadata.component`, SPDX's described packages. */
export interface SbomSubject {
  /** `bom-ref` or SPDX id, when the document gives one. */
  id: string | null;
  name: string | null;
  version: string | null;
  purl: string | null;
  type: string | null;
  /** Lower-case algorithm (`sha256`, `sha3-256`) → hex digest. */
  hashes: Record<string, string>;
}

export interface ComponentEntry {
  name: string | null;
  version: string | null;
  purl: string | null;
  type: string | null;
  group?: string;
  /** Canonical SPDX expressions, license names, or NOASSERTION / NONE. */
  licenses: string[];
}

export interface LicenseCounts {
  /** Components (CycloneDX: license entries) per canonical SPDX expression. */
  expressions: Record<string, number>;
  /** CycloneDX licenses given only by a name that is not an SPDX id. */
  names: Record<string, number>;
  /** SPDX NOASSERTION: no claim made. */
  noAssertion: number;
  /** SPDX NONE: declared to have no license. */
  none: number;
  /** Components that state no license at all. */
  unstated: number;
  /** Counted, but beyond the cap on distinct expressions and names. */
  other: number;
  /** Ids used in expressions that are not on the SPDX License List (the first 100). */
  unknownIds: string[];
}

export interface SbomSummary extends EvidenceSummary {
  format: 'cyclonedx' | 'spdx';
  serialization: 'json' | 'xml' | 'tag-value' | 'json-ld';
  specVersion: string | null;
  subject: SbomSubject | null;
  subjects: SbomSubject[];
  components: number;
  dependencies: number;
  purls: number;
  purlList: string[];
  purlListOmitted: number;
  licenses: LicenseCounts;
  componentList: ComponentEntry[];
  componentListOmitted: number;
  warnings: string[];
}

export interface SbomLimits {
  componentList: number;
  purlList: number;
  /** Distinct license expressions and names counted by name (the rest count as `other`). */
  distinctLicenses: number;
  /** Longest string kept from the document, in characters. */
  stringLength: number;
  warnings: number;
}

export const DEFAULT_SBOM_LIMITS: SbomLimits = {
  componentList: 20_000,
  purlList: 20_000,
  distinctLicenses: 10_000,
  stringLength: 4 * 1024, // 4 Ki characters
  warnings: 100,
};

const EXPRESSION_CACHE_SIZE = 10_000;
const MAX_UNKNOWN_IDS = 100;

/**
 * Gathers an SBOM's figures as components stream past, with every list bounded, so a 200 MB
 * file yields a summary of bounded size. Each format feeds it and adds its own header fields.
 */
export class SbomAccumulator {
  readonly limits: SbomLimits;
  components = 0;
  dependencies = 0;
  purls = 0;
  readonly purlList: string[] = [];
  readonly componentList: ComponentEntry[] = [];
  readonly #expressions = new Map<string, number>();
  readonly #names = new Map<string, number>();
  readonly #licenses: LicenseCounts = {
    expressions: {},
    names: {},
    noAssertion: 0,
    none: 0,
    unstated: 0,
    other: 0,
    unknownIds: [],
  };
  readonly #parsed = new Map<string, LicenseExpression>();
  /** Unknown license ids → the first component that used one, for the warning. */
  readonly #unknownIds = new Map<string, string>();
  readonly #invalidExpressions = new Map<string, string>();
  readonly #warnings: string[] = [];
  #warningsDropped = 0;
  #cutStrings = 0;
  #unnamed = 0;

  constructor(limits: SbomLimits = DEFAULT_SBOM_LIMITS) {
    this.limits = limits;
  }

  warn(message: string): void {
    if (this.#warnings.includes(message)) return;
    if (this.#warnings.length < this.limits.warnings) this.#warnings.push(message);
    else this.#warningsDropped++;
  }

  /** A string from the document, cut to the limit; null when it is not a non-empty string. */
  text(value: unknown): string | null {
    if (typeof value !== 'string' || value === '') return null;
    if (value.length <= this.limits.stringLength) return value;
    this.#cutStrings++;
    return `${value.slice(0, this.limits.stringLength)}…`;
  }

  addComponent(input: ComponentInput): void {
    this.components++;
    const name = this.text(input.name);
    if (name === null) this.#unnamed++;
    const version = this.text(input.version);
    const purl = this.text(input.purl);
    if (purl !== null) {
      this.purls++;
      if (this.purlList.length < this.limits.purlList) this.purlList.push(purl);
    }
    const licenses = this.#countLicenses(input.licenses, name, version);
    if (this.componentList.length < this.limits.componentList) {
      const entry: ComponentEntry = {
        name,
        version,
        purl,
        type: this.text(input.type),
        licenses,
      };
      const group = this.text(input.group);
      if (group !== null) entry.group = group;
      this.componentList.push(entry);
    }
  }

  #countLicenses(
    statements: readonly LicenseStatement[],
    name: string | null,
    version: string | null,
  ): string[] {
    const counts = this.#licenses;
    if (statements.length === 0) {
      counts.unstated++;
      return [];
    }
    const found: string[] = [];
    for (const statement of statements) {
      if ('name' in statement) {
        // A name that is exactly a License List id is that id (CycloneDX producers often put
        // `MIT` in license.name).
        const id = SPDX_LICENSE_IDS.get(statement.name.trim().toLowerCase());
        if (id !== undefined) found.push(this.#count(this.#expressions, id));
        else found.push(this.#count(this.#names, this.text(statement.name) ?? ''));
        continue;
      }
      const parsed = this.#parse(statement.expression);
      switch (parsed.kind) {
        case 'noAssertion':
          counts.noAssertion++;
          found.push('NOASSERTION');
          break;
        case 'none':
          counts.none++;
          found.push('NONE');
          break;
        case 'invalid': {
          const text = this.text(statement.expression) ?? '';
          if (!this.#invalidExpressions.has(text) && this.#invalidExpressions.size < 100)
            this.#invalidExpressions.set(text, `${parsed.reason} (${describe(name, version)})`);
          found.push(this.#count(this.#names, text));
          break;
        }
        case 'expression':
          for (const id of parsed.unknownIds)
            if (!this.#unknownIds.has(id) && this.#unknownIds.size < this.limits.distinctLicenses)
              this.#unknownIds.set(id, describe(name, version));
          found.push(this.#count(this.#expressions, parsed.expression));
      }
    }
    return found;
  }

  #parse(expression: string): LicenseExpression {
    const cached = this.#parsed.get(expression);
    if (cached) return cached;
    const parsed = parseLicenseExpression(expression);
    if (this.#parsed.size < EXPRESSION_CACHE_SIZE) this.#parsed.set(expression, parsed);
    return parsed;
  }

  #count(map: Map<string, number>, key: string): string {
    const seen = map.get(key);
    if (seen !== undefined) map.set(key, seen + 1);
    else if (this.#expressions.size + this.#names.size < this.limits.distinctLicenses)
      map.set(key, 1);
    else this.#licenses.other++;
    return key;
  }

  /** The summary's shared part; `header` holds the format's own fields, placed first. */
  finish(
    header: Record<string, unknown> & Pick<SbomSummary, 'format' | 'serialization' | 'specVersion'>,
    subjects: SbomSubject[],
    extra: Record<string, unknown> = {},
  ): SbomSummary {
    const limits = this.limits;
    if (this.#unnamed > 0)
      this.warn(`${this.#unnamed} component(s) have no name (the format requires one)`);
    for (const [id, where] of [...this.#unknownIds].slice(0, 20))
      this.warn(`license id "${id}" (${where}) is not on the SPDX License List`);
    if (this.#unknownIds.size > 20)
      this.warn(`${this.#unknownIds.size - 20} more license ids are not on the SPDX License List`);
    for (const [text, reason] of [...this.#invalidExpressions].slice(0, 20))
      this.warn(`license expression "${text}" is not a valid SPDX expression: ${reason}`);
    if (this.#licenses.other > 0)
      this.warn(
        `more than ${limits.distinctLicenses} distinct licenses: ${this.#licenses.other} license statements are counted only under licenses.other`,
      );
    const componentListOmitted = this.components - this.componentList.length;
    if (componentListOmitted > 0)
      this.warn(
        `componentList holds the first ${limits.componentList} of ${this.components} components; ${componentListOmitted} left out`,
      );
    const purlListOmitted = this.purls - this.purlList.length;
    if (purlListOmitted > 0)
      this.warn(
        `purlList holds the first ${limits.purlList} of ${this.purls} purls; ${purlListOmitted} left out`,
      );
    if (this.#cutStrings > 0)
      this.warn(
        `${this.#cutStrings} string(s) longer than ${limits.stringLength} characters were cut`,
      );
    const warnings = [...this.#warnings];
    if (this.#warningsDropped > 0) warnings.push(`${this.#warningsDropped} more warnings left out`);
    const licenses: LicenseCounts = {
      ...this.#licenses,
      expressions: Object.fromEntries(this.#expressions),
      names: Object.fromEntries(this.#names),
      unknownIds: [...this.#unknownIds.keys()].slice(0, MAX_UNKNOWN_IDS),
    };
    return {
      ...header,
      subject: subjects[0] ?? null,
      subjects,
      components: this.components,
      dependencies: this.dependencies,
      purls: this.purls,
      licenses,
      ...extra,
      purlList: this.purlList,
      purlListOmitted,
      componentList: this.componentList,
      componentListOmitted,
      warnings,
    };
  }
}

function describe(name: string | null, version: string | null): string {
  if (name === null) return 'a component without a name';
  return version === null ? `component ${name}` : `component ${name} ${version}`;
}

/** `SHA-256` (CycloneDX), `SHA256` (SPDX 2), `sha256` (SPDX 3) → `sha256`; `SHA3-256` → `sha3-256`. */
export function hashAlgorithm(alg: string): string {
  const lower = alg.trim().toLowerCase();
  const sha2 = /^sha-?(1|224|256|384|512)$/.exec(lower);
  return sha2 ? `sha${sha2[1]}` : lower;
}

/** The subject record, from fields a format has already picked out. */
export function subjectOf(
  accumulator: SbomAccumulator,
  fields: {
    id?: unknown;
    name?: unknown;
    version?: unknown;
    purl?: unknown;
    type?: unknown;
    hashes?: ReadonlyArray<readonly [unknown, unknown]>;
  },
): SbomSubject {
  const hashes: Record<string, string> = {};
  for (const [alg, value] of fields.hashes ?? [])
    if (typeof alg === 'string' && typeof value === 'string' && alg !== '' && alg !== '__proto__')
      hashes[hashAlgorithm(alg)] = accumulator.text(value) ?? '';
  return {
    id: accumulator.text(fields.id),
    name: accumulator.text(fields.name),
    version: accumulator.text(fields.version),
    purl: accumulator.text(fields.purl),
    type: accumulator.text(fields.type),
    hashes,
  };
}

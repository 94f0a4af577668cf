import { EVIDENCE_KINDS, type EvidenceKind } from '../evidence-record.ts';

/** The CEL type a summary field has once bound for a rule (see `toCelValue`). */
export type SummaryFieldType = 'int' | 'double' | 'bool' | 'string' | 'list' | 'map';

export interface SummaryField {
  type: SummaryFieldType;
  /** The parser may write null here (a coverage ratio when nothing was measured). */
  nullable?: true;
  /** Only some formats of the kind write it (JaCoCo's `instructions`, Trivy's `secrets`). */
  optional?: true;
}

export interface SummaryShape {
  /** Top-level fields a rule may read as `evidence.<kind>.<field>`. */
  fields: Readonly<Record<string, SummaryField>>;
  /**
   * A few words on what one summary says, for gate reasons and the risk narrative
   * (`412 tests, 0 failed`). Must not throw on odd summaries: fields may be missing.
   */
  describe(summary: Readonly<Record<string, unknown>>): string;
}

const int: SummaryField = { type: 'int' };
const double: SummaryField = { type: 'double' };
const ratio: SummaryField = { type: 'double', nullable: true };
const bool: SummaryField = { type: 'bool' };
const string: SummaryField = { type: 'string' };
const nullableString: SummaryField = { type: 'string', nullable: true };
const list: SummaryField = { type: 'list' };
const map: SummaryField = { type: 'map' };
const nullableMap: SummaryField = { type: 'map', nullable: true };
const optional = (field: SummaryField): SummaryField => ({ ...field, optional: true });

const NO_SUMMARY: SummaryShape = {
  fields: {},
  describe: () => 'submitted (no summary is read from this kind)',
};

/**
 * What each evidence kind's normalized summary holds at the top level, as written by the
 * parsers under `src/evidence/<kind>/`. Policy parsing rejects a rule that reads a field not
 * listed here (`evidence.junit.totl`), and gate evaluation checks the bound value against the
 * type before CEL sees it, so odd evidence fails a rule with a reason instead of throwing.
 * Kinds without a parser have no fields: a policy can require them, not read them.
 */
export const SUMMARY_FIELDS: Readonly<Record<EvidenceKind, SummaryShape>> = {
  junit: {
    fields: {
      tests: int,
      passed: int,
      failed: int,
      errored: int,
      skipped: int,
      flaky: int,
      durationSeconds: double,
      suites: int,
      declared: optional(map),
      cases: list,
      casesOmitted: int,
      properties: map,
      propertiesOmitted: int,
      warnings: list,
    },
    describe: (s) =>
      `${count(s.tests)} tests, ${count(s.failed)} failed, ${count(s.errored)} errored, ${count(s.skipped)} skipped`,
  },
  coverage: {
    fields: {
      format: string,
      lines: ratio,
      linesCovered: int,
      linesTotal: int,
      branches: ratio,
      branchesCovered: int,
      branchesTotal: int,
      functions: ratio,
      functionsCovered: int,
      functionsTotal: int,
      statements: optional(ratio),
      statementsCovered: optional(int),
      statementsTotal: optional(int),
      instructions: optional(ratio),
      instructionsCovered: optional(int),
      instructionsTotal: optional(int),
      unmeasured: list,
      fileCount: int,
      files: list,
      filesOmitted: int,
      warnings: list,
    },
    describe: (s) =>
      `line coverage ${percent(s.lines)}, branch coverage ${percent(s.branches)} over ${count(s.fileCount)} files`,
  },
  sarif: {
    fields: {
      version: nullableString,
      runs: int,
      tools: list,
      results: int,
      open: int,
      suppressed: int,
      error: int,
      warning: int,
      note: int,
      none: int,
      critical: int,
      high: int,
      medium: int,
      low: int,
      rules: list,
      rulesOmitted: int,
      findings: list,
      findingsOmitted: int,
      warnings: list,
    },
    describe: (s) =>
      `${count(s.open)} open static-analysis findings (${count(s.error)} errors; security: ${count(s.critical)} critical, ${count(s.high)} high)`,
  },
  sbom: {
    fields: {
      format: string,
      serialization: string,
      specVersion: nullableString,
      subject: nullableMap,
      subjects: list,
      components: int,
      dependencies: int,
      purls: int,
      purlList: list,
      purlListOmitted: int,
      licenses: map,
      componentList: list,
      componentListOmitted: int,
      warnings: list,
    },
    describe: (s) =>
      `a bill of materials listing ${count(s.components)} components (${count(s.purls)} with package URLs)`,
  },
  'vuln-scan': {
    fields: {
      scanner: optional(map),
      target: optional(nullableString),
      critical: int,
      high: int,
      medium: int,
      low: int,
      unknown: int,
      total: int,
      fixable: int,
      duplicates: int,
      vulnerabilities: list,
      vulnerabilitiesOmitted: int,
      suppressed: optional(int),
      misconfigurations: optional(map),
      secrets: optional(map),
      warnings: list,
    },
    describe: (s) =>
      `a vulnerability scan with ${count(s.total)} findings (${count(s.critical)} critical, ${count(s.high)} high)`,
  },
  vex: {
    fields: {
      format: string,
      specVersion: nullableString,
      total: int,
      notAffected: int,
      affected: int,
      fixed: int,
      underInvestigation: int,
      statements: list,
      statementsOmitted: int,
      productsOmitted: int,
      warnings: list,
    },
    describe: (s) =>
      `${count(s.total)} VEX statements (${count(s.affected)} affected, ${count(s.underInvestigation)} under investigation)`,
  },
  provenance: {
    fields: {
      verified: bool,
      signatures: map,
      statementCount: int,
      statementsOmitted: int,
      statements: list,
      subjects: list,
      subjectsOmitted: int,
      matchesArtifacts: map,
      predicateTypes: list,
      builderIds: list,
      warnings: list,
    },
    describe: (s) =>
      `build provenance, ${s.verified === true ? 'signature verified' : 'not verified'}`,
  },
  'legacy-record': {
    fields: {
      imported: bool,
      verified: bool,
      legacyReleaseId: string,
      product: string,
      version: string,
      gitSha: string,
      buildId: nullableString,
      artifactHash: nullableString,
      tests: map,
      approvals: list,
      deployments: list,
      warnings: list,
    },
    describe: () => 'a record imported from the legacy release system',
  },
  // Kept from webhooks (src/core/webhooks); uploaded files of these kinds have no summary.
  'pipeline-run': {
    fields: {
      source: string,
      event: string,
      pipeline: nullableString,
      runUrl: nullableString,
      conclusion: string,
      passed: bool,
    },
    describe: (s) =>
      `${typeof s.pipeline === 'string' ? s.pipeline : 'a pipeline run'} ended ${typeof s.conclusion === 'string' ? s.conclusion : 'with an unknown result'}`,
  },
  'test-run': {
    fields: { source: string, event: string, scope: string, outcome: string, passed: bool },
    describe: (s) =>
      `test ${typeof s.name === 'string' ? `"${s.name}"` : 'run'} ${typeof s.outcome === 'string' ? s.outcome : 'reported'}`,
  },
  artifact: {
    fields: { source: string, event: string, artifactId: nullableString, digest: nullableString },
    describe: (s) =>
      `artifact ${typeof s.artifactId === 'string' ? s.artifactId : ''} published`.replace(
        '  ',
        ' ',
      ),
  },
  deployment: NO_SUMMARY,
  'smoke-test': NO_SUMMARY,
  review: NO_SUMMARY,
  'rollback-plan': NO_SUMMARY,
  validation: NO_SUMMARY,
  custom: NO_SUMMARY,
};

/** `vuln-scan` → `vulnScan`: the name a kind has inside CEL, where `-` is subtraction. */
export function celKindName(kind: EvidenceKind): string {
  return kind.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

const KIND_BY_CEL_NAME: ReadonlyMap<string, EvidenceKind> = new Map(
  EVIDENCE_KINDS.map((kind) => [celKindName(kind), kind]),
);

export function kindFromCelName(name: string): EvidenceKind | undefined {
  return KIND_BY_CEL_NAME.get(name);
}

/** Whether `value` is what `field` declares; says what it found when it is not. */
export function fieldTypeProblem(field: SummaryField, value: unknown): string | undefined {
  if (value === null) return field.nullable ? undefined : `is null, expected ${field.type}`;
  const found = jsonTypeOf(value);
  const fits =
    field.type === 'int'
      ? typeof value === 'number' && Number.isSafeInteger(value)
      : field.type === 'double'
        ? typeof value === 'number' && Number.isFinite(value)
        : found === field.type;
  return fits ? undefined : `is ${preview(value)} (${found}), expected ${field.type}`;
}

export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'int' : 'double';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'map';
    default:
      return typeof value;
  }
}

function preview(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'a map';
  return String(value);
}

function count(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '?';
}

function percent(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? `${Math.round(value * 1000) / 10}%`
    : 'not measured';
}

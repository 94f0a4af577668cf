import { DossierError, type InputIssue } from '../../core/errors.ts';
import type { EvidenceSummary } from '../format.ts';

/** Covered of total: lines executed of lines instrumented, branches taken of branches, … */
export interface Tally {
  covered: number;
  total: number;
}

/** What every coverage summary reports, whether or not the format measures it. */
export const CORE_METRICS = ['lines', 'branches', 'functions'] as const;
/** What some formats report besides: Istanbul and Clover count statements, JaCoCo instructions. */
export type Metric = (typeof CORE_METRICS)[number] | 'statements' | 'instructions';
export type Figures = Partial<Record<Metric, Tally>>;

/**
 * Bounds on what a summary holds, so a 200 MB report cannot produce a 200 MB summary. Each
 * limit that bites leaves a count of what was left out and a warning.
 */
export const COVERAGE_LIMITS = {
  maxFiles: 100_000,
  maxTextLength: 4096, // characters, for paths and warnings
  maxWarnings: 100,
  maxIssues: 20, // problems collected before a malformed file is given up on
} as const;

export const ZERO: Tally = Object.freeze({ covered: 0, total: 0 });

export function tally(covered: number, total: number): Tally {
  return { covered, total };
}

export function addTally(into: Tally, more: Tally): void {
  into.covered += more.covered;
  into.total += more.total;
}

export function sameTally(a: Tally, b: Tally): boolean {
  return a.covered === b.covered && a.total === b.total;
}

/** `3 of 4`, for messages. */
export function describeTally(value: Tally): string {
  return `${value.covered} of ${value.total}`;
}

/** The covered share in 0..1, or null when nothing of the kind was measured. */
export function ratio(value: Tally): number | null {
  return value.total > 0 ? value.covered / value.total : null;
}

/**
 * A text fit to keep in a summary: at most COVERAGE_LIMITS.maxTextLength characters, and a
 * copy of its own. Strings cut from a larger one (a line of a 64 KiB chunk, an attribute
 * value) can share that larger string's memory in V8, so keeping one path per file would keep
 * every chunk of the input alive; JSON.parse always builds a fresh string.
 */
export function cut(text: string): string {
  const short =
    text.length > COVERAGE_LIMITS.maxTextLength
      ? `${text.slice(0, COVERAGE_LIMITS.maxTextLength - 1)}…`
      : text;
  return JSON.parse(JSON.stringify(short)) as string;
}

/** A short form of a path or value for inside a message. */
export function excerpt(text: string, length = 200): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** Warnings, bounded: past the limit only a count is kept. */
export class Warnings {
  #list: string[] = [];
  #omitted = 0;

  add(message: string): void {
    if (this.#list.length < COVERAGE_LIMITS.maxWarnings) this.#list.push(cut(message));
    else this.#omitted++;
  }

  toArray(): string[] {
    return this.#omitted === 0
      ? [...this.#list]
      : [...this.#list, `${this.#omitted} more warnings were left out`];
  }
}

/**
 * Problems that make a file malformed, collected in one pass so the error names them all
 * (STYLE §6). Gives up early once enough are found: random bytes should not be read to the end.
 */
export class Problems {
  readonly #format: string;
  #issues: InputIssue[] = [];

  constructor(format: string) {
    this.#format = format;
  }

  /** `path` says where (`line 12`, `$["a.js"].s["3"]`); empty for the file as a whole. */
  add(path: string, message: string): void {
    this.#issues.push({ path: cut(path), message: cut(message) });
    if (this.#issues.length >= COVERAGE_LIMITS.maxIssues) this.throw();
  }

  get count(): number {
    return this.#issues.length;
  }

  throwIfAny(): void {
    if (this.#issues.length > 0) this.throw();
  }

  throw(): never {
    throw malformed(this.#format, this.#issues);
  }
}

export function malformed(format: string, issues: InputIssue[]): DossierError {
  const [first] = issues;
  const head = first
    ? first.path
      ? `${first.path}: ${first.message}`
      : first.message
    : 'unreadable';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : '';
  return new DossierError('EVIDENCE_MALFORMED', `${format}: ${head}${more}`, { issues });
}

/**
 * Rethrows a failure from a shared reader (readXml, readLines) with the format's name in
 * front. Anything that is not a DossierError is a bug here, not a fault of the input: it
 * becomes INTERNAL rather than passing for a malformed file.
 */
export function withFormat(format: string, error: unknown): never {
  if (error instanceof DossierError) {
    if (error.message.startsWith(`${format}: `)) throw error;
    throw new DossierError(error.code, `${format}: ${error.message}`, {
      cause: error,
      issues: error.issues,
    });
  }
  throw new DossierError(
    'INTERNAL',
    `${format}: failed while reading: ${(error as Error)?.message}`,
    {
      cause: error,
    },
  );
}

interface ListedFile {
  path: string;
  figures: Figures;
}

/**
 * Collects per-file figures into the summary every coverage format returns: the totals a
 * policy tests at the top (`lines`, `linesCovered`, `linesTotal`, … for each metric), the
 * files (capped), `unmeasured` naming the metrics with nothing measured (their ratio is null,
 * never an invented 0), and warnings.
 */
export class CoverageReport {
  readonly warnings = new Warnings();
  readonly #format: string;
  readonly #metrics: readonly Metric[];
  readonly #totals = new Map<Metric, Tally>();
  #files: ListedFile[] = [];
  #fileCount = 0;
  #filesOmitted = 0;

  constructor(format: string, extraMetrics: readonly Metric[] = []) {
    this.#format = format;
    this.#metrics = [...CORE_METRICS, ...extraMetrics];
    for (const metric of this.#metrics) this.#totals.set(metric, tally(0, 0));
  }

  get fileCount(): number {
    return this.#fileCount;
  }

  /** The totals so far (sums of the per-file figures), to compare with a file's declared ones. */
  total(metric: Metric): Tally {
    return { ...(this.#totals.get(metric) ?? ZERO) };
  }

  addFile(path: string, figures: Figures): void {
    const checked = this.#check(path, figures);
    this.#count(checked, 1);
    if (this.#files.length < COVERAGE_LIMITS.maxFiles) {
      this.#files.push({ path: cut(path), figures: checked });
    } else {
      this.#filesOmitted++;
    }
  }

  /** Files counted in the totals but not listed (beyond the cap, or not itemized at all). */
  addUnlisted(figures: Figures, fileCount: number): void {
    this.#count(this.#check('(unlisted files)', figures), fileCount);
    this.#filesOmitted += fileCount;
  }

  toSummary(extra: Record<string, unknown> = {}): EvidenceSummary {
    const summary: EvidenceSummary = { format: this.#format, ...extra };
    const unmeasured: Metric[] = [];
    for (const metric of this.#metrics) {
      const total = this.#totals.get(metric) ?? ZERO;
      Object.assign(summary, metricFields(metric, total));
      if (total.total === 0) unmeasured.push(metric);
    }
    if (this.#filesOmitted > 0) {
      this.warnings.add(
        `${this.#filesOmitted} of ${this.#fileCount} files are counted in the totals but not listed (the list stops at ${COVERAGE_LIMITS.maxFiles})`,
      );
    }
    summary.unmeasured = unmeasured;
    summary.fileCount = this.#fileCount;
    summary.files = this.#files.map((file) => fileEntry(file, this.#metrics));
    summary.filesOmitted = this.#filesOmitted;
    summary.warnings = this.warnings.toArray();
    return summary;
  }

  #count(figures: Figures, files: number): void {
    this.#fileCount += files;
    for (const metric of this.#metrics) {
      const value = figures[metric];
      const into = this.#totals.get(metric);
      if (value && into) addTally(into, value);
    }
  }

  /** Keeps every figure a pair of non-negative integers with covered ≤ total. */
  #check(path: string, figures: Figures): Figures {
    const checked: Figures = {};
    for (const metric of this.#metrics) {
      const value = figures[metric];
      if (!value) continue;
      const total = Math.max(0, Math.floor(value.total));
      let covered = Math.max(0, Math.floor(value.covered));
      if (covered > total) {
        this.warnings.add(
          `${excerpt(path)}: ${covered} ${metric} covered of only ${total}; counted as ${total} of ${total}`,
        );
        covered = total;
      }
      checked[metric] = { covered, total };
    }
    return checked;
  }
}

/** A listed file: core metrics as a literal (one shape for every entry), extras after. */
function fileEntry(file: ListedFile, metrics: readonly Metric[]): Record<string, unknown> {
  const { lines = ZERO, branches = ZERO, functions = ZERO } = file.figures;
  const entry: Record<string, unknown> = {
    path: file.path,
    lines: ratio(lines),
    linesCovered: lines.covered,
    linesTotal: lines.total,
    branches: ratio(branches),
    branchesCovered: branches.covered,
    branchesTotal: branches.total,
    functions: ratio(functions),
    functionsCovered: functions.covered,
    functionsTotal: functions.total,
  };
  for (const metric of metrics) {
    if (!(CORE_METRICS as readonly string[]).includes(metric)) {
      Object.assign(entry, metricFields(metric, file.figures[metric] ?? ZERO));
    }
  }
  return entry;
}

function metricFields(metric: Metric, value: Tally): Record<string, number | null> {
  return {
    [metric]: ratio(value),
    [`${metric}Covered`]: value.covered,
    [`${metric}Total`]: value.total,
  };
}

/**
 * Where a file states its own totals (lcov LF/LH, Cobertura lines-valid, JaCoCo report
 * counters) and they disagree with the figures computed from its entries, the computed ones
 * stand and the disagreement becomes a warning naming both.
 */
export function checkDeclared(
  warnings: Warnings,
  where: string,
  metric: string,
  declared: Tally | undefined,
  computed: Tally,
  computedFrom: string,
): void {
  if (!declared || sameTally(declared, computed)) return;
  warnings.add(
    `${where} declares ${describeTally(declared)} ${metric} covered, but ${computedFrom} give ${describeTally(computed)}; the summary uses ${describeTally(computed)}`,
  );
}

/** Rates are often rounded (coverage.py keeps 4 digits, others 2), so only a real gap counts. */
const RATE_TOLERANCE = 0.0051;

export function checkDeclaredRate(
  warnings: Warnings,
  where: string,
  metric: string,
  declared: number | undefined,
  computed: Tally,
  computedFrom: string,
): void {
  const actual = ratio(computed);
  if (declared === undefined || actual === null) return;
  if (Math.abs(declared - actual) <= RATE_TOLERANCE) return;
  warnings.add(
    `${where} declares a ${metric} rate of ${declared}, but ${computedFrom} give ${describeTally(computed)} (${round(actual)}); the summary uses ${describeTally(computed)}`,
  );
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { readXml } from '../xml/read-xml.ts';
import {
  CoverageReport,
  checkDeclared,
  cut,
  type Figures,
  Problems,
  tally,
  withFormat,
} from './coverage-report.ts';
import { headText, rootTag } from './detect-xml.ts';
import { HitSet } from './hit-set.ts';
import { parseCount, parseNumber } from './numbers.ts';

const FORMAT = 'Clover XML';

/** Clover `<metrics>` attribute pairs and the summary metric each feeds. */
const METRIC_ATTRIBUTES = [
  ['statements', 'coveredstatements', 'statements'],
  ['conditionals', 'coveredconditionals', 'branches'],
  ['methods', 'coveredmethods', 'functions'],
] as const;

interface OpenFile {
  path: string;
  lines: HitSet;
  lineElements: number;
  /** From `<line>` entries, used where the file has no `<metrics>`. */
  fromLines: Required<Pick<Figures, 'statements' | 'branches' | 'functions'>>;
  metrics: Figures | undefined;
}

/**
 * Clover XML, as OpenClover, PHPUnit (--coverage-clover) and istanbul's clover reporter write
 * it. Lines come from each `<file>`'s `<line>` entries (statement and condition lines; method
 * lines are declarations); statements, branches (conditionals) and functions (methods) from
 * the file's `<metrics>`. The project's `<metrics>` are its own totals and are checked against
 * the sum of the files. `<testproject>` (coverage of the tests themselves) is left out.
 */
export const cloverXmlFormat: EvidenceFormat = {
  id: 'clover-xml',
  kind: 'coverage',
  label: 'Clover XML',
  detect(head) {
    const root = rootTag(head);
    if (root?.name !== 'coverage') return false;
    return /\sclover\s*=/.test(root.text) || /<project[\s>]/.test(headText(head));
  },
  async parse(source) {
    const reader = new CloverReader();
    try {
      await readXml(source, {
        open: (name, attributes, depth) => reader.open(name, attributes, depth),
        close: (name, depth) => reader.close(name, depth),
      });
    } catch (error) {
      withFormat(FORMAT, error);
    }
    return reader.finish();
  },
};

class CloverReader {
  readonly #report = new CoverageReport('clover-xml', ['statements']);
  readonly #problems = new Problems(FORMAT);
  readonly #stack: string[] = [];
  #projects = 0;
  #skipBelow = 0;
  #file: OpenFile | undefined;
  #declared: Figures | undefined;
  #filesWithoutLines = 0;
  #exampleWithoutLines = '';

  open(name: string, attributes: Readonly<Record<string, string>>, depth: number): void {
    const parent = this.#stack[this.#stack.length - 1];
    this.#stack.push(name);
    if (depth === 1) {
      if (name !== 'coverage')
        this.#problems.add(`<${name}>`, 'the root element is not <coverage>');
      return;
    }
    if (this.#skipBelow > 0) return;
    if (depth === 2 && name === 'testproject') {
      this.#skipBelow = depth;
      return;
    }
    switch (name) {
      case 'project':
        if (depth === 2) this.#projects++;
        return;
      case 'packages':
        if (depth === 2)
          this.#problems.add('coverage/packages', 'this is a Cobertura report, not Clover');
        return;
      case 'file':
        this.#openFile(attributes);
        return;
      case 'metrics':
        if (parent === 'file' && this.#file) this.#file.metrics = this.#metrics(attributes);
        else if (parent === 'project') this.#declared = this.#metrics(attributes);
        return;
      case 'line':
        if (parent === 'file') this.#line(attributes);
        return;
    }
  }

  close(name: string, depth: number): void {
    this.#stack.pop();
    if (this.#skipBelow > 0) {
      if (depth === this.#skipBelow) this.#skipBelow = 0;
      return;
    }
    if (name === 'file' && this.#file) {
      this.#closeFile(this.#file);
      this.#file = undefined;
    }
  }

  finish(): EvidenceSummary {
    if (this.#projects === 0) this.#problems.add('coverage', 'no <project> element');
    this.#problems.throwIfAny();
    const report = this.#report;
    if (report.fileCount === 0) report.warnings.add('the report lists no files');
    if (this.#filesWithoutLines > 0) {
      report.warnings.add(
        `${this.#filesWithoutLines} files count statements in their metrics but list no <line> entries (e.g. "${this.#exampleWithoutLines}"); their lines could not be counted`,
      );
    }
    for (const [, , metric] of METRIC_ATTRIBUTES) {
      checkDeclared(
        report.warnings,
        "the project's <metrics>",
        metric,
        this.#declared?.[metric],
        report.total(metric),
        'its files',
      );
    }
    return report.toSummary();
  }

  #openFile(attributes: Readonly<Record<string, string>>): void {
    const path = attributes.path || attributes.name || '';
    if (path === '') this.#problems.add('coverage/project/file', "missing 'path' and 'name'");
    this.#file = {
      path,
      lines: new HitSet(),
      lineElements: 0,
      fromLines: { statements: tally(0, 0), branches: tally(0, 0), functions: tally(0, 0) },
      metrics: undefined,
    };
  }

  #line(attributes: Readonly<Record<string, string>>): void {
    const file = this.#file;
    if (!file) return;
    const num = parseCount(attributes.num);
    const count = optionalNumber(attributes.count);
    const trueCount = optionalNumber(attributes.truecount);
    const falseCount = optionalNumber(attributes.falsecount);
    if (
      num === undefined ||
      count === undefined ||
      trueCount === undefined ||
      falseCount === undefined
    ) {
      this.#problems.add(
        `file ${file.path}, line ${attributes.num ?? '?'}`,
        'num must be a line number and count, truecount, falsecount numbers',
      );
      return;
    }
    file.lineElements++;
    const { fromLines } = file;
    switch (attributes.type) {
      case 'method':
        fromLines.functions.total++;
        if (count > 0) fromLines.functions.covered++;
        return;
      case 'cond':
        // OpenClover counts how often the condition was true and how often false: two
        // branches, each covered once seen.
        fromLines.branches.total += 2;
        fromLines.branches.covered += (trueCount > 0 ? 1 : 0) + (falseCount > 0 ? 1 : 0);
        file.lines.add(num, count > 0 || trueCount > 0 || falseCount > 0);
        return;
      default:
        fromLines.statements.total++;
        if (count > 0) fromLines.statements.covered++;
        file.lines.add(num, count > 0);
    }
  }

  #metrics(attributes: Readonly<Record<string, string>>): Figures {
    const figures: Figures = {};
    for (const [totalName, coveredName, metric] of METRIC_ATTRIBUTES) {
      if (attributes[totalName] === undefined && attributes[coveredName] === undefined) continue;
      const total = parseCount(attributes[totalName] ?? '0');
      const covered = parseCount(attributes[coveredName] ?? '0');
      if (total === undefined || covered === undefined) {
        this.#problems.add(
          this.#file ? `file ${this.#file.path}, <metrics>` : 'project <metrics>',
          `${totalName} and ${coveredName} must be counts`,
        );
        continue;
      }
      figures[metric] = tally(covered, total);
    }
    return figures;
  }

  #closeFile(file: OpenFile): void {
    const metrics = file.metrics ?? {};
    const statements = metrics.statements ?? file.fromLines.statements;
    if (file.lineElements === 0 && statements.total > 0) {
      this.#filesWithoutLines++;
      this.#exampleWithoutLines ||= cut(file.path);
    }
    this.#report.addFile(file.path, {
      lines: tally(file.lines.hits, file.lines.size),
      statements,
      branches: metrics.branches ?? file.fromLines.branches,
      functions: metrics.functions ?? file.fromLines.functions,
    });
  }
}

/** An absent attribute is 0; a present one must be a number. */
function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? 0 : parseNumber(text);
}

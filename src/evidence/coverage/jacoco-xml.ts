import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { readXml } from '../xml/read-xml.ts';
import {
  CoverageReport,
  checkDeclared,
  cut,
  type Figures,
  type Metric,
  Problems,
  type Tally,
  tally,
  withFormat,
} from './coverage-report.ts';
import { headText, rootTag } from './detect-xml.ts';
import { parseCount } from './numbers.ts';

const FORMAT = 'JaCoCo XML';

/** JaCoCo counter types and the summary metric each one feeds. */
const COUNTER_METRICS: Readonly<Record<string, Metric>> = {
  LINE: 'lines',
  BRANCH: 'branches',
  METHOD: 'functions',
  INSTRUCTION: 'instructions',
};

interface OpenSourceFile {
  path: string;
  lineElements: number;
  fromLines: { lines: Tally; branches: Tally; instructions: Tally };
  counters: Figures;
}

/**
 * JaCoCo's XML report (report.dtd, which is never loaded). Per `<sourcefile>`: lines,
 * branches and instructions from its `<line nr mi ci mb cb>` entries (a line counts as covered
 * when any of its instructions ran, as JaCoCo's LINE counter does), methods from its METHOD
 * counter. The report-level counters are the file's own totals and are checked against the
 * sum of the source files.
 */
export const jacocoXmlFormat: EvidenceFormat = {
  id: 'jacoco-xml',
  kind: 'coverage',
  label: 'JaCoCo XML',
  detect(head) {
    if (rootTag(head)?.name !== 'report') return false;
    return /-\/\/JACOCO\/\/DTD|<sessioninfo[\s/>]|<counter\s+type=|<package\s+name=/.test(
      headText(head),
    );
  },
  async parse(source) {
    const reader = new JacocoReader();
    try {
      await readXml(source, {
        open: (name, attributes, depth) => reader.open(name, attributes, depth),
        close: (name) => reader.close(name),
      });
    } catch (error) {
      withFormat(FORMAT, error);
    }
    return reader.finish();
  },
};

class JacocoReader {
  readonly #report = new CoverageReport('jacoco-xml', ['instructions']);
  readonly #problems = new Problems(FORMAT);
  readonly #stack: string[] = [];
  #reportName = '';
  #package = '';
  #packages = 0;
  #sourceFiles = 0;
  #file: OpenSourceFile | undefined;
  #declared: Figures = {};

  open(name: string, attributes: Readonly<Record<string, string>>, depth: number): void {
    const parent = this.#stack[this.#stack.length - 1];
    this.#stack.push(name);
    if (depth === 1) {
      if (name !== 'report') this.#problems.add(`<${name}>`, 'the root element is not <report>');
      this.#reportName = cut(attributes.name ?? '');
      return;
    }
    switch (name) {
      case 'package':
        this.#packages++;
        this.#package = attributes.name ?? '';
        return;
      case 'sourcefile':
        if (parent === 'package') this.#openSourceFile(attributes);
        return;
      case 'line':
        if (parent === 'sourcefile') this.#line(attributes);
        return;
      case 'counter':
        if (parent === 'sourcefile' && this.#file) this.#counter(attributes, this.#file.counters);
        else if (parent === 'report') this.#counter(attributes, this.#declared);
        return;
    }
  }

  close(name: string): void {
    this.#stack.pop();
    if (name === 'sourcefile' && this.#file) {
      this.#closeSourceFile(this.#file);
      this.#file = undefined;
    }
  }

  finish(): EvidenceSummary {
    this.#problems.throwIfAny();
    const report = this.#report;
    if (this.#sourceFiles === 0) {
      if (Object.keys(this.#declared).length > 0) {
        report.addUnlisted(this.#declared, 0);
        report.warnings.add(
          'the report has no <sourcefile> elements (classes compiled without debug information?); the totals are its report-level counters',
        );
      } else {
        report.warnings.add('the report lists no source files');
      }
    } else {
      for (const [type, metric] of Object.entries(COUNTER_METRICS)) {
        checkDeclared(
          report.warnings,
          `the report-level ${type} counter`,
          metric,
          this.#declared[metric],
          report.total(metric),
          'its source files',
        );
      }
    }
    return report.toSummary({ reportName: this.#reportName });
  }

  #openSourceFile(attributes: Readonly<Record<string, string>>): void {
    this.#sourceFiles++;
    const name = attributes.name ?? '';
    if (name === '') {
      this.#problems.add(`report/package[${this.#packages}]/sourcefile`, "missing 'name'");
    }
    this.#file = {
      path: this.#package ? `${this.#package}/${name}` : name,
      lineElements: 0,
      fromLines: { lines: tally(0, 0), branches: tally(0, 0), instructions: tally(0, 0) },
      counters: {},
    };
  }

  #line(attributes: Readonly<Record<string, string>>): void {
    const file = this.#file;
    if (!file) return;
    const [nr, mi, ci, mb, cb] = ['nr', 'mi', 'ci', 'mb', 'cb'].map((key) =>
      parseCount(attributes[key] ?? '0'),
    );
    if (
      nr === undefined ||
      mi === undefined ||
      ci === undefined ||
      mb === undefined ||
      cb === undefined
    ) {
      this.#problems.add(
        `sourcefile ${file.path}, line ${attributes.nr ?? '?'}`,
        'nr, mi, ci, mb and cb must be counts',
      );
      return;
    }
    file.lineElements++;
    const figures = file.fromLines;
    figures.lines.total++;
    if (ci > 0) figures.lines.covered++;
    figures.branches.covered += cb;
    figures.branches.total += cb + mb;
    figures.instructions.covered += ci;
    figures.instructions.total += ci + mi;
  }

  #counter(attributes: Readonly<Record<string, string>>, into: Figures): void {
    const metric = COUNTER_METRICS[attributes.type ?? ''];
    if (!metric) return;
    const missed = parseCount(attributes.missed);
    const covered = parseCount(attributes.covered);
    if (missed === undefined || covered === undefined) {
      const where = this.#file ? `sourcefile ${this.#file.path}` : 'report';
      this.#problems.add(
        `${where}, counter ${attributes.type}`,
        'missed and covered must be counts',
      );
      return;
    }
    into[metric] = tally(covered, covered + missed);
  }

  #closeSourceFile(file: OpenSourceFile): void {
    const figures: Figures = { functions: file.counters.functions ?? tally(0, 0) };
    if (file.lineElements > 0) {
      for (const metric of ['lines', 'branches', 'instructions'] as const) {
        figures[metric] = file.fromLines[metric];
        checkDeclared(
          this.#report.warnings,
          `sourcefile ${file.path}: its counter`,
          metric,
          file.counters[metric],
          file.fromLines[metric],
          'its <line> entries',
        );
      }
    } else {
      figures.lines = file.counters.lines ?? tally(0, 0);
      figures.branches = file.counters.branches ?? tally(0, 0);
      figures.instructions = file.counters.instructions ?? tally(0, 0);
    }
    this.#report.addFile(file.path, figures);
  }
}

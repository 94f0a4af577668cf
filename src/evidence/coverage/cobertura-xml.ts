import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { readXml } from '../xml/read-xml.ts';
import {
  addTally,
  CoverageReport,
  checkDeclared,
  checkDeclaredRate,
  cut,
  Problems,
  type Tally,
  tally,
  withFormat,
} from './coverage-report.ts';
import { headText, rootTag } from './detect-xml.ts';
import { HitSet, hashKey } from './hit-set.ts';
import { type MergeableRecord, MergedFiles } from './merged-files.ts';
import { parseCount, parseNumber } from './numbers.ts';

const FORMAT = 'Cobertura XML';
const MAX_SOURCES = 100;

interface CoberturaRecord {
  lines: HitSet;
  functions: HitSet;
  /** Conditions from `condition-coverage="50% (1/2)"`, summed per listed line. */
  branches: Tally;
}

const coberturaRecords: MergeableRecord<CoberturaRecord> = {
  merge(into, from) {
    into.lines.addAll(from.lines);
    into.functions.addAll(from.functions);
    into.branches.covered += from.branches.covered;
    into.branches.total += from.branches.total;
  },
  figures(record) {
    return {
      lines: tally(record.lines.hits, record.lines.size),
      branches: { ...record.branches },
      functions: tally(record.functions.hits, record.functions.size),
    };
  },
};

interface OpenClass {
  path: string;
  name: string;
  record: CoberturaRecord;
  classLines: number;
  /** Lines listed under methods; used only when the class lists none of its own (Swift). */
  methodLines: HitSet;
  methodBranches: Tally;
}

interface OpenMethod {
  key: number;
  hit: boolean;
}

/**
 * Cobertura XML (coverage-04.dtd) and the producers that write it: Cobertura itself,
 * coverage.py, gcovr, coverlet, istanbul, OpenCppCoverage, xccov converters. Lines are taken
 * from each class's `<lines>` (merged by `filename`, since a file holds several classes),
 * branches from `condition-coverage`, functions from `<method>`. The DOCTYPE many carry is
 * never loaded.
 */
export const coberturaXmlFormat: EvidenceFormat = {
  id: 'cobertura-xml',
  kind: 'coverage',
  label: 'Cobertura XML',
  detect(head) {
    const root = rootTag(head);
    if (root?.name !== 'coverage') return false;
    const text = headText(head);
    if (/<project[\s>]/.test(text) || /\sclover\s*=/.test(root.text)) return false;
    return (
      /<(?:packages|sources|package|class)[\s>/]/.test(text) || /\sline-rate\s*=/.test(root.text)
    );
  },
  async parse(source) {
    const reader = new CoberturaReader();
    try {
      await readXml(source, {
        open: (name, attributes, depth) => reader.open(name, attributes, depth),
        close: (name) => reader.close(name),
        text: (text) => reader.text(text),
      });
    } catch (error) {
      withFormat(FORMAT, error);
    }
    return reader.finish();
  },
};

class CoberturaReader {
  readonly #report = new CoverageReport('cobertura-xml');
  readonly #problems = new Problems(FORMAT);
  readonly #files = new MergedFiles(coberturaRecords);
  #root: Readonly<Record<string, string>> = {};
  #class: OpenClass | undefined;
  #method: OpenMethod | undefined;
  #packages = 0;
  #classesInPackage = 0;
  #classes = 0;
  #sources: string[] = [];
  #sourceText: string | undefined;
  #branchWithoutConditions = 0;

  open(name: string, attributes: Readonly<Record<string, string>>, depth: number): void {
    if (depth === 1) {
      if (name !== 'coverage')
        this.#problems.add(`<${name}>`, 'the root element is not <coverage>');
      this.#root = attributes;
      return;
    }
    switch (name) {
      case 'project':
        if (depth === 2)
          this.#problems.add('coverage/project', 'this is a Clover report, not Cobertura');
        return;
      case 'package':
        this.#packages++;
        this.#classesInPackage = 0;
        return;
      case 'class':
        this.#openClass(attributes);
        return;
      case 'method':
        this.#openMethod(attributes);
        return;
      case 'line':
        this.#line(attributes);
        return;
      case 'source':
        if (this.#sources.length < MAX_SOURCES) this.#sourceText = '';
        return;
    }
  }

  text(text: string): void {
    if (this.#sourceText !== undefined && this.#sourceText.length < 4096) this.#sourceText += text;
  }

  close(name: string): void {
    if (name === 'method' && this.#class && this.#method) {
      this.#class.record.functions.add(this.#method.key, this.#method.hit);
      this.#method = undefined;
    } else if (name === 'class' && this.#class) {
      this.#closeClass(this.#class);
      this.#class = undefined;
    } else if (name === 'source' && this.#sourceText !== undefined) {
      const trimmed = this.#sourceText.trim();
      if (trimmed) this.#sources.push(cut(trimmed));
      this.#sourceText = undefined;
    }
  }

  finish(): EvidenceSummary {
    this.#problems.throwIfAny();
    const report = this.#report;
    for (const [path, figures] of this.#files.files()) report.addFile(path, figures);
    const overflow = this.#files.overflow();
    if (overflow.records > 0) {
      report.addUnlisted(overflow.figures, overflow.records);
      report.warnings.add(
        `${overflow.records} classes of files beyond the first ${this.#files.size} were summed without merging by filename`,
      );
    }
    if (this.#classes === 0) report.warnings.add('the report lists no classes (source files)');
    if (this.#branchWithoutConditions > 0) {
      report.warnings.add(
        `${this.#branchWithoutConditions} lines say branch="true" without a condition-coverage figure; their branches were not counted`,
      );
    }
    this.#checkRoot();
    return report.toSummary({ sources: this.#sources });
  }

  #openClass(attributes: Readonly<Record<string, string>>): void {
    this.#classes++;
    this.#classesInPackage++;
    const path = attributes.filename ?? '';
    if (path === '') {
      this.#problems.add(
        `packages/package[${this.#packages}]/classes/class[${this.#classesInPackage}]`,
        "missing 'filename'",
      );
    }
    this.#class = {
      path,
      name: attributes.name ?? '',
      record: { lines: new HitSet(), functions: new HitSet(), branches: tally(0, 0) },
      classLines: 0,
      methodLines: new HitSet(),
      methodBranches: tally(0, 0),
    };
  }

  #closeClass(open: OpenClass): void {
    if (open.classLines === 0) {
      open.record.lines.addAll(open.methodLines);
      addTally(open.record.branches, open.methodBranches);
    }
    this.#files.add(open.path, open.record);
  }

  #openMethod(attributes: Readonly<Record<string, string>>): void {
    if (!this.#class) return;
    const name = attributes.name ?? '';
    const signature = attributes.signature ?? '';
    this.#method = {
      key: hashKey(`${this.#class.name}\u0000${name}\u0000${signature}`),
      hit:
        (parseNumber(attributes.hits) ?? 0) > 0 || (parseNumber(attributes['line-rate']) ?? 0) > 0,
    };
  }

  #line(attributes: Readonly<Record<string, string>>): void {
    const open = this.#class;
    if (!open) return;
    const line = parseCount(attributes.number);
    const hits = parseNumber(attributes.hits);
    if (line === undefined || hits === undefined) {
      this.#problems.add(
        `packages/package[${this.#packages}]/classes/class[${this.#classesInPackage}] (${open.path})`,
        `a <line> needs a line number and hits, found number="${attributes.number ?? ''}" hits="${attributes.hits ?? ''}"`,
      );
      return;
    }
    const hit = hits > 0;
    const branches = this.#conditions(attributes);
    if (this.#method) {
      if (hit) this.#method.hit = true;
      open.methodLines.add(line, hit);
      if (branches) addTally(open.methodBranches, branches);
    } else {
      open.classLines++;
      open.record.lines.add(line, hit);
      if (branches) addTally(open.record.branches, branches);
    }
  }

  #conditions(attributes: Readonly<Record<string, string>>): Tally | undefined {
    if (attributes.branch?.toLowerCase() !== 'true') return undefined;
    const match = /\((\d+)\/(\d+)\)/.exec(attributes['condition-coverage'] ?? '');
    if (!match) {
      this.#branchWithoutConditions++;
      return undefined;
    }
    return tally(Number(match[1]), Number(match[2]));
  }

  #checkRoot(): void {
    const root = this.#root;
    const warnings = this.#report.warnings;
    const where = 'the root <coverage>';
    const from = 'its lines';
    for (const [metric, covered, valid, rate] of [
      ['lines', 'lines-covered', 'lines-valid', 'line-rate'],
      ['branches', 'branches-covered', 'branches-valid', 'branch-rate'],
    ] as const) {
      const computed = this.#report.total(metric);
      const declaredCovered = this.#declaredCount(covered);
      const declaredValid = this.#declaredCount(valid);
      if (declaredCovered !== undefined || declaredValid !== undefined) {
        const declared = tally(
          declaredCovered ?? computed.covered,
          declaredValid ?? computed.total,
        );
        checkDeclared(warnings, where, metric, declared, computed, from);
      } else if (root[rate] !== undefined) {
        const declaredRate = parseNumber(root[rate]);
        if (declaredRate === undefined) {
          warnings.add(`${where} has ${rate}="${cut(root[rate])}", which is not a number`);
        }
        checkDeclaredRate(warnings, where, metric, declaredRate, computed, from);
      }
    }
  }

  #declaredCount(attribute: string): number | undefined {
    const text = this.#root[attribute];
    if (text === undefined) return undefined;
    const value = parseCount(text);
    if (value === undefined) {
      this.#report.warnings.add(
        `the root <coverage> has ${attribute}="${cut(text)}", which is not a count; ignored`,
      );
    }
    return value;
  }
}

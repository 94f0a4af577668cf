import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import {
  CoverageReport,
  checkDeclared,
  type Figures,
  type Metric,
  Problems,
  tally,
} from './coverage-report.ts';
import {
  isRecord,
  jsonObjectHead,
  jsonPath,
  MAX_ENTRY_BYTES,
  MAX_ENTRY_DEPTH,
} from './istanbul-json.ts';
import { readJsonEntries } from './json-entries.ts';

const FORMAT = 'Istanbul coverage-summary.json';
const METRICS: readonly Metric[] = ['lines', 'statements', 'functions', 'branches'];

/**
 * Istanbul's json-summary report (`coverage-summary.json`): a `total` entry and one entry per
 * file, each with `{ total, covered, skipped, pct }` for lines, statements, functions and
 * branches. The per-file figures are summed; `total` is the file's own statement of them and
 * is checked against that sum. Streamed entry by entry.
 */
export const istanbulSummaryJsonFormat: EvidenceFormat = {
  id: 'istanbul-summary-json',
  kind: 'coverage',
  label: 'Istanbul coverage-summary.json',
  detect(head) {
    const text = jsonObjectHead(head);
    if (text === undefined || /"statementMap"\s*:/.test(text)) return false;
    return /"(?:lines|statements)"\s*:\s*\{\s*"total"\s*:/.test(text) && /"pct"\s*:/.test(text);
  },
  async parse(source) {
    const reader = new SummaryReader();
    await readJsonEntries(
      source,
      (key, value, position) => reader.entry(key, value, position.line),
      {
        format: FORMAT,
        maxEntryBytes: MAX_ENTRY_BYTES,
        maxDepth: MAX_ENTRY_DEPTH,
      },
    );
    return reader.finish();
  },
};

class SummaryReader {
  readonly #report = new CoverageReport('istanbul-summary-json', ['statements']);
  readonly #problems = new Problems(FORMAT);
  #declared: Figures | undefined;

  entry(key: string, value: unknown, line: number): void {
    const figures = this.#figures(key, value, line);
    if (key === 'total') this.#declared = figures;
    else this.#report.addFile(key, figures);
  }

  finish(): EvidenceSummary {
    if (!this.#declared && this.#report.fileCount === 0) {
      this.#problems.add('$', 'holds neither a total nor any file');
    }
    this.#problems.throwIfAny();
    const report = this.#report;
    const declared = this.#declared;
    if (report.fileCount === 0 && declared) {
      report.addUnlisted(declared, 0);
      report.warnings.add('the summary lists no files, only its total');
    } else if (declared) {
      for (const metric of METRICS) {
        checkDeclared(
          report.warnings,
          '"total"',
          metric,
          declared[metric],
          report.total(metric),
          'its files',
        );
      }
    } else {
      report.warnings.add('the summary has no "total" entry');
    }
    return report.toSummary();
  }

  #figures(key: string, value: unknown, line: number): Figures {
    const figures: Figures = {};
    const problem = (path: string, message: string) =>
      this.#problems.add(`${path} (entry from line ${line})`, message);
    if (!isRecord(value)) {
      problem(jsonPath(key), 'is not an object');
      return figures;
    }
    for (const metric of METRICS) {
      const entry = value[metric];
      if (entry === undefined) continue;
      const total = isRecord(entry) ? entry.total : undefined;
      const covered = isRecord(entry) ? entry.covered : undefined;
      if (!isCount(total) || !isCount(covered)) {
        problem(jsonPath(key, metric), "needs counts 'total' and 'covered'");
        continue;
      }
      figures[metric] = tally(covered, total);
    }
    if (Object.keys(figures).length === 0)
      problem(jsonPath(key), 'has none of lines, statements, functions, branches');
    return figures;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

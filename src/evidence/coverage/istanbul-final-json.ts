import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { COVERAGE_LIMITS, CoverageReport, Problems, type Tally, tally } from './coverage-report.ts';
import {
  isRecord,
  jsonObjectHead,
  jsonPath,
  MAX_ENTRY_BYTES,
  MAX_ENTRY_DEPTH,
} from './istanbul-json.ts';
import { readJsonEntries } from './json-entries.ts';

const FORMAT = 'Istanbul coverage-final.json';

/**
 * Istanbul's raw coverage (`coverage-final.json`, from nyc, jest, vitest, c8): one entry per
 * source file with `statementMap`/`s`, `fnMap`/`f` and `branchMap`/`b`. Lines are derived
 * from statements as istanbul-lib-coverage's getLineCoverage does: a line's count is the
 * highest count of the statements starting on it. Entries are streamed one at a time, so
 * memory is bounded by the largest entry (at most MAX_ENTRY_BYTES), not the file.
 */
export const istanbulFinalJsonFormat: EvidenceFormat = {
  id: 'istanbul-final-json',
  kind: 'coverage',
  label: 'Istanbul coverage-final.json',
  detect(head) {
    const text = jsonObjectHead(head);
    return text !== undefined && /"statementMap"\s*:/.test(text);
  },
  async parse(source) {
    const reader = new FinalReader();
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

class FinalReader {
  readonly #report = new CoverageReport('istanbul-final-json', ['statements']);
  readonly #problems = new Problems(FORMAT);
  readonly #seen = new Set<string>();
  #entries = 0;
  #duplicates = 0;

  entry(key: string, value: unknown, line: number): void {
    this.#entries++;
    const problem = (path: string, message: string) =>
      this.#problems.add(`${path} (entry from line ${line})`, message);
    // Some writers serialize FileCoverage objects, which wrap the data in `data`.
    const data = isRecord(value) && isRecord(value.data) && !('s' in value) ? value.data : value;
    if (!isRecord(data)) {
      problem(jsonPath(key), 'is not an object');
      return;
    }
    const statementMap = data.statementMap;
    const counts = data.s;
    if (!isRecord(statementMap) || !isRecord(counts)) {
      problem(jsonPath(key), "needs the objects 'statementMap' and 's'");
      return;
    }
    const statements = tally(0, 0);
    const lineCounts = new Map<number, number>();
    for (const [id, count] of Object.entries(counts)) {
      if (!isCount(count)) {
        problem(jsonPath(key, 's', id), 'is not a count');
        continue;
      }
      statements.total++;
      if (count > 0) statements.covered++;
      const location = statementMap[id];
      if (location === undefined) continue; // getLineCoverage skips counts without a location
      const start = isRecord(location) ? location.start : undefined;
      const startLine = isRecord(start) ? start.line : undefined;
      if (typeof startLine !== 'number' || !Number.isSafeInteger(startLine)) {
        problem(jsonPath(key, 'statementMap', id, 'start', 'line'), 'is not a line number');
        continue;
      }
      const previous = lineCounts.get(startLine);
      if (previous === undefined || previous < count) lineCounts.set(startLine, count);
    }
    const lines = tally(0, lineCounts.size);
    for (const count of lineCounts.values()) if (count > 0) lines.covered++;
    const functions = this.#functions(key, data.f, problem);
    const branches = this.#branches(key, data.b, problem);
    const path = typeof data.path === 'string' && data.path !== '' ? data.path : key;
    if (this.#seen.has(key)) this.#duplicates++;
    else if (this.#seen.size < COVERAGE_LIMITS.maxFiles) this.#seen.add(key);
    this.#report.addFile(path, { lines, statements, functions, branches });
  }

  finish(): EvidenceSummary {
    this.#problems.throwIfAny();
    if (this.#entries === 0) this.#report.warnings.add('the report lists no files');
    if (this.#duplicates > 0) {
      this.#report.warnings.add(
        `${this.#duplicates} files appear more than once; each entry was counted`,
      );
    }
    return this.#report.toSummary();
  }

  #functions(
    key: string,
    counts: unknown,
    problem: (path: string, message: string) => void,
  ): Tally {
    const result = tally(0, 0);
    if (counts === undefined) return result;
    if (!isRecord(counts)) {
      problem(jsonPath(key, 'f'), 'is not an object');
      return result;
    }
    for (const [id, count] of Object.entries(counts)) {
      if (!isCount(count)) {
        problem(jsonPath(key, 'f', id), 'is not a count');
        continue;
      }
      result.total++;
      if (count > 0) result.covered++;
    }
    return result;
  }

  #branches(key: string, counts: unknown, problem: (path: string, message: string) => void): Tally {
    const result = tally(0, 0);
    if (counts === undefined) return result;
    if (!isRecord(counts)) {
      problem(jsonPath(key, 'b'), 'is not an object');
      return result;
    }
    for (const [id, paths] of Object.entries(counts)) {
      if (!Array.isArray(paths)) {
        problem(jsonPath(key, 'b', id), 'is not an array of counts');
        continue;
      }
      for (const count of paths) {
        if (!isCount(count)) {
          problem(jsonPath(key, 'b', id), 'holds something other than counts');
          break;
        }
        result.total++;
        if (count > 0) result.covered++;
      }
    }
    return result;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

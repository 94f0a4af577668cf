import {
  addTally,
  COVERAGE_LIMITS,
  cut,
  type Figures,
  type Metric,
  type Tally,
} from './coverage-report.ts';

export interface MergeableRecord<R> {
  /** Adds `from` into `into`; both describe the same source file. */
  merge(into: R, from: R): void;
  figures(record: R): Figures;
}

/**
 * Records of the same source file merged by path: lcov repeats a file once per test name,
 * Cobertura once per class. Up to COVERAGE_LIMITS.maxFiles paths are kept for merging (the
 * summary lists no more than that anyway); records of further paths go straight into a running
 * tally, and should one of those paths repeat it is counted again rather than merged.
 */
export class MergedFiles<R> {
  readonly #kind: MergeableRecord<R>;
  readonly #byPath = new Map<string, R>();
  readonly #overflow: Map<Metric, Tally> = new Map();
  #overflowRecords = 0;

  constructor(kind: MergeableRecord<R>) {
    this.#kind = kind;
  }

  add(path: string, record: R): void {
    const key = path.length > COVERAGE_LIMITS.maxTextLength ? cut(path) : path;
    const existing = this.#byPath.get(key);
    if (existing !== undefined) {
      this.#kind.merge(existing, record);
    } else if (this.#byPath.size < COVERAGE_LIMITS.maxFiles) {
      this.#byPath.set(cut(key), record);
    } else {
      this.#overflowRecords++;
      for (const [metric, value] of Object.entries(this.#kind.figures(record))) {
        const into = this.#overflow.get(metric as Metric) ?? { covered: 0, total: 0 };
        addTally(into, value);
        this.#overflow.set(metric as Metric, into);
      }
    }
  }

  get size(): number {
    return this.#byPath.size;
  }

  /** Each kept file with its merged figures, in the order the files first appeared. */
  *files(): Iterable<[string, Figures]> {
    for (const [path, record] of this.#byPath) yield [path, this.#kind.figures(record)];
  }

  /** Records beyond the cap: how many, and their summed figures. */
  overflow(): { records: number; figures: Figures } {
    return { records: this.#overflowRecords, figures: Object.fromEntries(this.#overflow) };
  }
}

/** What a benchmark is, for the runner in `run.ts`. Add one by appending to its BENCHMARKS list. */

export interface BenchContext {
  /** A temporary directory for this run; the runner removes it afterwards. */
  tempDir: string;
  /** A progress line on stderr (stdout carries only the results table). */
  progress(message: string): void;
}

/** One measured figure: every repetition's value; the runner adds median, min, max and ratio. */
export interface ResultRow {
  /** Stable key for the JSON output and for `baseline` references, e.g. `upload.large`. */
  id: string;
  /** What was measured, for people. */
  label: string;
  /** The input it was measured on: sizes, counts, concurrency. */
  workload: string;
  /** Unit of each value in `runs`, e.g. `MiB/s`, `files/s`, `MiB`. */
  unit: string;
  /** One value per repetition, in the order they ran. */
  runs: number[];
  /** Id of a row with the same unit measured in the same run: the table shows median / median. */
  baseline?: string;
  /** Anything the reader needs to interpret the figure. */
  note?: string;
}

export interface Benchmark {
  /** Short name; `npm run bench -- <name>…` runs only the named benchmarks. */
  name: string;
  run(context: BenchContext): Promise<ResultRow[]>;
}

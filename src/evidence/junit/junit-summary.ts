/** How one test case ended. A case that failed and then passed on a re-run counts as passed. */
export type CaseStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/** One `<testcase>` as a policy or a person reads it. */
export type JunitCase = {
  /** Name of the innermost `<testsuite>` holding the case ('' when it has none). */
  suite: string;
  /** The `classname` attribute ('' when absent). */
  className: string;
  name: string;
  status: CaseStatus;
  /** Seconds, or null when the file gives no usable time for the case. */
  timeSeconds: number | null;
  /** For failed, errored and skipped cases: the `message` attribute, else the first line of text. */
  message?: string;
  /** The `type` attribute of the failure or error (usually an exception class). */
  type?: string;
  /** Surefire `flakyFailure`/`flakyError`/`rerun*`: failed at least once, then passed. */
  flaky?: true;
};

/** What the root element declares about itself, where it does; compared with the cases. */
export type DeclaredTotals = {
  tests?: number;
  failures?: number;
  errors?: number;
  skipped?: number;
};

export type JunitSummary = {
  /** Test cases found; each `<testcase>` counts once, whatever it carries. */
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Passed cases that failed on an earlier attempt (included in `passed`). */
  flaky: number;
  /** Sum of case times; the root's (or the suites') time when no case has one. */
  durationSeconds: number;
  /** `<testsuite>` elements, at every level of nesting. */
  suites: number;
  /** The root's own totals, when it declares them. */
  declared?: DeclaredTotals;
  /** Failed and errored cases first, then the rest, each group in document order. */
  cases: JunitCase[];
  /** Cases counted in the totals but not listed in `cases` (the list is bounded). */
  casesOmitted: number;
  /** `<property>` name to value, from suites and cases; the first occurrence of a name wins. */
  properties: Record<string, string>;
  propertiesOmitted: number;
  warnings: string[];
};

/**
 * Bounds on what a summary keeps, so its size never follows the input's: a 200 MB report yields
 * totals over every case but a list of at most `maxCases` records.
 */
export type JunitLimits = {
  maxCases: number;
  /** Characters of text (names, messages, types) kept across all case records. */
  maxCaseTextChars: number;
  maxMessageChars: number;
  maxNameChars: number;
  maxProperties: number;
  maxPropertyValueChars: number;
};

export const JUNIT_LIMITS: JunitLimits = {
  maxCases: 100_000,
  maxCaseTextChars: 16 * 1024 * 1024, // 16 Mi characters
  maxMessageChars: 4 * 1024, // 4 KiB
  maxNameChars: 1024,
  maxProperties: 1_000,
  maxPropertyValueChars: 4 * 1024,
};

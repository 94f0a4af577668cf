import type { DeclaredTotals } from './junit-summary.ts';

/** What a suite (with its nested suites) was found to hold. */
export interface FoundTotals {
  tests: number;
  failed: number;
  errored: number;
  skipped: number;
}

const COUNT = /^\s*\d+\s*$/;

/** The totals an element claims; `skips` is pytest's old name, `disabled` counts as skipped. */
export function readDeclared(
  attributes: Readonly<Record<string, string>>,
): DeclaredTotals | undefined {
  const count = (raw: string | undefined) =>
    raw !== undefined && COUNT.test(raw) ? Number(raw) : undefined;
  const tests = count(attributes.tests);
  const failures = count(attributes.failures);
  const errors = count(attributes.errors);
  const skippedOnly = count(attributes.skipped) ?? count(attributes.skips);
  const disabled = count(attributes.disabled);
  const skipped =
    skippedOnly === undefined && disabled === undefined
      ? undefined
      : (skippedOnly ?? 0) + (disabled ?? 0);
  if (
    tests === undefined &&
    failures === undefined &&
    errors === undefined &&
    skipped === undefined
  ) {
    return undefined;
  }
  const declared: DeclaredTotals = {};
  if (tests !== undefined) declared.tests = tests;
  if (failures !== undefined) declared.failures = failures;
  if (errors !== undefined) declared.errors = errors;
  if (skipped !== undefined) declared.skipped = skipped;
  return declared;
}

export function declaredMismatch(declared: DeclaredTotals, found: FoundTotals): string | undefined {
  const parts: string[] = [];
  const compare = (label: string, claimed: number | undefined, actual: number) => {
    if (claimed !== undefined && claimed !== actual)
      parts.push(`${label}=${claimed} declared, ${actual} found`);
  };
  compare('tests', declared.tests, found.tests);
  compare('failures', declared.failures, found.failed);
  compare('errors', declared.errors, found.errored);
  compare('skipped', declared.skipped, found.skipped);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

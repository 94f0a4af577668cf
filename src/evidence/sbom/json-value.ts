import { DossierError, type InputIssue } from '../../core/errors.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** For messages: `a string`, `an array`, `null`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const MAX_ISSUES = 50;
const ISSUES_IN_MESSAGE = 5;

/**
 * Problems found in one pass over a document, each with its JSON path, reported together
 * (STYLE §6) as one EVIDENCE_MALFORMED error.
 */
export class IssueList {
  readonly #issues: InputIssue[] = [];
  #count = 0;

  add(path: string, message: string): void {
    this.#count++;
    if (this.#issues.length < MAX_ISSUES) this.#issues.push({ path, message });
  }

  /** Checks that `value` has the expected type, noting an issue when it does not. */
  expect(
    path: string,
    value: unknown,
    expected: 'string' | 'boolean' | 'array' | 'object',
  ): boolean {
    const ok =
      expected === 'array'
        ? Array.isArray(value)
        : expected === 'object'
          ? isRecord(value)
          : typeof value === expected;
    if (!ok) this.add(path, `expected ${article(expected)}, found ${typeName(value)}`);
    return ok;
  }

  get count(): number {
    return this.#count;
  }

  throwIfAny(label: string): void {
    if (this.#count === 0) return;
    const shown = this.#issues
      .slice(0, ISSUES_IN_MESSAGE)
      .map((issue) => `${issue.path}: ${issue.message}`);
    if (this.#count > ISSUES_IN_MESSAGE) shown.push(`and ${this.#count - ISSUES_IN_MESSAGE} more`);
    const problems = this.#count === 1 ? 'a problem' : `${this.#count} problems`;
    throw new DossierError('EVIDENCE_MALFORMED', `${label}: ${problems}: ${shown.join('; ')}`, {
      issues: [...this.#issues],
    });
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

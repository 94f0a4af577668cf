import { DossierError, type InputIssue } from '../../core/errors.ts';

/**
 * Bounds on what a summary may hold, so a 200 MB report cannot become a 200 MB summary: at
 * most 10,000 entries per list and 1 KiB per text (≈ 12 MB in the worst case), each cut
 * counted and reported.
 */
export const SUMMARY_LIMITS = {
  maxEntries: 10_000,
  maxTextChars: 1024,
  maxWarnings: 100,
  maxIssues: 100,
} as const;

/**
 * The text cut to `max` characters (never inside a surrogate pair), with `…` when cut, as a
 * string of its own: V8 keeps slices and concatenations as views of their source, and a
 * summary kept for long must not pin a whole document (or a streamed chunk) in memory through
 * a short excerpt of it.
 */
export function cut(text: string, max: number = SUMMARY_LIMITS.maxTextChars): string {
  if (text.length <= max) return detach(text);
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return detach(`${text.slice(0, end)}…`);
}

/** Flattening a concatenation copies it; the slice then refers to that copy alone. */
function detach(text: string): string {
  return `${text} `.slice(0, -1);
}

/** A list that keeps its first `limit` entries and counts the rest. */
export class BoundedList<T> {
  readonly items: T[] = [];
  omitted = 0;
  readonly #limit: number;

  constructor(limit: number = SUMMARY_LIMITS.maxEntries) {
    this.#limit = limit;
  }

  /** Whether the next entry would only be counted; lets a caller skip building it. */
  get isFull(): boolean {
    return this.items.length >= this.#limit;
  }

  push(item: T): void {
    if (this.items.length < this.#limit) this.items.push(item);
    else this.omitted++;
  }
}

/** Distinct warnings, at most `maxWarnings` of them, then one line saying how many more. */
export class Warnings {
  readonly #seen = new Set<string>();
  #dropped = 0;

  add(message: string): void {
    if (this.#seen.has(message)) return;
    if (this.#seen.size >= SUMMARY_LIMITS.maxWarnings) this.#dropped++;
    else this.#seen.add(message);
  }

  addAll(messages: readonly string[]): void {
    for (const message of messages) this.add(message);
  }

  list(): string[] {
    const out = [...this.#seen];
    if (this.#dropped > 0) out.push(`… and ${this.#dropped} more warnings not shown`);
    return out;
  }
}

/**
 * Structural problems found while walking a document. All of them are gathered in one pass and
 * thrown together (STYLE §6), each with its JSON path.
 */
export class Problems {
  readonly #label: string;
  readonly #issues: InputIssue[] = [];
  #count = 0;

  constructor(label: string) {
    this.#label = label;
  }

  add(path: string, message: string): void {
    this.#count++;
    if (this.#issues.length < SUMMARY_LIMITS.maxIssues) this.#issues.push({ path, message });
  }

  get count(): number {
    return this.#count;
  }

  throwIfAny(): void {
    if (this.#count > 0) throw this.#error();
  }

  /** Adds a problem that leaves nothing to summarize, and throws with everything found so far. */
  fail(path: string, message: string): never {
    this.add(path, message);
    throw this.#error();
  }

  #error(): DossierError {
    const shown = this.#issues
      .slice(0, 5)
      .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
      .join('; ');
    const more = this.#count > 5 ? ` (and ${this.#count - 5} more problems)` : '';
    return new DossierError('EVIDENCE_MALFORMED', `${this.#label}: ${shown}${more}`, {
      issues: [...this.#issues],
    });
  }
}

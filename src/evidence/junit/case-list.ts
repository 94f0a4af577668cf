import type { CaseStatus, JunitCase } from './junit-summary.ts';
import { cut, ownCopy } from './strings.ts';

/** A case as the reader hands it over; the list copies what it keeps. */
export interface CaseDraft {
  suite: string;
  className: string;
  name: string;
  status: CaseStatus;
  timeSeconds: number | null;
  message: string | undefined;
  type: string | undefined;
  flaky: boolean;
}

export interface CaseListLimits {
  maxCases: number;
  /** Characters of names, messages and types kept across all cases. */
  maxTextChars: number;
  maxNameChars: number;
  maxMessageChars: number;
}

/** How many names are copied into one shared string at a time. */
const NAMES_PER_BLOCK = 512;
/** XML cannot carry U+0000, so it can separate names. */
const SEPARATOR = '\u0000';
const MAX_INTERNED = 10_000;
/** Names looked up before the table judges whether looking up pays. */
const INTERN_TRIAL = 1_000;

const STATUSES: readonly CaseStatus[] = ['passed', 'failed', 'errored', 'skipped'];
const FLAKY = 4;

/**
 * The bounded list of case records. Failed and errored cases are what a reader of a red build
 * needs, so they are kept ahead of passed and skipped ones: once the list is full, a new problem
 * case evicts the most recent other case, and other cases are dropped as they arrive.
 */
export class CaseList {
  readonly #limits: CaseListLimits;
  readonly #problems: CaseColumns;
  readonly #others: CaseColumns;
  #textChars = 0;
  #omitted = 0;

  constructor(limits: CaseListLimits) {
    this.#limits = limits;
    const suites = new StringTable();
    const classes = new StringTable();
    this.#problems = new CaseColumns(suites, classes);
    this.#others = new CaseColumns(suites, classes);
  }

  /** Whether a case of this kind could be kept; lets the reader skip drafting one that cannot. */
  wants(problem: boolean): boolean {
    if (problem) return this.#problems.length < this.#limits.maxCases;
    return !this.#full(0);
  }

  /** Counts a case that was never drafted because `wants` said no. */
  omit(): void {
    this.#omitted++;
  }

  add(draft: CaseDraft): void {
    const limits = this.#limits;
    if (draft.name.length > limits.maxNameChars) draft.name = cut(draft.name, limits.maxNameChars);
    if (draft.message !== undefined && draft.message.length > limits.maxMessageChars)
      draft.message = cut(draft.message, limits.maxMessageChars);
    if (draft.type !== undefined && draft.type.length > limits.maxNameChars)
      draft.type = cut(draft.type, limits.maxNameChars);
    const chars = draftChars(draft);
    if (draft.status !== 'failed' && draft.status !== 'errored') {
      if (this.#full(chars)) this.#omitted++;
      else this.#textChars += this.#others.push(draft);
      return;
    }
    while (this.#full(chars) && this.#others.length > 0) {
      this.#textChars -= this.#others.pop();
      this.#omitted++;
    }
    if (this.#full(chars)) this.#omitted++;
    else this.#textChars += this.#problems.push(draft);
  }

  get omitted(): number {
    return this.#omitted;
  }

  /** Problem cases first, then the rest; each in document order. */
  toArray(): JunitCase[] {
    const out: JunitCase[] = [];
    this.#problems.appendTo(out);
    this.#others.appendTo(out);
    return out;
  }

  #full(chars: number): boolean {
    return (
      this.#problems.length + this.#others.length >= this.#limits.maxCases ||
      this.#textChars + chars > this.#limits.maxTextChars
    );
  }
}

/** The index of `status` in STATUSES. */
function statusCode(status: CaseStatus): number {
  if (status === 'passed') return 0;
  if (status === 'failed') return 1;
  return status === 'errored' ? 2 : 3;
}

function draftChars(draft: CaseDraft): number {
  return draft.name.length + (draft.message?.length ?? 0) + (draft.type?.length ?? 0);
}

/**
 * Cases stored column by column rather than as one object each: a large report keeps 100,000 of
 * them while it streams, and plain number columns plus names packed into a few long strings give
 * the garbage collector almost nothing to trace. Objects are made once, for the summary.
 */
class CaseColumns {
  readonly #suiteNames: StringTable;
  readonly #classNames: StringTable;
  readonly #suites: number[] = [];
  readonly #classes: number[] = [];
  readonly #codes: number[] = [];
  /** NaN where the case has no time, so the column stays one of unboxed doubles. */
  readonly #times: number[] = [];
  readonly #details = new Map<number, { message: string | undefined; type: string | undefined }>();
  /**
   * Names arrive as slices of the XML reader's 64 KiB chunks. Joining a block of them copies
   * them into one string of their own, so no chunk stays alive for the sake of a name.
   */
  #blocks: string[] = [];
  #pending: string[] = [];

  constructor(suiteNames: StringTable, classNames: StringTable) {
    this.#suiteNames = suiteNames;
    this.#classNames = classNames;
  }

  get length(): number {
    return this.#codes.length;
  }

  /** Stores the case; returns the characters of text it holds. */
  push(draft: CaseDraft): number {
    this.#suites.push(this.#suiteNames.id(draft.suite));
    this.#classes.push(this.#classNames.id(draft.className));
    this.#codes.push(statusCode(draft.status) | (draft.flaky ? FLAKY : 0));
    this.#times.push(draft.timeSeconds ?? Number.NaN);
    if (draft.message !== undefined || draft.type !== undefined) {
      this.#details.set(this.#codes.length - 1, {
        message: draft.message === undefined ? undefined : ownCopy(draft.message),
        type: draft.type === undefined ? undefined : ownCopy(draft.type),
      });
    }
    this.#pending.push(draft.name);
    if (this.#pending.length === NAMES_PER_BLOCK) {
      this.#blocks.push(this.#pending.join(SEPARATOR));
      this.#pending = [];
    }
    return draftChars(draft);
  }

  /** Drops the last case; returns the characters of text it held. */
  pop(): number {
    if (this.#pending.length === 0) {
      const block = this.#blocks.pop();
      if (block !== undefined) this.#pending = block.split(SEPARATOR);
    }
    const name = this.#pending.pop() ?? '';
    this.#suites.pop();
    this.#classes.pop();
    this.#codes.pop();
    this.#times.pop();
    const row = this.#codes.length;
    const detail = this.#details.get(row);
    this.#details.delete(row);
    return name.length + (detail?.message?.length ?? 0) + (detail?.type?.length ?? 0);
  }

  appendTo(out: JunitCase[]): void {
    let row = 0;
    const emit = (name: string) => {
      const code = this.#codes[row] as number;
      const time = this.#times[row] as number;
      const record: JunitCase = {
        suite: this.#suiteNames.at(this.#suites[row] as number),
        className: this.#classNames.at(this.#classes[row] as number),
        name,
        status: STATUSES[code & 3] as CaseStatus,
        timeSeconds: Number.isNaN(time) ? null : time,
      };
      const detail = this.#details.get(row);
      if (detail?.message) record.message = detail.message;
      if (detail?.type) record.type = detail.type;
      if (code & FLAKY) record.flaky = true;
      out.push(record);
      row++;
    };
    for (const block of this.#blocks) for (const name of block.split(SEPARATOR)) emit(name);
    for (const name of this.#pending) emit(ownCopy(name));
  }
}

/**
 * Suite or class names, each kept once and referred to by number. Some producers give every case
 * a class of its own; once lookups mostly miss, the table stops looking up and just appends,
 * because hashing every name then costs more than the copies it would save.
 */
class StringTable {
  readonly #values: string[] = [];
  readonly #ids = new Map<string, number>();
  #lastText: string | undefined;
  #lastId = 0;
  #hits = 0;
  #misses = 0;

  id(text: string): number {
    // Consecutive cases nearly always share their suite and class.
    if (text === this.#lastText) return this.#lastId;
    const lookUp = this.#misses < INTERN_TRIAL || this.#hits >= this.#misses;
    let id = lookUp ? this.#ids.get(text) : undefined;
    if (id === undefined) {
      this.#misses++;
      id = this.#values.length;
      const own = ownCopy(text);
      this.#values.push(own);
      if (lookUp && this.#ids.size < MAX_INTERNED) this.#ids.set(own, id);
    } else {
      this.#hits++;
    }
    this.#lastText = text;
    this.#lastId = id;
    return id;
  }

  at(id: number): string {
    return this.#values[id] as string;
  }
}

import { DossierError } from '../../core/errors.ts';

/**
 * Receives the members of a top-level JSON object as the bytes stream past. Arrays at the top
 * level (an SBOM's `components`, `dependencies`, `packages`, `relationships`, `files`,
 * `@graph` …) arrive one element at a time; every other member arrives parsed whole.
 */
export interface JsonMemberVisitor {
  member(key: string, value: unknown): void;
  element(key: string, value: unknown, index: number): void;
  arrayEnd?(key: string, count: number): void;
}

export interface JsonMemberOptions {
  /** Names the format in messages: `CycloneDX JSON: …`. */
  label: string;
  /** Largest single value (an array element or a non-array member) held at once, in bytes. */
  maxValueBytes?: number;
  /**
   * Deepest nesting accepted inside one value the scanner walks. The layout fast path (below)
   * leaves depth to JSON.parse, which takes any depth, so visitors bound their own recursion.
   */
  maxDepth?: number;
}

export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024; // 64 MiB
export const DEFAULT_MAX_DEPTH = 512;
/** Complete array elements are handed to JSON.parse together, about this many bytes at a time. */
const BATCH_BYTES = 256 * 1024; // 256 KiB
const MAX_KEY_BYTES = 64 * 1024; // 64 KiB
/** Refused guesses after which an array is only scanned (one is expected where it ends). */
const MAX_FAST_FAILURES = 3;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// Where the scanner is in the top-level object.
const DOCUMENT = 0; // before the opening brace
const FIRST_KEY = 1; // after `{`: a key or `}`
const KEY = 2; // inside a key string
const AFTER_KEY = 3; // expecting `:`
const VALUE_START = 4; // expecting a value
const VALUE = 5; // inside a non-array value
const ARRAY_START = 6; // after `[`: an element or `]`
const ELEMENTS = 7; // inside an array's elements
const AFTER_VALUE = 8; // expecting `,` or `}`
const NEXT_KEY = 9; // after `,`: a key
const DONE = 10; // after the closing brace: whitespace only

/**
 * Streams the members of a top-level JSON object to `visitor`, holding at most one value (or a
 * batch of small array elements) in memory at a time.
 *
 * Written here rather than taken from a streaming JSON library because speed decides it: the
 * issue asks for SBOM throughput of at least 0.8 of a bare `JSON.parse`, and a general streaming
 * parser that builds values token by token in JavaScript runs several times slower than that.
 * This scanner only finds boundaries (it tracks strings, escapes and bracket depth over raw
 * bytes, so a UTF-8 character split across chunks never matters) and leaves the parsing, and
 * all validation, to `JSON.parse` on each element. Elements are decoded and parsed in batches
 * (`[` + elements + `]`) to keep the per-call overhead down, and pretty-printed arrays mostly
 * skip the byte scan altogether (see #fastElements).
 */
export async function readJsonMembers(
  source: AsyncIterable<Uint8Array>,
  visitor: JsonMemberVisitor,
  options: JsonMemberOptions,
): Promise<{ duplicateKeys: string[]; fastBatches: number }> {
  const scanner = new JsonMemberScanner(visitor, options);
  for await (const chunk of source) scanner.push(chunk);
  scanner.end();
  return { duplicateKeys: scanner.duplicateKeys, fastBatches: scanner.fastBatches };
}

export class JsonMemberScanner {
  readonly #visitor: JsonMemberVisitor;
  readonly #label: string;
  readonly #maxValueBytes: number;
  readonly #maxDepth: number;
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  #state = DOCUMENT;
  /** Bytes seen before the current chunk. */
  #offset = 0;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Where the unparsed part of the current value starts in the current chunk. */
  #segStart = 0;
  /** Copies of earlier chunks' bytes that belong to the current value. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Absolute byte offset where the current value (or batch of elements) starts. */
  #valueOffset = 0;
  #key = '';
  #keys = new Set<string>();
  #index = 0;
  /** False when the fast path left pending bytes that were never scanned. */
  #pendingScanned = true;
  /** The bytes that separate a pretty-printed array's elements: `,`, line break, indent. */
  #pattern: Uint8Array | undefined;
  #fastFailures = 0;
  #chunkNumber = 0;
  /** Where the current array's `[` was: chunk number and index. */
  #arrayOpen = { chunk: -1, index: -1 };

  constructor(visitor: JsonMemberVisitor, options: JsonMemberOptions) {
    this.#visitor = visitor;
    this.#label = options.label;
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Keys that occurred more than once at the top level (JSON.parse would keep the last). */
  readonly duplicateKeys: string[] = [];
  /** Batches of elements read by the layout fast path (for tests and tuning). */
  fastBatches = 0;

  push(chunk: Uint8Array): void {
    let c = chunk;
    if (this.#state === ELEMENTS) {
      if (this.#pattern && this.#fastElements(c)) {
        this.#offset += c.length;
        return;
      }
      if (!this.#pendingScanned) c = this.#rescanPending(c);
    }
    this.#scanChunk(c);
  }

  #scanChunk(c: Uint8Array): void {
    const n = c.length;
    let i = 0;
    this.#segStart = 0;
    this.#chunkNumber++;
    while (i < n) {
      switch (this.#state) {
        case VALUE:
        case ELEMENTS:
          i = this.#scanValue(c, i, n);
          break;
        case KEY:
          i = this.#scanKey(c, i, n);
          break;
        default:
          i = this.#structural(c, i);
      }
    }
    this.#carry(c, n);
    this.#offset += n;
  }

  /**
   * Pretty-printed arrays (as every common SBOM producer writes them) get a faster path that
   * does not scan bytes at all. An element boundary is guessed from the layout: a comma, the
   * line break and indentation that preceded the first element, and a `{`. JSON strings cannot
   * hold a raw line break, so the guess can only land outside strings; and since the batch
   * before it starts at depth 0, JSON.parse accepting `[batch]` proves the guess was a real
   * element boundary. Any refusal falls back to scanning, which finds and reports the fault.
   */
  #fastElements(c: Uint8Array): boolean {
    const pattern = this.#pattern as Uint8Array;
    const n = c.length;
    let start = 0;
    let parsed = false;
    while (start < n) {
      const comma = findBoundary(c, start, Math.min(n, start + BATCH_BYTES), pattern);
      if (comma < 0) break;
      const bytes = this.#joinPending(c, start, comma);
      let values: unknown[] | undefined;
      try {
        values = JSON.parse(`[${this.#decoder.decode(bytes)}]`) as unknown[];
      } catch {
        values = undefined;
      }
      if (!values || values.length === 0) {
        if (++this.#fastFailures >= MAX_FAST_FAILURES) this.#pattern = undefined;
        if (!parsed) return false;
        break;
      }
      parsed = true;
      this.fastBatches++;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#deliver(values);
      start = comma + 1;
      this.#valueOffset = this.#offset + start;
    }
    if (!parsed) return false;
    // The rest of the chunk starts at depth 0; it is kept unscanned and either parsed with the
    // next chunk's batch or scanned then.
    if (start < n) {
      const rest = c.slice(start);
      this.#pending.push(rest);
      this.#pendingBytes += rest.length;
    }
    this.#pendingScanned = false;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    return true;
  }

  /** Pending bytes the fast path left unscanned, joined to `c`, to scan from depth 0. */
  #rescanPending(c: Uint8Array): Uint8Array {
    const joined = this.#joinPending(c, 0, c.length);
    this.#offset -= this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingScanned = true;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    return joined;
  }

  #joinPending(c: Uint8Array, start: number, end: number): Uint8Array {
    if (this.#pending.length === 0) return c.subarray(start, end);
    const bytes = new Uint8Array(this.#pendingBytes + end - start);
    let at = 0;
    for (const piece of this.#pending) {
      bytes.set(piece, at);
      at += piece.length;
    }
    bytes.set(c.subarray(start, end), at);
    return bytes;
  }

  end(): void {
    if (this.#state === ELEMENTS && !this.#pendingScanned)
      this.#scanChunk(this.#rescanPending(new Uint8Array(0)));
    if (this.#state === DONE) return;
    if (this.#state === DOCUMENT) this.#fail('the input is empty', this.#offset);
    const where =
      this.#state === ELEMENTS || this.#state === ARRAY_START
        ? ` inside ${this.#path(this.#index)}`
        : this.#state === VALUE
          ? ` inside ${this.#path()}`
          : '';
    this.#fail(`the JSON ends early${where} (truncated?)`, this.#offset);
  }

  /** The single bytes between values: braces, the key's quote, colons, commas, whitespace. */
  #structural(c: Uint8Array, i: number): number {
    const b = c[i] as number;
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return i + 1;
    const at = this.#offset + i;
    switch (this.#state) {
      case DOCUMENT:
        // RFC 8259 §8.1: a parser may ignore a leading UTF-8 byte-order mark (which may itself
        // arrive split across chunks).
        if (at < 3 && b === UTF8_BOM[at]) return i + 1;
        if (at === 0 && (b === 0xfe || b === 0xff))
          this.#fail('the JSON is not UTF-8 (RFC 8259 §8.1 requires UTF-8)', at);
        if (b !== OPEN_BRACE) this.#fail(`expected a JSON object, found ${describeByte(b)}`, at);
        this.#state = FIRST_KEY;
        return i + 1;
      case FIRST_KEY:
      case NEXT_KEY:
        if (b === CLOSE_BRACE && this.#state === FIRST_KEY) {
          this.#state = DONE;
          return i + 1;
        }
        if (b !== QUOTE) this.#fail(`expected a member name, found ${describeByte(b)}`, at);
        this.#state = KEY;
        this.#segStart = i;
        this.#valueOffset = at;
        this.#inString = true;
        this.#escape = false;
        return i + 1;
      case AFTER_KEY:
        if (b !== COLON)
          this.#fail(`expected ':' after "${this.#key}", found ${describeByte(b)}`, at);
        this.#state = VALUE_START;
        return i + 1;
      case VALUE_START:
        this.#valueOffset = at;
        if (b === OPEN_BRACKET) {
          this.#state = ARRAY_START;
          this.#index = 0;
          this.#pattern = undefined;
          this.#fastFailures = 0;
          this.#arrayOpen = { chunk: this.#chunkNumber, index: i };
          return i + 1;
        }
        this.#state = VALUE;
        this.#segStart = i;
        this.#depth = 0;
        return i;
      case ARRAY_START:
        if (b === CLOSE_BRACKET) {
          this.#visitor.arrayEnd?.(this.#key, 0);
          this.#state = AFTER_VALUE;
          return i + 1;
        }
        this.#state = ELEMENTS;
        this.#segStart = i;
        this.#valueOffset = at;
        this.#depth = 0;
        this.#pattern = this.#learnPattern(c, i);
        return i;
      case AFTER_VALUE:
        if (b === COMMA) this.#state = NEXT_KEY;
        else if (b === CLOSE_BRACE) this.#state = DONE;
        else this.#fail(`expected ',' or '}' after ${this.#path()}, found ${describeByte(b)}`, at);
        return i + 1;
      default:
        return this.#fail(`unexpected ${describeByte(b)} after the end of the JSON object`, at);
    }
  }

  /**
   * What separates this array's elements, learned from how the first element starts: `,`, the
   * whitespace between `[` and `{`, and `{`. Pretty-printed, that whitespace holds a line break
   * and an indent no nested object shares. Compact, `},{` matches nested objects as well, so
   * the first member name is added (`,{"bom-ref":`), which nested objects rarely start with.
   */
  #learnPattern(c: Uint8Array, first: number): Uint8Array | undefined {
    const open = this.#arrayOpen;
    if (open.chunk !== this.#chunkNumber || c[first] !== OPEN_BRACE) return undefined;
    const space = c.subarray(open.index + 1, first);
    if (space.length > 64) return undefined;
    let end = first + 1;
    if (!space.includes(0x0a)) {
      while (isSpace(c[end])) end++;
      if (c[end] !== QUOTE) return undefined;
      const nameStart = end;
      end++;
      while (end < c.length && end - nameStart < 64 && c[end] !== QUOTE && c[end] !== BACKSLASH)
        end++;
      if (c[end] !== QUOTE) return undefined;
      end++;
      while (isSpace(c[end])) end++;
      if (c[end] !== COLON) return undefined;
      end++;
    }
    const pattern = new Uint8Array(1 + space.length + end - first);
    pattern[0] = COMMA;
    pattern.set(space, 1);
    pattern.set(c.subarray(first, end), 1 + space.length);
    return pattern;
  }

  #scanKey(c: Uint8Array, i: number, n: number): number {
    if (this.#escape) {
      this.#escape = false;
      i++;
    }
    while (i < n) {
      const b = c[i] as number;
      if (b === BACKSLASH) {
        i += 2;
        if (i > n) this.#escape = true;
        continue;
      }
      if (b === QUOTE) {
        this.#inString = false;
        const text = this.#take(c, i + 1);
        if (text.length > MAX_KEY_BYTES) this.#fail('a member name is too long', this.#valueOffset);
        this.#key = this.#parse(text, () => 'a member name') as string;
        if (this.#keys.has(this.#key)) this.duplicateKeys.push(this.#key);
        else this.#keys.add(this.#key);
        this.#state = AFTER_KEY;
        return i + 1;
      }
      i++;
    }
    return n;
  }

  /**
   * The hot loop: walks a value's bytes until a comma or closing bracket at depth 0. Strings are
   * skipped in a tight inner loop since they are most of an SBOM's bytes.
   */
  #scanValue(c: Uint8Array, i: number, n: number): number {
    const elements = this.#state === ELEMENTS;
    const maxDepth = this.#maxDepth;
    let depth = this.#depth;
    if (this.#inString) {
      if (this.#escape) {
        this.#escape = false;
        i++;
      }
      for (;;) {
        if (i >= n) return n;
        const d = c[i] as number;
        if (d === QUOTE) {
          i++;
          break;
        }
        if (d === BACKSLASH) {
          i += 2;
          if (i > n) {
            this.#escape = true;
            return n;
          }
          continue;
        }
        i++;
      }
      this.#inString = false;
    }
    while (i < n) {
      const b = c[i] as number;
      if (b === QUOTE) {
        i++;
        for (;;) {
          if (i >= n) {
            this.#inString = true;
            this.#depth = depth;
            return n;
          }
          const d = c[i] as number;
          if (d === QUOTE) {
            i++;
            break;
          }
          if (d === BACKSLASH) {
            i += 2;
            if (i > n) {
              this.#inString = true;
              this.#escape = true;
              this.#depth = depth;
              return n;
            }
            continue;
          }
          i++;
        }
        continue;
      }
      if (b <= COMMA) {
        if (b === COMMA && depth === 0) {
          this.#depth = 0;
          if (!elements) return this.#endValue(c, i, false);
          // A complete element: parse what has gathered once the batch is big enough.
          if (this.#pendingBytes + i - this.#segStart >= BATCH_BYTES) this.#flushElements(c, i);
          else this.#lastComma = i;
        }
        i++;
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (++depth > maxDepth)
          this.#fail(
            `${this.#path(elements ? this.#index : undefined)} is nested deeper than ${maxDepth} levels`,
            this.#offset + i,
          );
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (depth === 0) {
          this.#depth = 0;
          if (elements) {
            if (b !== CLOSE_BRACKET)
              this.#fail(`${this.#path()} is an array closed by '}'`, this.#offset + i);
            return this.#endArray(c, i);
          }
          if (b !== CLOSE_BRACE)
            this.#fail(`unexpected ']' after ${this.#path()}`, this.#offset + i);
          return this.#endValue(c, i, true);
        }
        depth--;
      }
      i++;
    }
    this.#depth = depth;
    return n;
  }

  /** The last depth-0 comma seen in this chunk whose elements are not yet parsed. */
  #lastComma = -1;

  #flushElements(c: Uint8Array, end: number): void {
    const start = this.#offset + end;
    const text = this.#take(c, end);
    this.#parseElements(text);
    this.#segStart = end + 1;
    this.#valueOffset = start + 1;
    this.#lastComma = -1;
  }

  #endArray(c: Uint8Array, i: number): number {
    this.#lastComma = -1;
    this.#parseElements(this.#take(c, i));
    this.#visitor.arrayEnd?.(this.#key, this.#index);
    this.#state = AFTER_VALUE;
    return i + 1;
  }

  #endValue(c: Uint8Array, i: number, closesObject: boolean): number {
    const text = this.#take(c, i);
    const value = this.#parse(text, () => this.#path());
    this.#visitor.member(this.#key, value);
    this.#state = closesObject ? DONE : NEXT_KEY;
    return i + 1;
  }

  /** At a chunk's end: parse the complete elements, keep a copy of the unfinished value. */
  #carry(c: Uint8Array, n: number): void {
    const state = this.#state;
    if (state === ELEMENTS && this.#lastComma >= 0) this.#flushElements(c, this.#lastComma);
    this.#lastComma = -1;
    if (state !== ELEMENTS && state !== VALUE && state !== KEY) return;
    if (this.#segStart >= n) return;
    const rest = c.slice(this.#segStart, n);
    this.#pending.push(rest);
    this.#pendingBytes += rest.length;
    if (this.#pendingBytes > this.#maxValueBytes) {
      const what =
        state === KEY ? 'a member name' : this.#path(state === ELEMENTS ? this.#index : undefined);
      this.#fail(`${what} is larger than ${this.#maxValueBytes} bytes`, this.#valueOffset);
    }
  }

  /** Decodes the current value's bytes up to `end` in the current chunk. */
  #take(c: Uint8Array, end: number): string {
    const start = this.#segStart;
    if (this.#pending.length === 0) return this.#decoder.decode(c.subarray(start, end));
    const bytes = new Uint8Array(this.#pendingBytes + end);
    let at = 0;
    for (const piece of this.#pending) {
      bytes.set(piece, at);
      at += piece.length;
    }
    bytes.set(c.subarray(0, end), at);
    this.#pending = [];
    this.#pendingBytes = 0;
    return this.#decoder.decode(bytes);
  }

  #parseElements(text: string): void {
    let values: unknown[];
    try {
      values = JSON.parse(`[${text}]`) as unknown[];
    } catch {
      this.#explainElements(text);
    }
    // The batch ended at a comma or at `]` after a comma, so it must hold at least one element.
    if (values.length === 0)
      this.#fail(`${this.#path(this.#index)} is empty (a stray comma)`, this.#valueOffset);
    this.#deliver(values);
  }

  #deliver(values: unknown[]): void {
    const visitor = this.#visitor;
    const key = this.#key;
    let index = this.#index;
    for (const value of values) visitor.element(key, value, index++);
    this.#index = index;
  }

  /** Finds which element of a batch JSON.parse refused, for a message that names it. */
  #explainElements(text: string): never {
    let depth = 0;
    let inString = false;
    let start = 0;
    let index = this.#index;
    const check = (end: number) => {
      const piece = text.slice(start, end);
      this.#parse(piece, () => this.#path(index), this.#valueOffset + byteLength(text, start));
      index++;
      start = end + 1;
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === BACKSLASH) i++;
        else if (ch === QUOTE) inString = false;
      } else if (ch === QUOTE) inString = true;
      else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
      else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) depth--;
      else if (ch === COMMA && depth === 0) check(i);
    }
    check(text.length);
    // Every piece parsed alone, so the batch failed as a whole (e.g. mismatched brackets).
    return this.#fail(`${this.#path(this.#index)} is not valid JSON`, this.#valueOffset);
  }

  #parse(text: string, path: () => string, at = this.#valueOffset): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      const reason = text.trim() === '' ? 'a value is missing' : cleanJsonMessage(error);
      return this.#fail(`${path()}: ${reason}`, at);
    }
  }

  #path(index?: number): string {
    const key = /^[A-Za-z_$@][\w$@-]*$/.test(this.#key)
      ? `.${this.#key}`
      : `[${JSON.stringify(this.#key)}]`;
    return index === undefined ? `$${key}` : `$${key}[${index}]`;
  }

  #fail(message: string, at: number): never {
    throw new DossierError('EVIDENCE_MALFORMED', `${this.#label}: ${message} (byte ${at})`);
  }
}

/**
 * The last occurrence of `pattern` (a comma, whitespace, `{`, perhaps a member name) whose comma
 * lies in `c[from, to)`, as the index of that comma; -1 if there is none.
 */
function findBoundary(c: Uint8Array, from: number, to: number, pattern: Uint8Array): number {
  const length = pattern.length;
  const brace = pattern.indexOf(OPEN_BRACE);
  for (
    let k = c.lastIndexOf(OPEN_BRACE, Math.min(c.length, to + brace) - 1);
    k - brace > from;
    k = c.lastIndexOf(OPEN_BRACE, k - 1)
  ) {
    const comma = k - brace;
    let j = 0;
    while (j < length && c[comma + j] === pattern[j]) j++;
    if (j === length) return comma;
  }
  return -1;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function describeByte(b: number): string {
  if (b >= 0x21 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** V8's messages quote the offending text; keep them short and drop the batch-relative position. */
function cleanJsonMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cleaned = message.replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '');
  return cleaned.length > 300 ? `${cleaned.slice(0, 300)}…` : cleaned;
}

function byteLength(text: string, end: number): number {
  return new TextEncoder().encode(text.slice(0, end)).length;
}

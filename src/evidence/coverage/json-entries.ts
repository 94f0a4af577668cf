import { DossierError } from '../../core/errors.ts';

export interface JsonEntriesOptions {
  /** For messages: `Istanbul coverage-final.json`. */
  format: string;
  /** Largest single entry (its value's bytes) accepted. */
  maxEntryBytes: number;
  /** Deepest nesting accepted inside an entry; deeper input is refused as hostile. */
  maxDepth: number;
}

/** Where an entry began, for messages. */
export interface EntryPosition {
  line: number;
}

const State = {
  start: 0,
  keyOrEnd: 1,
  key: 2,
  colon: 3,
  valueStart: 4,
  value: 5,
  commaOrEnd: 6,
  nextKey: 7,
  done: 8,
} as const;

const MAX_KEY_BYTES = 64 * 1024;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Streams the entries of a JSON document whose top level is one object, `{ "<key>": <value>,
 * … }`, handing each key and its parsed value to `onEntry` one at a time. Istanbul writes one
 * entry per source file, so memory is bounded by the largest entry, never the file. A small
 * byte scanner finds where each value ends (tracking strings, escapes and nesting); the value
 * itself is parsed by JSON.parse. Nothing else is buffered.
 */
export async function readJsonEntries(
  source: AsyncIterable<Uint8Array>,
  onEntry: (key: string, value: unknown, position: EntryPosition) => void,
  options: JsonEntriesOptions,
): Promise<void> {
  const scanner = new EntryScanner(onEntry, options);
  for await (const chunk of source) scanner.push(chunk);
  scanner.end();
}

class EntryScanner {
  readonly #onEntry: (key: string, value: unknown, position: EntryPosition) => void;
  readonly #options: JsonEntriesOptions;
  #state: number = State.start;
  #offset = 0; // bytes consumed before the current chunk
  #line = 1;
  #lineStart = 0; // absolute offset of the current line's first byte
  #pieces: Uint8Array[] = [];
  #pieceBytes = 0;
  #key = '';
  #entryLine = 1;
  #depth = 0;
  #inString = false;
  #escape = false;

  constructor(
    onEntry: (key: string, value: unknown, position: EntryPosition) => void,
    options: JsonEntriesOptions,
  ) {
    this.#onEntry = onEntry;
    this.#options = options;
  }

  push(chunk: Uint8Array): void {
    let pieceStart = this.#state === State.key || this.#state === State.value ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === 10) {
        this.#line++;
        this.#lineStart = this.#offset + i + 1;
      }
      switch (this.#state) {
        case State.value:
          if (this.#inString) {
            if (this.#escape) this.#escape = false;
            else if (byte === 0x5c) this.#escape = true;
            else if (byte === 0x22) {
              this.#inString = false;
              if (this.#depth === 0) {
                this.#finishValue(chunk.subarray(pieceStart, i + 1));
                pieceStart = -1;
              }
            }
          } else if (this.#depth === 0) {
            // A bare number, true, false or null ends at the first delimiter.
            if (byte === 0x2c || byte === 0x7d || isSpace(byte)) {
              this.#finishValue(chunk.subarray(pieceStart, i));
              pieceStart = -1;
              i--;
              if (byte === 10) this.#line--;
            }
          } else if (byte === 0x22) {
            this.#inString = true;
          } else if (byte === 0x7b || byte === 0x5b) {
            if (++this.#depth > this.#options.maxDepth) {
              this.#fail(
                i,
                `entry "${this.#key}" nests deeper than ${this.#options.maxDepth} levels`,
              );
            }
          } else if (byte === 0x7d || byte === 0x5d) {
            if (--this.#depth === 0) {
              this.#finishValue(chunk.subarray(pieceStart, i + 1));
              pieceStart = -1;
            }
          }
          break;
        case State.key:
          if (this.#escape) this.#escape = false;
          else if (byte === 0x5c) this.#escape = true;
          else if (byte === 0x22) {
            this.#finishKey(chunk.subarray(pieceStart, i + 1), i);
            pieceStart = -1;
          }
          break;
        case State.start:
          if (isSpace(byte)) break;
          if (this.#offset + i < 3 && byte === BOM[this.#offset + i]) break;
          if (byte !== 0x7b) this.#fail(i, 'expected a JSON object ({)');
          this.#state = State.keyOrEnd;
          break;
        case State.keyOrEnd:
        case State.nextKey:
          if (isSpace(byte)) break;
          if (byte === 0x22) {
            this.#state = State.key;
            this.#entryLine = this.#line;
            pieceStart = i;
            break;
          }
          if (byte === 0x7d && this.#state === State.keyOrEnd) {
            this.#state = State.done;
            break;
          }
          this.#fail(i, 'expected a quoted key');
          break;
        case State.colon:
          if (isSpace(byte)) break;
          if (byte !== 0x3a) this.#fail(i, `expected ':' after key "${this.#key}"`);
          this.#state = State.valueStart;
          break;
        case State.valueStart:
          if (isSpace(byte)) break;
          if (byte === 0x2c || byte === 0x7d) this.#fail(i, `entry "${this.#key}" has no value`);
          this.#state = State.value;
          this.#depth = byte === 0x7b || byte === 0x5b ? 1 : 0;
          this.#inString = byte === 0x22;
          this.#escape = false;
          pieceStart = i;
          break;
        case State.commaOrEnd:
          if (isSpace(byte)) break;
          if (byte === 0x2c) this.#state = State.nextKey;
          else if (byte === 0x7d) this.#state = State.done;
          else this.#fail(i, `expected ',' or '}' after entry "${this.#key}"`);
          break;
        default:
          if (!isSpace(byte)) this.#fail(i, 'unexpected data after the top-level object');
      }
    }
    if (pieceStart >= 0) this.#keep(chunk.subarray(pieceStart), chunk.length);
    this.#offset += chunk.length;
  }

  end(): void {
    if (this.#state === State.value && this.#depth === 0 && !this.#inString) {
      this.#finishValue(new Uint8Array(0));
    }
    if (this.#state === State.start) this.#fail(0, 'empty: expected a JSON object');
    if (this.#state !== State.done) {
      this.#fail(0, 'the document ends before its top-level object is closed (truncated?)');
    }
  }

  #keep(piece: Uint8Array, at: number): void {
    this.#pieces.push(piece);
    this.#pieceBytes += piece.length;
    const limit = this.#state === State.key ? MAX_KEY_BYTES : this.#options.maxEntryBytes;
    if (this.#pieceBytes > limit) {
      const what = this.#state === State.key ? 'a key' : `entry "${this.#key}"`;
      this.#fail(at, `${what} is larger than ${limit} bytes`);
    }
  }

  #take(last: Uint8Array): string {
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#pieceBytes = 0;
    if (pieces.length === 0) return new TextDecoder().decode(last);
    pieces.push(last);
    const bytes = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
    let at = 0;
    for (const piece of pieces) {
      bytes.set(piece, at);
      at += piece.length;
    }
    return new TextDecoder().decode(bytes);
  }

  #finishKey(last: Uint8Array, at: number): void {
    const text = this.#take(last);
    try {
      this.#key = JSON.parse(text) as string;
    } catch {
      this.#fail(at, `the key ${text.slice(0, 80)} is not a valid JSON string`);
    }
    this.#state = State.colon;
  }

  #finishValue(last: Uint8Array): void {
    if (this.#pieceBytes + last.length > this.#options.maxEntryBytes) {
      this.#fail(0, `entry "${this.#key}" is larger than ${this.#options.maxEntryBytes} bytes`);
    }
    const text = this.#take(last);
    this.#state = State.commaOrEnd;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DossierError(
        'EVIDENCE_MALFORMED',
        `${this.#options.format}: entry "${this.#key}" (from line ${this.#entryLine}) is not valid JSON: ${(error as Error).message}`,
      );
    }
    this.#onEntry(this.#key, value, { line: this.#entryLine });
  }

  #fail(index: number, message: string): never {
    const absolute = this.#offset + index;
    const column = Math.max(1, absolute - this.#lineStart + 1);
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `${this.#options.format}: line ${this.#line}, column ${column}: ${message}`,
    );
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

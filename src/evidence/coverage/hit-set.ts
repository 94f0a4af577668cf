/** Keys a HitSet accepts: non-negative integers below 2^52 (line numbers, packed ids, hashes). */
export const MAX_HIT_KEY = 2 ** 52;

// While keys arrive in ascending order (a record's DA lines nearly always do) they are encoded
// straight into the store. Otherwise entries wait unsorted in a Float64Array and are folded
// into the sorted, delta-encoded store when the buffer fills. The buffer may grow to an eighth of the store's entries before a fold,
// so a record of n lines costs O(n log n) in total while the buffer never outweighs the store.
const MIN_FOLD = 1 << 14;
const EMPTY_BUFFER = new Float64Array(0);
const EMPTY_STORE = new Uint8Array(0);

/**
 * A set of integer keys, each with a flag saying whether it was hit: "line 12 was executed",
 * "branch 3 of block 1 on line 40 was taken". Adding a key twice keeps one entry, hit if either
 * was. Lines of a source file arrive in order, so the set is kept sorted and stored as varint
 * deltas: about one byte per line, a fraction of the text that described it. This is what lets
 * repeated records for one file (lcov's per-test sections, Cobertura's classes) be merged
 * exactly without holding the report's lines as objects.
 */
export class HitSet {
  #store: Uint8Array = EMPTY_STORE;
  #size = 0;
  #hits = 0;
  #buffer: Float64Array = EMPTY_BUFFER;
  #pending = 0;
  /** Set while every key so far came in ascending order: the store is being written directly. */
  #writer: StoreWriter | undefined = new StoreWriter();
  /** The last entry in ascending mode, held back so a repeat of its key can still mark it hit. */
  #tail = -1;

  add(key: number, hit: boolean): void {
    // key * 2 + hit sorts by key first; of two equal keys the hit one sorts last.
    const packed = key * 2 + (hit ? 1 : 0);
    if (this.#writer) {
      const tail = this.#tail;
      if (tail < 0 || key > Math.floor(tail / 2)) {
        if (tail >= 0) this.#write(tail);
        this.#tail = packed;
        return;
      }
      if (key === Math.floor(tail / 2)) {
        if (packed > tail) this.#tail = packed;
        return;
      }
      this.#endAscending();
    }
    if (this.#pending === this.#buffer.length) this.#makeRoom();
    this.#buffer[this.#pending++] = packed;
  }

  /** Adds every entry of `other` (left unchanged). */
  addAll(other: HitSet): void {
    other.compact();
    this.compact();
    const merged = mergeSorted(new StoreReader(this.#store), new StoreReader(other.#store));
    this.#set(merged);
  }

  /** Number of distinct keys. */
  get size(): number {
    this.compact();
    return this.#size;
  }

  /** Number of distinct keys that were hit. */
  get hits(): number {
    this.compact();
    return this.#hits;
  }

  /** Folds pending entries into the store and releases the buffer. */
  compact(): void {
    if (this.#writer) this.#endAscending();
    this.#fold();
    this.#buffer = EMPTY_BUFFER;
  }

  /** Bytes held, for memory accounting in tests. */
  get byteLength(): number {
    return this.#store.byteLength + this.#buffer.byteLength;
  }

  #write(packed: number): void {
    (this.#writer as StoreWriter).write(packed);
    this.#size++;
    this.#hits += packed % 2;
  }

  #endAscending(): void {
    if (this.#tail >= 0) this.#write(this.#tail);
    this.#store = (this.#writer as StoreWriter).finish();
    this.#writer = undefined;
    this.#tail = -1;
  }

  #makeRoom(): void {
    const limit = Math.max(MIN_FOLD, Math.floor(this.#size / 8));
    if (this.#pending >= limit) {
      this.#fold();
      return;
    }
    const grown = new Float64Array(Math.min(Math.max(16, this.#buffer.length * 4), limit));
    grown.set(this.#buffer.subarray(0, this.#pending));
    this.#buffer = grown;
  }

  #fold(): void {
    if (this.#pending === 0) return;
    const sorted = this.#buffer.subarray(0, this.#pending).sort();
    this.#pending = 0;
    this.#set(mergeSorted(new StoreReader(this.#store), new ArrayReader(sorted)));
  }

  #set(merged: Merged): void {
    this.#store = merged.store;
    this.#size = merged.size;
    this.#hits = merged.hits;
  }
}

interface Reader {
  /** The next packed value (key * 2 + hit), or -1 at the end. */
  next(): number;
}

class ArrayReader implements Reader {
  #values: Float64Array;
  #index = 0;
  constructor(values: Float64Array) {
    this.#values = values;
  }
  next(): number {
    return this.#index < this.#values.length ? (this.#values[this.#index++] as number) : -1;
  }
}

class StoreReader implements Reader {
  #bytes: Uint8Array;
  #offset = 0;
  #previous = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  next(): number {
    if (this.#offset >= this.#bytes.length) return -1;
    let delta = 0;
    let scale = 1;
    for (;;) {
      const byte = this.#bytes[this.#offset++] as number;
      delta += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 128;
    }
    this.#previous += delta;
    return this.#previous;
  }
}

interface Merged {
  store: Uint8Array;
  size: number;
  hits: number;
}

/** Merges two ascending streams of packed values, one entry per key, hit if any was hit. */
function mergeSorted(a: Reader, b: Reader): Merged {
  const out = new StoreWriter();
  let size = 0;
  let hits = 0;
  let current = -1;
  let nextA = a.next();
  let nextB = b.next();
  for (;;) {
    let value: number;
    if (nextA < 0 && nextB < 0) break;
    if (nextB < 0 || (nextA >= 0 && nextA <= nextB)) {
      value = nextA;
      nextA = a.next();
    } else {
      value = nextB;
      nextB = b.next();
    }
    if (current >= 0 && Math.floor(value / 2) === Math.floor(current / 2)) {
      if (value > current) current = value;
      continue;
    }
    if (current >= 0) {
      out.write(current);
      size++;
      hits += current % 2;
    }
    current = value;
  }
  if (current >= 0) {
    out.write(current);
    size++;
    hits += current % 2;
  }
  return { store: out.finish(), size, hits };
}

class StoreWriter {
  #bytes = new Uint8Array(64);
  #length = 0;
  #previous = 0;

  write(value: number): void {
    if (this.#length + 8 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    // Values reach 2^53, past the 32 bits bitwise operators see, hence the arithmetic.
    let delta = value - this.#previous;
    this.#previous = value;
    while (delta >= 128) {
      this.#bytes[this.#length++] = (delta % 128) + 128;
      delta = Math.floor(delta / 128);
    }
    this.#bytes[this.#length++] = delta;
  }

  finish(): Uint8Array {
    return this.#length === 0 ? EMPTY_STORE : this.#bytes.slice(0, this.#length);
  }
}

/**
 * A 52-bit hash of a string (two independent 32-bit FNV-1a variants), for keying function
 * names and other text in a HitSet. Collisions among the functions of one file are
 * vanishingly unlikely (about n² / 2^53).
 */
export function hashKey(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 2 ** 20 + ((b >>> 0) & 0xfffff);
}

import { hash } from 'node:crypto';

/**
 * Consecutive audit entries packed for hashing: each entry's canonical leaf text as UTF-8,
 * preceded by one 0x00 byte. Canonical JSON never holds a raw 0x00 (RFC 8785 strings escape
 * U+0000), so the byte separates the texts; and 0x00 is the RFC 6962 leaf prefix, so each
 * leaf's hash input is a slice of the batch, copied nowhere.
 */
export interface LeafBatch {
  /** How many entries were packed: the batch must split into exactly this many texts. */
  count: number;
  data: Uint8Array;
}

/** Packs leaf texts into a batch (texts from an API page, or rows a store could not pack). */
export function packLeafTexts(texts: readonly string[]): LeafBatch {
  let packed = '';
  for (const text of texts) packed += `\u0000${text}`;
  return { count: texts.length, data: Buffer.from(packed, 'utf8') };
}

/** A batch's share of the Merkle tree, to be joined to the tree of the entries before it. */
export type BatchHashes =
  | {
      ok: true;
      count: number;
      /** The batch's own frontier after its last leaf: perfect subtree hashes, largest first. */
      subtrees: Uint8Array[];
      /** The batch's frontier after each number of leaves in `marks`, in that order. */
      atMarks: Uint8Array[][];
    }
  | { ok: false; problem: string };

/**
 * Hashes every leaf of a batch and builds the batch's own Merkle frontier. A batch that does
 * not split into exactly `count` texts (a text holding a raw 0x00, which canonical JSON never
 * does) is refused rather than hashed: its leaves would not be the entries'.
 */
export function hashLeafBatch(batch: LeafBatch, marks: readonly number[] = []): BatchHashes {
  const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
  if (data.length > 0 && data[0] !== 0x00) return { ok: false, problem: 'malformed leaf batch' };
  // Hashes travel as 32-character 'binary' (latin1) strings, not Buffers: node:crypto returns a
  // string about three times faster than it allocates a Buffer, and verification hashes about
  // two inputs per entry. Each char code is one byte, so `write(…, 'latin1')` restores them.
  const node = Buffer.allocUnsafe(65);
  node[0] = 0x01; // RFC 6962 §2.1: interior nodes are hashed with a 0x01 prefix
  const stack: string[] = [];
  const atMarks: Uint8Array[][] = [];
  let nextMark = 0;
  let size = 0;
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x00, start + 1);
    if (end === -1) end = data.length;
    let hashed = hash('sha256', data.subarray(start, end), 'binary');
    for (let n = size; n % 2 === 1; n = (n - 1) / 2) {
      node.write(stack.pop() as string, 1, 32, 'latin1');
      node.write(hashed, 33, 32, 'latin1');
      hashed = hash('sha256', node, 'binary');
    }
    stack.push(hashed);
    size++;
    start = end;
    while (nextMark < marks.length && marks[nextMark] === size) {
      atMarks.push(stack.map(toBytes));
      nextMark++;
    }
  }
  if (size !== batch.count) {
    return {
      ok: false,
      problem: `the packed leaf texts split into ${size} leaves, not ${batch.count} (a text holds a 0x00 byte)`,
    };
  }
  return { ok: true, count: size, subtrees: stack.map(toBytes), atMarks };
}

function toBytes(latin1: string): Uint8Array {
  return new Uint8Array(Buffer.from(latin1, 'latin1'));
}

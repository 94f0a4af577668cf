import { hashChildren } from './merkle-hash.ts';

/**
 * RFC 9162 §2.1 (RFC 6962 §2.1) Merkle tree proofs, expressed over ranges of leaves so that a
 * store can answer them from the perfect subtree hashes it keeps, without rehashing the log.
 *
 * A *range* [start, end) of leaves appears in a proof when the tree is split recursively at the
 * largest power of two below its size; every such range starts at a multiple of a power of two
 * at least as large as itself, so it decomposes into aligned perfect subtrees (see
 * `perfectSubtrees`) whose hashes fold from the right into the range's MTH.
 */

export interface LeafRange {
  start: number;
  end: number;
}

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a single leaf. */
export interface SubtreeRef {
  level: number;
  index: number;
}

export type SubtreeLookup = (ref: SubtreeRef) => Uint8Array;

const HASH_BYTES = 32;

/** The largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Aligned perfect subtrees covering [start, end), left to right, largest first. */
export function perfectSubtrees(range: LeafRange): SubtreeRef[] {
  const refs: SubtreeRef[] = [];
  let position = range.start;
  while (position < range.end) {
    let level = 0;
    while (position % 2 ** (level + 1) === 0 && position + 2 ** (level + 1) <= range.end) level++;
    refs.push({ level, index: position / 2 ** level });
    position += 2 ** level;
  }
  return refs;
}

/** MTH of a proof range from the hashes of its perfect subtrees (folded from the right). */
export function rangeHash(range: LeafRange, lookup: SubtreeLookup): Uint8Array {
  const parts = perfectSubtrees(range).map(lookup);
  let hash = parts.pop();
  if (!hash) throw new RangeError(`empty range [${range.start}, ${range.end})`);
  while (parts.length > 0) hash = hashChildren(parts.pop() as Uint8Array, hash);
  return hash;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:n]) as the ranges whose hashes form the proof, leaf first. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  }
  const path = (m: number, start: number, end: number): LeafRange[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), { start: start + k, end }]
      : [...path(m - k, start + k, end), { start, end: start + k }];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) as ranges, for 0 < m ≤ n. */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2) {
    throw new RangeError(`no consistency proof from size ${size1} to size ${size2}`);
  }
  const subproof = (m: number, start: number, end: number, complete: boolean): LeafRange[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [{ start, end }];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, complete), { start: start + k, end }]
      : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(size1, 0, size2, true);
}

export type ProofFailure =
  | 'index-out-of-range'
  | 'bad-hash-length'
  | 'wrong-proof-size'
  | 'root-mismatch'
  | 'sizes-out-of-order'
  | 'empty-tree';

export type ProofCheck = { ok: true } | { ok: false; reason: ProofFailure };

const fail = (reason: ProofFailure): ProofCheck => ({ ok: false, reason });

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leafHash` at `index` in the tree with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofCheck {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return fail('index-out-of-range');
  }
  if (leafHash.length !== HASH_BYTES || root.length !== HASH_BYTES) return fail('bad-hash-length');
  if (proof.some((hash) => hash.length !== HASH_BYTES)) return fail('bad-hash-length');
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return fail('wrong-proof-size');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return fail('wrong-proof-size');
  return equalBytes(r, root) ? { ok: true } : fail('root-mismatch');
}

/**
 * RFC 9162 §2.1.4.2: is the tree (size2, root2) an append-only extension of (size1, root1)?
 * A proof from the empty tree proves nothing, so size1 = 0 is refused (the transparency-dev
 * vectors in shared/corpus/merkle expect the same); Dossier's checkpoints never start at 0.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): ProofCheck {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 > size2 || size1 < 0) {
    return fail('sizes-out-of-order');
  }
  if (size1 === 0) return fail('empty-tree');
  if (size1 === size2) {
    if (proof.length > 0) return fail('wrong-proof-size');
    return equalBytes(root1, root2) ? { ok: true } : fail('root-mismatch');
  }
  if (root1.length !== HASH_BYTES || root2.length !== HASH_BYTES) return fail('bad-hash-length');
  if (proof.some((hash) => hash.length !== HASH_BYTES)) return fail('bad-hash-length');
  if (proof.length === 0) return fail('wrong-proof-size');
  // When size1 is a power of two, root1 itself is the first node of the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('wrong-proof-size');
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return fail('wrong-proof-size');
  return equalBytes(fr, root1) && equalBytes(sr, root2) ? { ok: true } : fail('root-mismatch');
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

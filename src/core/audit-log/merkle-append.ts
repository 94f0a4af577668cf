import { hashChildren } from './merkle-hash.ts';
import type { SubtreeRef } from './merkle-tree.ts';

export interface SubtreeHash extends SubtreeRef {
  hash: Uint8Array;
}

/**
 * The left siblings that appending leaf `index` completes: at each level where the new subtree is
 * a right child, its left sibling and it form the parent. A store fetches these before calling
 * `subtreesCompletedBy`.
 */
export function appendSiblings(index: number): SubtreeRef[] {
  const refs: SubtreeRef[] = [];
  let position = index;
  let level = 0;
  while (position % 2 === 1) {
    refs.push({ level, index: position - 1 });
    position = (position - 1) / 2;
    level++;
  }
  return refs;
}

/**
 * Every perfect subtree whose last leaf is `index`, from the leaf itself upward, given the hashes
 * of `appendSiblings(index)` in the same order. Storing these on append keeps every proof
 * answerable from O(log n) stored hashes.
 */
export function subtreesCompletedBy(
  index: number,
  leafHash: Uint8Array,
  siblings: readonly Uint8Array[],
): SubtreeHash[] {
  const refs = appendSiblings(index);
  if (siblings.length !== refs.length) {
    throw new RangeError(
      `appending leaf ${index} needs ${refs.length} sibling hashes, got ${siblings.length}`,
    );
  }
  const completed: SubtreeHash[] = [{ level: 0, index, hash: leafHash }];
  let hash = leafHash;
  for (const [i, ref] of refs.entries()) {
    hash = hashChildren(siblings[i] as Uint8Array, hash);
    completed.push({ level: ref.level + 1, index: ref.index / 2, hash });
  }
  return completed;
}

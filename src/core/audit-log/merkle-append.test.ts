import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendSiblings, subtreesCompletedBy } from './merkle-append.ts';
import { hashChildren, hashLeaf, toHex } from './merkle-hash.ts';
import { rangeHash } from './merkle-tree.ts';

describe('appending leaves', () => {
  it('names the left siblings a new leaf completes', () => {
    assert.deepEqual(appendSiblings(0), []);
    assert.deepEqual(appendSiblings(1), [{ level: 0, index: 0 }]);
    assert.deepEqual(appendSiblings(6), []);
    assert.deepEqual(appendSiblings(7), [
      { level: 0, index: 6 },
      { level: 1, index: 2 },
      { level: 2, index: 0 },
    ]);
  });

  it('maintains, leaf by leaf, the subtree hashes that give every tree root', () => {
    const stored = new Map<string, Uint8Array>();
    const key = (level: number, index: number) => `${level}/${index}`;
    const leaves = Array.from({ length: 100 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
    const naiveRoots: string[] = [];
    const incremental: string[] = [];
    for (const [index, leaf] of leaves.entries()) {
      const siblings = appendSiblings(index).map(
        (ref) => stored.get(key(ref.level, ref.index)) as Uint8Array,
      );
      for (const node of subtreesCompletedBy(index, leaf, siblings))
        stored.set(key(node.level, node.index), node.hash);
      incremental.push(
        toHex(
          rangeHash(
            { start: 0, end: index + 1 },
            (ref) => stored.get(key(ref.level, ref.index)) as Uint8Array,
          ),
        ),
      );
      naiveRoots.push(toHex(naiveRoot(leaves.slice(0, index + 1))));
    }
    assert.deepEqual(incremental, naiveRoots);
    // A perfect binary tree over n leaves has fewer than 2n nodes.
    assert.ok(stored.size < 200);
  });

  it('refuses a sibling list of the wrong length', () => {
    assert.throws(
      () => subtreesCompletedBy(3, hashLeaf(Buffer.from('x')), []),
      /needs 2 sibling hashes, got 0/,
    );
  });
});

function naiveRoot(leafHashes: Uint8Array[]): Uint8Array {
  const go = (items: Uint8Array[]): Uint8Array => {
    if (items.length === 1) return items[0] as Uint8Array;
    let k = 1;
    while (k * 2 < items.length) k *= 2;
    return hashChildren(go(items.slice(0, k)), go(items.slice(k)));
  };
  return go(leafHashes);
}

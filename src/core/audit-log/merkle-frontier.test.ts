import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MerkleFrontier } from './merkle-frontier.ts';
import { hashChildren, hashLeaf, toHex } from './merkle-hash.ts';

function naiveRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

describe('MerkleFrontier', () => {
  it('gives the RFC 9162 root after every push, for 1 to 130 leaves', () => {
    const frontier = new MerkleFrontier();
    const leaves: Uint8Array[] = [];
    assert.equal(frontier.root(), undefined);
    for (let i = 0; i < 130; i++) {
      const leaf = hashLeaf(Buffer.from(`leaf ${i}`));
      leaves.push(leaf);
      frontier.push(leaf);
      assert.equal(toHex(frontier.root() as Uint8Array), toHex(naiveRoot(leaves)), `size ${i + 1}`);
    }
    assert.equal(frontier.size, 130);
  });
});

describe('MerkleFrontier.pushSubtree and rootWith', () => {
  const leaves = Array.from({ length: 64 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

  it('builds the same tree from aligned subtrees as from their leaves', () => {
    for (const level of [0, 1, 2, 3]) {
      const width = 2 ** level;
      const frontier = new MerkleFrontier();
      for (let start = 0; start < leaves.length; start += width) {
        frontier.pushSubtree(naiveRoot(leaves.slice(start, start + width)), level);
        const expected = naiveRoot(leaves.slice(0, start + width));
        assert.equal(
          toHex(frontier.root() as Uint8Array),
          toHex(expected),
          `2^${level} × ${start}`,
        );
      }
    }
  });

  it('refuses a subtree that would not be aligned', () => {
    const frontier = new MerkleFrontier();
    frontier.push(leaves[0] as Uint8Array);
    assert.throws(() => frontier.pushSubtree(leaves[1] as Uint8Array, 1), RangeError);
  });

  it('gives the root with a smaller tail appended, without pushing it', () => {
    const frontier = new MerkleFrontier();
    frontier.pushSubtree(naiveRoot(leaves.slice(0, 8)), 3);
    // The tail of 8 + 5 leaves: a subtree of 4, then one leaf.
    const tail = [naiveRoot(leaves.slice(8, 12)), leaves[12] as Uint8Array];
    assert.equal(
      toHex(frontier.rootWith(tail) as Uint8Array),
      toHex(naiveRoot(leaves.slice(0, 13))),
    );
    assert.equal(frontier.size, 8);
    assert.equal(new MerkleFrontier().rootWith([]), undefined);
  });
});

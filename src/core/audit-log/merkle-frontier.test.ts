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

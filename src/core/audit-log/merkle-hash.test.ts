import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath } from '../../../test/support/corpus.ts';
import { hashChildren, hashLeaf, toHex } from './merkle-hash.ts';

// The eight leaves of the RFC 6962 reference tests (certificate-transparency, reused by
// transparency-dev/merkle, whose vectors are in ../shared/corpus/merkle/).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));

/** RFC 6962 §2.1 MTH, written directly from the definition (k = largest power of two < n). */
function treeHash(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return hashLeaf(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

interface InclusionVector {
  treeSize: number;
  root: string;
  leafIdx: number;
  leafHash: string;
}

function vector(path: string): InclusionVector {
  return JSON.parse(readFileSync(corpusPath('merkle', 'testdata', 'inclusion', path), 'utf8'));
}

describe('RFC 6962 hashing', () => {
  it('hashes the empty leaf to the published value', () => {
    assert.equal(
      toHex(hashLeaf(new Uint8Array())),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  // transparency-dev/merkle testdata/inclusion/*/happy-path.json, commit 417fb0c3.
  for (const path of [
    '0/happy-path.json',
    '1/happy-path.json',
    '2/happy-path.json',
    '3/happy-path.json',
    '4/happy-path.json',
  ]) {
    it(`reproduces the root and leaf hash of ${path}`, () => {
      const expected = vector(path);
      const leaves = LEAVES.slice(0, expected.treeSize);
      assert.equal(leaves.length, expected.treeSize);
      assert.equal(toHex(treeHash(leaves)), Buffer.from(expected.root, 'base64').toString('hex'));
      assert.equal(
        toHex(hashLeaf(LEAVES[expected.leafIdx] as Uint8Array)),
        Buffer.from(expected.leafHash, 'base64').toString('hex'),
      );
    });
  }

  it('never confuses a leaf with a node over the same bytes', () => {
    const a = hashLeaf(Buffer.from('a'));
    const b = hashLeaf(Buffer.from('b'));
    assert.notEqual(toHex(hashChildren(a, b)), toHex(hashLeaf(Buffer.concat([a, b]))));
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { hashChildren, hashLeaf, toHex } from './merkle-hash.ts';
import {
  consistencyProofRanges,
  inclusionProofRanges,
  type LeafRange,
  perfectSubtrees,
  rangeHash,
  type SubtreeRef,
  verifyConsistency,
  verifyInclusion,
} from './merkle-tree.ts';

// Vectors: transparency-dev/merkle, testdata/inclusion and testdata/consistency at commit
// 417fb0c314750d94e53942e9f92e79b6d35915db (Apache-2.0), copied into shared/corpus/merkle/.
const b64 = (value: string | null | undefined) => Buffer.from(value ?? '', 'base64');
const vectorRoot = corpusPath('merkle', 'testdata');

/** MTH straight from the RFC's recursive definition, as the reference. */
function treeHash(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return hashLeaf(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** Subtree hashes as a log store would keep them, computed here from the leaves. */
function lookupFor(leaves: Uint8Array[]) {
  return (ref: SubtreeRef) => {
    const start = ref.index * 2 ** ref.level;
    const slice = leaves.slice(start, start + 2 ** ref.level);
    assert.equal(slice.length, 2 ** ref.level, `subtree ${ref.level}/${ref.index} is not complete`);
    return treeHash(slice);
  };
}

const proofOf = (ranges: LeafRange[], leaves: Uint8Array[]) =>
  ranges.map((range) => rangeHash(range, lookupFor(leaves)));

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

describe('RFC 9162 inclusion proofs', () => {
  const files = corpusFiles('merkle/testdata/inclusion');

  it('finds the published inclusion vectors', () => {
    assert.ok(files.length >= 90, `found ${files.length}`);
  });

  for (const file of files) {
    const vector = JSON.parse(readFileSync(file, 'utf8'));
    it(`${relative(vectorRoot, file)}: ${vector.wantErr ? 'rejects' : 'accepts'} (${vector.desc})`, () => {
      const check = verifyInclusion(
        vector.leafIdx,
        vector.treeSize,
        b64(vector.leafHash),
        (vector.proof ?? []).map(b64),
        b64(vector.root),
      );
      assert.equal(check.ok, !vector.wantErr, JSON.stringify(check));
    });
  }

  it('generates the published happy-path proofs from subtree hashes', () => {
    for (const dir of ['1', '2', '3', '4']) {
      const vector = JSON.parse(
        readFileSync(corpusPath('merkle', 'testdata', 'inclusion', dir, 'happy-path.json'), 'utf8'),
      );
      const leaves = LEAVES.slice(0, vector.treeSize);
      const proof = proofOf(inclusionProofRanges(vector.leafIdx, vector.treeSize), leaves);
      assert.deepEqual(
        proof.map((hash) => Buffer.from(hash).toString('base64')),
        vector.proof ?? [],
      );
    }
  });

  it('generates proofs that verify for every leaf of every tree up to 40 leaves, and fail for a neighbour', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => Buffer.from(`leaf ${i}`));
    let checked = 0;
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = treeHash(tree);
      for (let index = 0; index < size; index++) {
        const proof = proofOf(inclusionProofRanges(index, size), tree);
        assert.deepEqual(
          verifyInclusion(index, size, hashLeaf(tree[index] as Uint8Array), proof, root),
          { ok: true },
        );
        if (size > 1) {
          const other = (index + 1) % size;
          assert.equal(
            verifyInclusion(other, size, hashLeaf(tree[index] as Uint8Array), proof, root).ok,
            false,
          );
        }
        checked++;
      }
    }
    assert.equal(checked, (40 * 41) / 2);
  });
});

describe('RFC 9162 consistency proofs', () => {
  const files = corpusFiles('merkle/testdata/consistency');

  it('finds the published consistency vectors', () => {
    assert.ok(files.length >= 90, `found ${files.length}`);
  });

  for (const file of files) {
    const vector = JSON.parse(readFileSync(file, 'utf8'));
    it(`${relative(vectorRoot, file)}: ${vector.wantErr ? 'rejects' : 'accepts'} (${vector.desc})`, () => {
      const check = verifyConsistency(
        vector.size1,
        vector.size2,
        (vector.proof ?? []).map(b64),
        b64(vector.root1),
        b64(vector.root2),
      );
      assert.equal(check.ok, !vector.wantErr, JSON.stringify(check));
    });
  }

  it('generates the published happy-path proofs from subtree hashes', () => {
    for (const dir of ['1', '2', '3', '4']) {
      const vector = JSON.parse(
        readFileSync(
          corpusPath('merkle', 'testdata', 'consistency', dir, 'happy-path.json'),
          'utf8',
        ),
      );
      const proof = proofOf(
        consistencyProofRanges(vector.size1, vector.size2),
        LEAVES.slice(0, vector.size2),
      );
      assert.deepEqual(
        proof.map((hash) => Buffer.from(hash).toString('base64')),
        vector.proof ?? [],
      );
    }
  });

  it('generates proofs that verify between every pair of sizes up to 40, and fail against a wrong root', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => Buffer.from(`entry ${i}`));
    const roots = leaves.map((_, i) => treeHash(leaves.slice(0, i + 1)));
    for (let size2 = 1; size2 <= leaves.length; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = proofOf(consistencyProofRanges(size1, size2), leaves.slice(0, size2));
        const root1 = roots[size1 - 1] as Uint8Array;
        const root2 = roots[size2 - 1] as Uint8Array;
        assert.deepEqual(
          verifyConsistency(size1, size2, proof, root1, root2),
          { ok: true },
          `${size1} → ${size2}`,
        );
        if (size1 < size2) {
          assert.equal(verifyConsistency(size1, size2, proof, root2, root1).ok, false);
        }
      }
    }
  });
});

describe('perfect subtree decomposition', () => {
  it('covers a range exactly with aligned subtrees, largest first', () => {
    assert.deepEqual(perfectSubtrees({ start: 0, end: 7 }), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(perfectSubtrees({ start: 8, end: 16 }), [{ level: 3, index: 1 }]);
  });

  it('gives the same root as the recursive definition for every size up to 64', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => Buffer.from([i]));
    for (let size = 1; size <= 64; size++) {
      assert.equal(
        toHex(rangeHash({ start: 0, end: size }, lookupFor(leaves))),
        toHex(treeHash(leaves.slice(0, size))),
      );
    }
  });
});

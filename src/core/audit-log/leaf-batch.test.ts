import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashLeafBatch, packLeafTexts } from './leaf-batch.ts';
import { MerkleFrontier } from './merkle-frontier.ts';
import { hashChildren, hashLeafText, toHex } from './merkle-hash.ts';

const texts = (count: number) =>
  Array.from({ length: count }, (_, i) => `{"n":${i},"s":"é\\u0000${'x'.repeat(i % 7)}"}`);

const hex = (hashes: readonly Uint8Array[]) => hashes.map(toHex);
const leafOf = (text: string) => Buffer.from(hashLeafText(text), 'hex');

describe('hashLeafBatch', () => {
  it('gives the frontier of every prefix asked for, and of the whole batch, for 0 to 70 texts', () => {
    for (let count = 0; count <= 70; count++) {
      const all = texts(count);
      const marks = Array.from({ length: count }, (_, i) => i + 1);
      const hashed = hashLeafBatch(packLeafTexts(all), marks);
      assert.ok(hashed.ok, `count ${count}`);
      assert.equal(hashed.count, count);
      const tree = new MerkleFrontier();
      all.forEach((text, i) => {
        tree.push(Buffer.from(hashLeafText(text), 'hex'));
        const root = new MerkleFrontier().rootWith(hashed.atMarks[i] ?? []);
        assert.equal(toHex(root as Uint8Array), toHex(tree.root() as Uint8Array), `${count}@${i}`);
      });
      assert.equal(hashed.subtrees.length, count.toString(2).replaceAll('0', '').length);
      const root = new MerkleFrontier().rootWith(hashed.subtrees);
      assert.deepEqual(root && toHex(root), tree.root() && toHex(tree.root() as Uint8Array));
    }
  });

  it('refuses a batch whose texts hold a raw 0x00, which would shift every leaf after it', () => {
    const batch = packLeafTexts(['{"a":1}', '{"b":"x\u0000y"}', '{"c":3}']);
    assert.equal(batch.count, 3);
    const hashed = hashLeafBatch(batch);
    assert.equal(hashed.ok, false);
    assert.match(hashed.ok ? '' : hashed.problem, /split into 4 leaves, not 3/);
  });

  it('refuses bytes that do not start with the 0x00 before the first text', () => {
    const hashed = hashLeafBatch({ count: 1, data: Buffer.from('{"a":1}') });
    assert.deepEqual(hashed, { ok: false, problem: 'malformed leaf batch' });
  });

  it('packs UTF-8 texts each after one 0x00 byte', () => {
    const batch = packLeafTexts(['é', '{}']);
    assert.deepEqual([...batch.data], [0, 0xc3, 0xa9, 0, 0x7b, 0x7d]);
    const hashed = hashLeafBatch(batch);
    assert.ok(hashed.ok);
    assert.deepEqual(hex(hashed.subtrees), [toHex(hashChildren(leafOf('é'), leafOf('{}')))]);
  });
});

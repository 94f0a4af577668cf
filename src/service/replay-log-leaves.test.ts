import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignedCheckpoint } from '../core/audit-log/checkpoint.ts';
import { type LeafBatch, packLeafTexts } from '../core/audit-log/leaf-batch.ts';
import { MerkleFrontier } from '../core/audit-log/merkle-frontier.ts';
import { hashLeafText } from '../core/audit-log/merkle-hash.ts';
import { LogReplay } from '../core/audit-log/verify-log.ts';
import { LEAF_BATCH_SIZE, replayLogLeaves } from './replay-log-leaves.ts';

// Two and a half batches, so threads hash whole batches and the last one is partial.
const SIZE = 2 * LEAF_BATCH_SIZE + LEAF_BATCH_SIZE / 2 + 3;
const texts = Array.from(
  { length: SIZE },
  (_, seq) => `{"seq":${seq},"é":"${'x'.repeat(seq % 50)}"}`,
);
// Inside the first batch, on a batch edge, inside the last, and the end.
const SIZES = [1, 1000, LEAF_BATCH_SIZE, LEAF_BATCH_SIZE + 1, 2 * LEAF_BATCH_SIZE + 77, SIZE];

function checkpointsOver(leafTexts: readonly string[]): SignedCheckpoint[] {
  const tree = new MerkleFrontier();
  const checkpoints: SignedCheckpoint[] = [];
  leafTexts.forEach((text, i) => {
    tree.push(Buffer.from(hashLeafText(text), 'hex'));
    if (SIZES.includes(i + 1)) {
      checkpoints.push({
        size: i + 1,
        rootHash: tree.root() as Uint8Array,
        time: '',
        keyName: 'k',
        note: '',
      });
    }
  });
  return checkpoints;
}

const readFrom =
  (leafTexts: readonly string[]) =>
  async (from: number, to: number): Promise<LeafBatch> =>
    packLeafTexts(leafTexts.slice(from, to));

describe('replayLogLeaves', () => {
  const checkpoints = checkpointsOver(texts);

  for (const workers of [0, 2]) {
    it(`rebuilds every checkpoint's root from the leaf texts (${workers} hashing threads)`, async () => {
      const replay = new LogReplay(checkpoints);
      await replayLogLeaves(readFrom(texts), replay, SIZE, { workers });
      assert.deepEqual(replay.finish(), []);
      assert.equal(replay.size, SIZE);
    });

    it(`names the checkpoints after a changed entry (${workers} hashing threads)`, async () => {
      const changed = [...texts];
      changed[LEAF_BATCH_SIZE + 5] = '{"seq":"forged"}';
      const replay = new LogReplay(checkpoints);
      await replayLogLeaves(readFrom(changed), replay, SIZE, { workers });
      assert.deepEqual(
        replay.finish().map((problem) => problem.where),
        [`checkpoint ${LEAF_BATCH_SIZE + 77 + LEAF_BATCH_SIZE}`, `checkpoint ${SIZE}`],
      );
    });
  }

  it('stops at a batch with an entry missing, and names the checkpoints it cannot reach', async () => {
    // As a store reads a range of sequence numbers: one short.
    const read = async (from: number, to: number) =>
      packLeafTexts(texts.slice(from, to).filter((_, i) => from + i !== 500));
    const replay = new LogReplay(checkpoints);
    await replayLogLeaves(read, replay, SIZE, { workers: 2 });
    const problems = replay.finish();
    assert.equal(replay.size, LEAF_BATCH_SIZE - 1);
    assert.deepEqual(problems[0], {
      where: 'checkpoint 1000',
      problem: 'root hash differs from the root of the entries',
    });
    assert.ok(problems.length >= 4, JSON.stringify(problems));
  });

  it('fails when a hashing thread fails', async () => {
    const replay = new LogReplay(checkpoints);
    const read = async (from: number, to: number): Promise<LeafBatch> =>
      from === LEAF_BATCH_SIZE
        ? { count: to - from, data: 'not bytes' as unknown as Uint8Array }
        : packLeafTexts(texts.slice(from, to));
    await assert.rejects(replayLogLeaves(read, replay, SIZE, { workers: 2 }));
  });
});

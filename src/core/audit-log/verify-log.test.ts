import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuditEntry, auditLeafText, sealAuditEntry } from './audit-entry.ts';
import type { SignedCheckpoint } from './checkpoint.ts';
import { hashLeafBatch, packLeafTexts } from './leaf-batch.ts';
import { MerkleFrontier } from './merkle-frontier.ts';
import { LogReplay } from './verify-log.ts';

const entries: AuditEntry[] = Array.from({ length: 37 }, (_, seq) =>
  sealAuditEntry(
    {
      time: '2026-11-23T10:00:00.000Z',
      actor: 'token:ci',
      action: 'release.created',
      subject: `release:r${seq}`,
      details: { seq },
    },
    seq,
  ),
);
const textOf = (entry: AuditEntry) => auditLeafText(entry, JSON.stringify(entry.details));

/** Checkpoints at every size 0…37, with the true roots (signatures are checked elsewhere). */
function checkpointsOf(list: readonly AuditEntry[]): SignedCheckpoint[] {
  const tree = new MerkleFrontier();
  const roots: Uint8Array[] = [
    new Uint8Array(
      Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
    ),
  ];
  for (const entry of list) {
    tree.push(Buffer.from(entry.leafHash, 'hex'));
    roots.push(tree.root() as Uint8Array);
  }
  return roots.map((rootHash, size) => ({ size, rootHash, time: '', keyName: 'k', note: '' }));
}

function replayInBatches(texts: readonly string[], width: number, checkpoints: SignedCheckpoint[]) {
  const replay = new LogReplay(checkpoints);
  for (let from = 0; from < texts.length; from += width) {
    const batch = packLeafTexts(texts.slice(from, from + width));
    replay.addBatch(hashLeafBatch(batch, replay.marksWithin(from, batch.count)), from, batch.count);
  }
  return replay;
}

describe('LogReplay.addBatch', () => {
  const checkpoints = checkpointsOf(entries);
  const texts = entries.map(textOf);

  it('checks the root at every checkpoint, inside batches and at their edges, for batch widths 1 to 64', () => {
    for (const width of [1, 2, 4, 8, 16, 32, 64]) {
      const replay = replayInBatches(texts, width, checkpoints);
      assert.deepEqual(replay.finish(), [], `width ${width}`);
      assert.equal(replay.size, 37);
    }
  });

  it('names every checkpoint from a changed entry on', () => {
    const changed = [...texts];
    changed[20] = (changed[20] as string).replace('r20', 'r2O');
    const problems = replayInBatches(changed, 8, checkpoints).finish();
    assert.deepEqual(
      problems.map((p) => p.where),
      Array.from({ length: 17 }, (_, i) => `checkpoint ${21 + i}`),
    );
    assert.ok(
      problems.every((p) => p.problem === 'root hash differs from the root of the entries'),
    );
  });

  it('stops at a batch that does not split into its entries, and names the checkpoints it cannot reach', () => {
    const broken = [...texts];
    broken[9] = `${broken[9]}\u0000`;
    const problems = replayInBatches(broken, 8, checkpoints).finish();
    assert.deepEqual(problems[0], {
      where: 'entries 8–15',
      problem: 'the packed leaf texts split into 9 leaves, not 8 (a text holds a 0x00 byte)',
    });
    assert.deepEqual(problems[1], { where: 'checkpoint 9', problem: 'the log has only 8 entries' });
    assert.equal(problems.length, 1 + 37 - 8);
  });

  it('reports checkpoints beyond the entries replayed', () => {
    const problems = replayInBatches(texts.slice(0, 30), 16, checkpoints).finish();
    assert.equal(problems.length, 7);
    assert.deepEqual(problems[0], {
      where: 'checkpoint 31',
      problem: 'the log has only 30 entries',
    });
  });

  it('refuses a batch that does not start on a boundary of its own width', () => {
    const replay = new LogReplay(checkpoints);
    replay.addBatch(hashLeafBatch(packLeafTexts(texts.slice(0, 4))), 0, 4);
    const batch = packLeafTexts(texts.slice(4, 12));
    assert.throws(() => replay.addBatch(hashLeafBatch(batch), 4, 8), RangeError);
  });
});

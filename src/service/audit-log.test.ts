import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../test/support/services.ts';
import type { Actor } from '../core/actor.ts';
import { parseCheckpoint } from '../core/audit-log/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../core/audit-log/merkle-tree.ts';
import { parseVerifierKey, verifySignedNote } from '../core/audit-log/signed-note.ts';

const admin: Actor = { id: 'token:admin', roles: ['admin'] };
const hex = (value: string) => Buffer.from(value, 'hex');

describe('the audit log as a Merkle tree with signed checkpoints', () => {
  let t: TestServices;
  const pinnedKeys = () =>
    t.services.log.keys().keys.map((key) => parseVerifierKey(key.verifierKey));

  before(async () => {
    t = await openTestServices();
    for (let i = 0; i < 12; i++) {
      await t.services.releases.create(admin, {
        service: 'log-test',
        version: `1.0.${i}`,
        commit: 'a'.repeat(40),
      });
    }
  });
  after(() => t.dispose());

  it('keeps its signing key readable by the owner only', async () => {
    const dir = join(t.dataDir, 'log-keys');
    const keyFiles = (await readdir(dir)).filter((name) => name.endsWith('.key'));
    assert.equal(keyFiles.length, 1);
    assert.equal((await stat(join(dir, keyFiles[0] as string))).mode & 0o777, 0o600);
  });

  it('signs a checkpoint over the whole log that verifies with the published key', async () => {
    const checkpoint = await t.services.log.checkpoint();
    assert.equal(checkpoint.size, 12);
    const check = verifySignedNote(checkpoint.note, pinnedKeys());
    assert.ok(check.ok, JSON.stringify(check));
    const body = parseCheckpoint(check.text);
    assert.equal(body.origin, t.services.log.keys().origin);
    assert.equal(body.size, 12);
    assert.deepEqual(Buffer.from(body.rootHash), Buffer.from(checkpoint.rootHash));
    const [last] = await t.services.log.entries(11, 1);
    assert.ok(
      body.time && last && body.time > last.time,
      `signed at ${body.time}, after the last entry`,
    );
  });

  it('returns the same checkpoint while the log has not grown', async () => {
    const first = await t.services.log.checkpoint();
    const second = await t.services.log.checkpoint();
    assert.equal(second.note, first.note);
  });

  it('proves every entry is included in the checkpointed tree', async () => {
    const checkpoint = await t.services.log.checkpoint();
    const entries = await t.services.log.entries(0, 100);
    for (const entry of entries) {
      const proof = await t.services.log.inclusionProof(entry.seq, checkpoint.size);
      assert.equal(proof.leafHash, entry.leafHash);
      const check = verifyInclusion(
        entry.seq,
        checkpoint.size,
        hex(entry.leafHash),
        proof.proof.map(hex),
        checkpoint.rootHash,
      );
      assert.deepEqual(check, { ok: true }, `entry ${entry.seq}`);
    }
  });

  it('proves a later checkpoint extends an earlier one', async () => {
    const earlier = await t.services.log.checkpoint();
    await t.services.releases.create(admin, {
      service: 'log-test',
      version: '2.0.0',
      commit: 'b'.repeat(40),
    });
    const later = await t.services.log.checkpoint();
    assert.equal(later.size, earlier.size + 1);
    const proof = await t.services.log.consistencyProof(earlier.size, later.size);
    assert.deepEqual(
      verifyConsistency(
        earlier.size,
        later.size,
        proof.proof.map(hex),
        earlier.rootHash,
        later.rootHash,
      ),
      { ok: true },
    );
    assert.deepEqual(
      (await t.services.log.checkpoints(0, 10)).map((c) => c.size),
      [earlier.size, later.size],
    );
  });

  it('refuses proofs for entries or sizes outside the log, naming the field', async () => {
    const size = (await t.services.log.checkpoint()).size;
    await assert.rejects(t.services.log.inclusionProof(size, size), {
      code: 'INVALID_INPUT',
      issues: [{ path: 'seq', message: `entry ${size} is not in a tree of size ${size}` }],
    });
    await assert.rejects(t.services.log.inclusionProof(0, size + 1), {
      code: 'INVALID_INPUT',
      message: /size/,
    });
    await assert.rejects(t.services.log.consistencyProof(0, size), {
      code: 'INVALID_INPUT',
      message: /empty tree/,
    });
    await assert.rejects(t.services.log.entries(0, 0), { code: 'INVALID_INPUT' });
  });

  it('rotates the signing key: new checkpoints carry the new key, old ones still verify', async () => {
    const before = await t.services.log.checkpoint();
    const { previous, active } = await t.services.log.rotateKey(admin);
    assert.notEqual(previous, active);
    const after = await t.services.log.checkpoint();
    assert.equal(after.keyName, active);
    assert.ok(after.size > before.size, 'the rotation itself is logged');
    const keys = t.services.log.keys().keys;
    assert.deepEqual(
      keys.map((k) => [k.name, k.active]),
      [
        [previous, false],
        [active, true],
      ],
    );
    assert.ok(verifySignedNote(before.note, pinnedKeys()).ok);
    assert.ok(verifySignedNote(after.note, pinnedKeys()).ok);
    const onlyOld = pinnedKeys().filter((key) => key.name === previous);
    assert.equal(verifySignedNote(after.note, onlyOld).ok, false);
    const [entry] = (await t.services.log.entries(0, 1000)).filter(
      (e) => e.action === 'log.key_rotated',
    );
    assert.equal(entry?.details.active, active);
  });

  it('lets only an admin rotate the key', async () => {
    await assert.rejects(t.services.log.rotateKey({ id: 'token:ci', roles: [] }), {
      code: 'FORBIDDEN',
    });
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { type BlobStore, BlobTooLargeError } from './blob-store.ts';
import { openFileBlobStore } from './file-blob-store.ts';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw new Error('connection reset');
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('file blob store', () => {
  let root: string;
  let blobs: BlobStore;
  const tempFiles = () => readdir(join(root, 'tmp'));

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dossier-blobs-'));
    blobs = await openFileBlobStore(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('stores committed bytes under their SHA-256 and serves them back unchanged', async () => {
    const staged = await blobs.stage(chunks('<testsuite', ' tests="1"/>'), { maxBytes: 1000 });
    assert.equal(staged.sha256, sha256('<testsuite tests="1"/>'));
    assert.equal(staged.size, 22);
    assert.equal(await blobs.has(staged.sha256), false, 'not visible before commit');
    await staged.commit();
    assert.equal(await blobs.has(staged.sha256), true);
    const stream = await blobs.open(staged.sha256);
    assert.ok(stream);
    assert.equal(await text(stream), '<testsuite tests="1"/>');
    const onDisk = join(
      root,
      'sha256',
      staged.sha256.slice(0, 2),
      staged.sha256.slice(2, 4),
      staged.sha256,
    );
    assert.equal(await readFile(onDisk, 'utf8'), '<testsuite tests="1"/>');
    assert.deepEqual(await tempFiles(), []);
  });

  it('never rewrites an existing blob when the same bytes arrive again', async () => {
    const first = await blobs.stage(chunks('same bytes'), { maxBytes: 100 });
    await first.commit();
    const path = join(
      root,
      'sha256',
      first.sha256.slice(0, 2),
      first.sha256.slice(2, 4),
      first.sha256,
    );
    const before = await stat(path);
    const second = await blobs.stage(chunks('same ', 'bytes'), { maxBytes: 100 });
    await second.commit();
    const afterCommit = await stat(path);
    assert.equal(afterCommit.ino, before.ino);
    assert.equal(afterCommit.mtimeMs, before.mtimeMs);
    assert.deepEqual(await tempFiles(), []);
  });

  it('keeps nothing of a discarded upload', async () => {
    const staged = await blobs.stage(chunks('discard me'), { maxBytes: 100 });
    await staged.discard();
    assert.equal(await blobs.has(staged.sha256), false);
    assert.deepEqual(await tempFiles(), []);
  });

  it('stops at the size limit and keeps nothing', async () => {
    await assert.rejects(
      blobs.stage(chunks('12345', '67890', 'x'), { maxBytes: 10 }),
      BlobTooLargeError,
    );
    assert.equal(await blobs.has(sha256('1234567890x')), false);
    assert.deepEqual(await tempFiles(), []);
  });

  it('accepts a body of exactly the limit', async () => {
    const staged = await blobs.stage(chunks('1234567890'), { maxBytes: 10 });
    assert.equal(staged.size, 10);
    await staged.discard();
  });

  it('keeps nothing when the source fails midway (a dropped connection)', async () => {
    await assert.rejects(
      blobs.stage(failingAfter('partial'), { maxBytes: 100 }),
      /connection reset/,
    );
    assert.equal(await blobs.has(sha256('partial')), false);
    assert.deepEqual(await tempFiles(), []);
  });

  it('treats anything but a hex digest as absent, never as a path', async () => {
    assert.equal(await blobs.open('../../etc/passwd'), undefined);
    assert.equal(await blobs.has('../tmp'), false);
    assert.equal(await blobs.open('A'.repeat(64)), undefined);
  });
});

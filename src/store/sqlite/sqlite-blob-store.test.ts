import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { type BlobStore, BlobTooLargeError } from '../blob/blob-store.ts';
import { openFileBlobStore } from '../blob/file-blob-store.ts';
import type { Store } from '../store.ts';
import { sqliteBlobStore } from './sqlite-blob-store.ts';
import { inlineBlobTable, openSqliteStore } from './sqlite-store.ts';

const INLINE_MAX = 100;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw new Error('connection reset');
}

describe('embedded blob store: small blobs in SQLite, large ones in files', () => {
  let dir: string;
  let store: Store;
  let blobs: BlobStore;
  const open = async () => {
    store = await openSqliteStore(join(dir, 'dossier.db'));
    blobs = sqliteBlobStore(inlineBlobTable(store), await openFileBlobStore(join(dir, 'blobs')), {
      inlineMaxBytes: INLINE_MAX,
    });
  };
  const files = async () =>
    (await readdir(join(dir, 'blobs'), { recursive: true })).filter((p) => p.length > 70);
  const read = async (digest: string) => {
    const stream = await blobs.open(digest);
    return stream ? text(stream) : undefined;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-sqlite-blobs-'));
    await open();
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a small blob in the database, visible only once committed, and for good', async () => {
    const staged = await blobs.stage(chunks('<testsuite', ' tests="1"/>'), { maxBytes: 1000 });
    assert.equal(staged.sha256, sha256('<testsuite tests="1"/>'));
    assert.equal(staged.size, 22);
    assert.equal(await text(staged.open()), '<testsuite tests="1"/>', 'readable before commit');
    assert.equal(await blobs.has(staged.sha256), false);
    await staged.commit();
    await staged.commit();
    assert.equal(await read(staged.sha256), '<testsuite tests="1"/>');
    assert.deepEqual(await files(), [], 'no file for a small blob');
    await store.close();
    await open();
    assert.equal(await read(staged.sha256), '<testsuite tests="1"/>', 'it survives a reopen');
  });

  it('commits a small blob inside a store transaction, or not at all if it rolls back', async () => {
    const kept = await blobs.stage(chunks('kept with the record'), { maxBytes: 1000 });
    await store.transaction(async (tx) => kept.commitIn?.(tx));
    assert.equal(await read(kept.sha256), 'kept with the record');
    const lost = await blobs.stage(chunks('rolled back'), { maxBytes: 1000 });
    await assert.rejects(
      store.transaction(async (tx) => {
        await lost.commitIn?.(tx);
        throw new Error('the record failed');
      }),
    );
    assert.equal(await blobs.has(lost.sha256), false);
  });

  it('keeps the same bytes once, whichever upload commits them', async () => {
    const a = await blobs.stage(chunks('same'), { maxBytes: 1000 });
    const b = await blobs.stage(chunks('sa', 'me'), { maxBytes: 1000 });
    await Promise.all([a.commit(), b.commit()]);
    assert.equal(await read(a.sha256), 'same');
  });

  it('streams a blob larger than the inline limit to a file, whole', async () => {
    const big = 'x'.repeat(INLINE_MAX - 10);
    const parts = [big, 'y'.repeat(30), 'z'.repeat(500)];
    const staged = await blobs.stage(chunks(...parts), { maxBytes: 10_000 });
    assert.equal(staged.sha256, sha256(parts.join('')));
    assert.equal(staged.commitIn, undefined, 'a file blob commits on its own');
    await staged.commit();
    assert.equal(await read(staged.sha256), parts.join(''));
    assert.ok((await files()).some((p) => p.endsWith(staged.sha256)));
  });

  it('refuses too many bytes and keeps nothing, inline or in a file', async () => {
    await assert.rejects(
      blobs.stage(chunks('a'.repeat(40), 'b'.repeat(40)), { maxBytes: 60 }),
      (error) => error instanceof BlobTooLargeError,
    );
    await assert.rejects(
      blobs.stage(chunks('a'.repeat(90), 'b'.repeat(90), 'c'.repeat(90)), { maxBytes: 200 }),
      (error) => error instanceof BlobTooLargeError,
    );
    assert.deepEqual(await readdir(join(dir, 'blobs', 'tmp')), []);
    await assert.rejects(blobs.stage(failingAfter('<partial'), { maxBytes: 1000 }), /reset/);
    assert.equal(await blobs.has(sha256('<partial')), false);
  });

  it('answers nothing for a digest it does not hold or that is not a digest', async () => {
    assert.equal(await blobs.open('0'.repeat(64)), undefined);
    assert.equal(await blobs.has('../../etc/passwd'), false);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { type BlobStore, BlobTooLargeError, type StagedBlob } from '../blob/blob-store.ts';
import {
  BLOB_CHUNK_BYTES,
  openPostgresBlobStore,
  type PostgresBlobStore,
} from './pg-blob-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import {
  adminQuery,
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
  whenPostgresReachable,
} from './test-database.ts';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw new Error('connection reset');
}

async function readBlob(store: BlobStore, digest: string): Promise<string> {
  const stream = await store.open(digest);
  assert.ok(stream, `blob ${digest} is stored`);
  return text(stream);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

await whenPostgresReachable('PostgreSQL blob store', () => {
  describe('PostgreSQL blob store', () => {
    let schema: TestSchema;
    let blobs: PostgresBlobStore;
    const table = (name: string) => `"${schema.name}".${name}`;
    /** What a stray temporary file is to the file store: staged rows and unnamed chunks. */
    const leftovers = async () => {
      const { rows } = await adminQuery(
        `SELECT (SELECT count(*) FROM ${table('blob_staging')})::int AS staged,
                (SELECT count(*) FROM ${table('blob_chunks')} c
                 WHERE NOT EXISTS (SELECT 1 FROM ${table('blobs')} b
                                   WHERE b.content_id = c.content_id))::int AS unnamed`,
      );
      return rows[0];
    };
    const nothingLeft = { staged: 0, unnamed: 0 };

    before(async () => {
      schema = await createTestSchema();
      blobs = await openPostgresBlobStore({ url: TEST_DATABASE_URL, schema: schema.name });
    });
    after(async () => {
      await blobs.close();
      await schema.drop();
    });

    it('stores committed bytes under their SHA-256 and serves them back unchanged', async () => {
      const staged = await blobs.stage(chunks('<testsuite', ' tests="1"/>'), { maxBytes: 1000 });
      assert.equal(staged.sha256, sha256('<testsuite tests="1"/>'));
      assert.equal(staged.size, 22);
      assert.equal(await blobs.has(staged.sha256), false, 'not visible before commit');
      assert.equal(await text(staged.open()), '<testsuite tests="1"/>', 'staged bytes readable');
      await staged.commit();
      assert.equal(await blobs.has(staged.sha256), true);
      const stream = await blobs.open(staged.sha256);
      assert.ok(stream);
      assert.equal(await text(stream), '<testsuite tests="1"/>');
      const { rows } = await adminQuery(
        `SELECT b.size, string_agg(convert_from(c.data, 'UTF8'), '' ORDER BY c.idx) AS bytes
         FROM ${table('blobs')} b JOIN ${table('blob_chunks')} c USING (content_id)
         WHERE b.sha256 = $1 GROUP BY b.size`,
        [staged.sha256],
      );
      assert.deepEqual(rows, [{ size: '22', bytes: '<testsuite tests="1"/>' }]);
      assert.deepEqual(await leftovers(), nothingLeft);
    });

    it('never rewrites an existing blob when the same bytes arrive again', async () => {
      const first = await blobs.stage(chunks('same bytes'), { maxBytes: 100 });
      await first.commit();
      const stored = () =>
        adminQuery(
          `SELECT b.content_id, b.created_at, c.xmin::text AS chunk_version
           FROM ${table('blobs')} b JOIN ${table('blob_chunks')} c USING (content_id)
           WHERE b.sha256 = $1`,
          [first.sha256],
        );
      const before = (await stored()).rows;
      const second = await blobs.stage(chunks('same ', 'bytes'), { maxBytes: 100 });
      await second.commit();
      await second.commit();
      assert.deepEqual((await stored()).rows, before);
      assert.deepEqual(await leftovers(), nothingLeft);
    });

    it('keeps one blob when two uploads of the same bytes commit at once', async () => {
      const uploads = await Promise.all(
        [1, 2, 3].map(() => blobs.stage(chunks('raced bytes'), { maxBytes: 100 })),
      );
      await Promise.all(uploads.map((upload) => upload.commit()));
      const { rows } = await adminQuery(
        `SELECT count(*)::int AS n FROM ${table('blobs')} WHERE sha256 = $1`,
        [sha256('raced bytes')],
      );
      assert.equal(rows[0]?.n, 1);
      assert.equal(await readBlob(blobs, sha256('raced bytes')), 'raced bytes');
      assert.deepEqual(await leftovers(), nothingLeft);
    });

    it('keeps nothing of a discarded upload', async () => {
      const staged = await blobs.stage(chunks('discard me'), { maxBytes: 100 });
      await staged.discard();
      assert.equal(await blobs.has(staged.sha256), false);
      assert.deepEqual(await leftovers(), nothingLeft);
    });

    it('stops at the size limit and keeps nothing', async () => {
      await assert.rejects(
        blobs.stage(chunks('12345', '67890', 'x'), { maxBytes: 10 }),
        BlobTooLargeError,
      );
      assert.equal(await blobs.has(sha256('1234567890x')), false);
      assert.deepEqual(await leftovers(), nothingLeft);
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
      assert.deepEqual(await leftovers(), nothingLeft);
    });

    it('stores and serves an empty blob', async () => {
      const staged = await blobs.stage(chunks(), { maxBytes: 10 });
      await staged.commit();
      assert.equal(staged.sha256, sha256(''));
      assert.equal(await readBlob(blobs, staged.sha256), '');
    });

    it('treats anything but a hex digest as absent, never as a path', async () => {
      assert.equal(await blobs.open('../../etc/passwd'), undefined);
      assert.equal(await blobs.has('../tmp'), false);
      assert.equal(await blobs.open('A'.repeat(64)), undefined);
      assert.equal(await blobs.has(`${'a'.repeat(63)}'`), false);
    });

    it('refuses to change or remove a committed blob, even through raw SQL', async () => {
      const staged = await blobs.stage(chunks('keep me'), { maxBytes: 100 });
      await staged.commit();
      await assert.rejects(adminQuery(`DELETE FROM ${table('blobs')}`), /write-once/);
      await assert.rejects(
        adminQuery(`UPDATE ${table('blob_chunks')} SET idx = idx`),
        /write-once/,
      );
      await assert.rejects(adminQuery(`DELETE FROM ${table('blob_chunks')}`), /write-once/);
      await assert.rejects(adminQuery(`TRUNCATE ${table('blob_chunks')}`), /write-once/);
      assert.equal(await readBlob(blobs, staged.sha256), 'keep me');
    });

    it('works over a pool the caller owns, whatever its search_path', async () => {
      const pool = new pg.Pool({
        connectionString: TEST_DATABASE_URL,
        max: 2,
        options: '-c search_path=pg_catalog',
      });
      try {
        const shared = await openPostgresBlobStore({ pool, schema: schema.name });
        const staged = await shared.stage(chunks('via ', 'a shared pool'), { maxBytes: 100 });
        await staged.commit();
        assert.equal(await readBlob(blobs, staged.sha256), 'via a shared pool');
        const again = await shared.stage(chunks('via a shared pool'), { maxBytes: 100 });
        await again.commit();
        await shared.close();
        assert.equal((await pool.query('SELECT 1 AS one')).rows[0]?.one, 1, 'pool still open');
        assert.deepEqual(await leftovers(), nothingLeft);
      } finally {
        await pool.end();
      }
    });

    it('commits a small blob inside the record transaction, or not at all on rollback', async () => {
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.name });
      try {
        const kept = await blobs.stage(chunks('kept with its record'), { maxBytes: 1000 });
        assert.ok(kept.commitIn, 'a blob smaller than a chunk commits in a transaction');
        assert.equal(await text(kept.open()), 'kept with its record', 'readable before commit');
        await store.transaction(async (tx) => kept.commitIn?.(tx));
        assert.equal(await readBlob(blobs, kept.sha256), 'kept with its record');
        const lost = await blobs.stage(chunks('rolled back with it'), { maxBytes: 1000 });
        await assert.rejects(
          store.transaction(async (tx) => {
            await lost.commitIn?.(tx);
            throw new Error('the record failed');
          }),
          /the record failed/,
        );
        assert.equal(await blobs.has(lost.sha256), false);
        assert.deepEqual(await leftovers(), nothingLeft);
      } finally {
        await store.close();
      }
    });

    it('commits small and near-chunk-size blobs of concurrent transactions with their records', async () => {
      // Concurrent transactions share a group commit; a blob's write rides in a later statement
      // of its transaction (inlined as SQL text when small, sent as a parameter when large).
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.name });
      try {
        const bodies = Array.from({ length: 8 }, (_, i) =>
          `${i}:`.padEnd(i % 2 === 0 ? 100 : BLOB_CHUNK_BYTES - 10, String.fromCharCode(97 + i)),
        );
        const staged = await Promise.all(
          bodies.map((body) => blobs.stage(chunks(body), { maxBytes: BLOB_CHUNK_BYTES })),
        );
        await Promise.all(
          staged.map((blob) =>
            store.transaction(async (tx) => {
              await blob.commitIn?.(tx);
              await tx.countAuditEntries(); // any later statement of the transaction
            }),
          ),
        );
        for (const [i, body] of bodies.entries()) {
          assert.equal(await readBlob(blobs, sha256(body)), body, `blob ${i}`);
        }
        assert.deepEqual(await leftovers(), nothingLeft);
      } finally {
        await store.close();
      }
    });

    it('streams a 20 MiB blob in and out in 1 MiB chunks without holding it in memory', async () => {
      const total = 20 * 1024 * 1024;
      const part = 64 * 1024;
      // Retained memory, after full collections (twice, with a turn of the event loop between,
      // so freed ArrayBuffer backing stores are counted as freed): garbage from parts already
      // written, and the hex text bytea arrives as, would otherwise swamp what is held.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const memory = async () => {
        gc();
        await new Promise(setImmediate);
        gc();
        const usage = process.memoryUsage();
        return usage.arrayBuffers + usage.heapUsed;
      };
      const progress = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await progress.connect();
      const storedSoFar = async () => {
        const { rows } = await progress.query(
          `SELECT coalesce(sum(length(data)), 0)::int AS bytes FROM ${table('blob_chunks')} c
           WHERE NOT EXISTS (SELECT 1 FROM ${table('blobs')} b WHERE b.content_id = c.content_id)`,
        );
        return Number(rows[0]?.bytes);
      };
      const baseline = await memory();
      let peak = 0;
      let maxUnwritten = 0;
      const sent = createHash('sha256');
      async function* generated(): AsyncIterable<Uint8Array> {
        for (let offset = 0; offset < total; offset += part) {
          if (offset % BLOB_CHUNK_BYTES === 0) {
            // Everything pulled so far is in the database but for the chunk being filled.
            maxUnwritten = Math.max(maxUnwritten, offset - (await storedSoFar()));
            peak = Math.max(peak, (await memory()) - baseline);
          }
          // Distinct bytes per part, so a chunk written twice or out of order shows in the hash.
          const bytes = Buffer.alloc(part, (offset / part) % 251);
          bytes.writeUInt32BE(offset, 0);
          sent.update(bytes);
          yield bytes;
        }
      }
      let staged: StagedBlob;
      try {
        staged = await blobs.stage(generated(), { maxBytes: total });
      } finally {
        await progress.end();
      }
      assert.equal(staged.size, total);
      assert.equal(staged.sha256, sent.digest('hex'));
      assert.ok(maxUnwritten < BLOB_CHUNK_BYTES, `${maxUnwritten} bytes pulled but not written`);
      await staged.commit();

      const stream = await blobs.open(staged.sha256);
      assert.ok(stream);
      const received = createHash('sha256');
      let size = 0;
      let largest = 0;
      let maxBuffered = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        received.update(chunk);
        size += chunk.byteLength;
        largest = Math.max(largest, chunk.byteLength);
        maxBuffered = Math.max(maxBuffered, stream.readableLength);
        peak = Math.max(peak, (await memory()) - baseline);
      }
      assert.equal(size, total);
      assert.equal(received.digest('hex'), staged.sha256, 'bytes out equal bytes in');
      assert.equal(largest, BLOB_CHUNK_BYTES, 'read one stored chunk at a time');
      assert.ok(maxBuffered <= BLOB_CHUNK_BYTES, `${maxBuffered} bytes read ahead`);
      const { rows } = await adminQuery(
        `SELECT count(*)::int AS n, max(length(data)) AS largest
         FROM ${table('blob_chunks')} c JOIN ${table('blobs')} b USING (content_id)
         WHERE b.sha256 = $1`,
        [staged.sha256],
      );
      assert.deepEqual(rows[0], { n: 20, largest: BLOB_CHUNK_BYTES });
      // About 1 MiB in practice (one chunk); loose on purpose. Holding the blob would add 20.
      assert.ok(peak < 6 * 1024 * 1024, `memory grew by ${(peak / 1048576).toFixed(1)} MiB`);
    });
  });
});

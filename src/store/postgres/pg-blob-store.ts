import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { isSha256Hex } from '../../core/evidence-record.ts';
import {
  type BlobStore,
  BlobTooLargeError,
  type StagedBlob,
  type StageOptions,
} from '../blob/blob-store.ts';
import type { StoreTx } from '../store.ts';
import { applyPostgresMigrations } from './apply-migrations.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { PostgresWrites } from './postgres-store.ts';
import { checkSchemaName, quotedSchema } from './schema-name.ts';

/** Bytes per stored chunk: memory per upload or download stays near one chunk, 1 MiB. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

export type PostgresBlobStoreOptions = ({ url: string } | { pool: pg.Pool }) & {
  /** Schema holding the blob tables (usually the store's); created and migrated on open. */
  schema: string;
  /** Connections when the store opens its own pool from `url`. Default 4. */
  poolSize?: number;
};

export interface PostgresBlobStore extends BlobStore {
  /** Ends the pool if this store opened it from a URL; a pool passed in stays open. */
  close(): Promise<void>;
}

/**
 * Content-addressed blobs in PostgreSQL, for instances that share no disk. Incoming bytes are
 * hashed while they arrive and written in 1 MiB chunks under a fresh content id, each chunk in
 * its own short statement, so neither memory nor an open transaction grows with the blob.
 * Committing inserts the one `blobs` row that names those chunks by their digest; until then the
 * chunks are invisible to `open`/`has`, so a dropped upload or a crash can leave unreferenced
 * staging chunks (listed in `blob_staging` with their age), never a partial blob under a real
 * name.
 */
export async function openPostgresBlobStore(
  options: PostgresBlobStoreOptions,
): Promise<PostgresBlobStore> {
  const schema = checkSchemaName(options.schema);
  const owned = 'url' in options;
  const pool = owned
    ? new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 4 })
    : options.pool;
  // Unhandled, an idle connection dropping would emit 'error' and end the process.
  if (owned) pool.on('error', () => undefined);
  try {
    await applyPostgresMigrations(pool, schema, POSTGRES_MIGRATIONS);
  } catch (error) {
    if (owned) await pool.end();
    throw error;
  }
  return new PgBlobStore(pool, schema, owned);
}

class PgBlobStore implements PostgresBlobStore {
  readonly #pool: pg.Pool;
  readonly #owned: boolean;
  readonly #schema: string;
  readonly #t: { blobs: string; chunks: string; staging: string };

  constructor(pool: pg.Pool, schema: string, owned: boolean) {
    const s = quotedSchema(schema);
    this.#pool = pool;
    this.#owned = owned;
    this.#schema = schema;
    this.#t = { blobs: `${s}.blobs`, chunks: `${s}.blob_chunks`, staging: `${s}.blob_staging` };
  }

  async stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob> {
    // Up to one chunk is held in memory and written nowhere until it is committed: most
    // evidence is small, and staging it in the database would cost two commits and two reads
    // before the record's own commit.
    const iterator = source[Symbol.asyncIterator]();
    const held: Uint8Array[] = [];
    let heldBytes = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return this.#smallStaged(Buffer.concat(held, heldBytes));
      held.push(next.value);
      heldBytes += next.value.byteLength;
      if (heldBytes > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
      if (heldBytes >= BLOB_CHUNK_BYTES) return this.#stageChunks(resume(held, iterator), options);
    }
  }

  #smallStaged(bytes: Buffer): StagedBlob {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const contentId = randomUUID();
    const size = bytes.byteLength;
    let settled = false;
    // As common table expressions, so that in a transaction they can ride in the statement that
    // inserts the record (see PostgresWrites.writeWithNext): no round trip of their own.
    const write = {
      ctes: `blob_row AS (
          INSERT INTO ${this.#t.blobs} (sha256, content_id, size, chunk_count)
          VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING RETURNING content_id
        ), blob_chunk AS (
          INSERT INTO ${this.#t.chunks} (content_id, idx, data)
          SELECT content_id, 0, $5::bytea FROM blob_row WHERE $4::integer > 0
        )`,
      values: [sha256, contentId, size, size > 0 ? 1 : 0, bytes],
    };
    const insert = () => this.#pool.query(`WITH ${write.ctes} SELECT 1`, write.values);
    return {
      sha256,
      size,
      open: () => Readable.from([bytes], { objectMode: false }),
      commit: async () => {
        if (settled) return;
        settled = true;
        await insert();
      },
      discard: async () => {
        settled = true;
      },
      commitIn: async (tx: StoreTx) => {
        if (settled) return;
        settled = true;
        // In the record's own transaction when it runs on these tables; else on its own, first.
        if (tx instanceof PostgresWrites && tx.holdsBlobsOf(this.#schema)) {
          tx.writeWithNext(write);
        } else {
          await insert();
        }
      },
    };
  }

  async #stageChunks(
    source: AsyncIterable<Uint8Array>,
    options: StageOptions,
  ): Promise<StagedBlob> {
    const contentId = randomUUID();
    await this.#pool.query(`INSERT INTO ${this.#t.staging} (content_id) VALUES ($1)`, [contentId]);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
    let filled = 0;
    let size = 0;
    let chunkCount = 0;
    const writeChunk = async (bytes: Buffer) => {
      await this.#pool.query(
        `INSERT INTO ${this.#t.chunks} (content_id, idx, data) VALUES ($1, $2, $3)`,
        [contentId, chunkCount, bytes],
      );
      chunkCount++;
    };
    try {
      for await (const part of source) {
        size += part.byteLength;
        // Counted before anything of the part is kept: the limit holds however large the part.
        if (size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
        hash.update(part);
        let offset = 0;
        while (offset < part.byteLength) {
          const take = Math.min(BLOB_CHUNK_BYTES - filled, part.byteLength - offset);
          buffer.set(part.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled === BLOB_CHUNK_BYTES) {
            // The query has sent its parameters once it resolves, so the buffer can be reused.
            await writeChunk(buffer);
            filled = 0;
          }
        }
      }
      if (filled > 0) await writeChunk(buffer.subarray(0, filled));
    } catch (error) {
      await this.#unstage(contentId).catch(() => undefined);
      throw error;
    }
    const sha256 = hash.digest('hex');
    let settled = false;
    return {
      sha256,
      size,
      open: () => this.#chunkStream(contentId, chunkCount),
      commit: async () => {
        if (settled) return;
        settled = true;
        // One statement, so atomic: the blobs row makes the chunks visible under the digest. If
        // the digest is already stored (same bytes), that blob stays untouched and our copy of
        // the chunks goes; a concurrent commit of the same digest waits here for the first.
        await this.#pool.query(
          `WITH named AS (
             INSERT INTO ${this.#t.blobs} (sha256, content_id, size, chunk_count)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (sha256) DO NOTHING
             RETURNING content_id
           ), unstaged AS (
             DELETE FROM ${this.#t.staging} WHERE content_id = $2
           )
           DELETE FROM ${this.#t.chunks}
           WHERE content_id = $2 AND NOT EXISTS (SELECT 1 FROM named)`,
          [sha256, contentId, size, chunkCount],
        );
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await this.#unstage(contentId);
      },
    };
  }

  async open(sha256: string): Promise<Readable | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const { rows } = await this.#pool.query<{ content_id: string; chunk_count: number }>(
      `SELECT content_id, chunk_count FROM ${this.#t.blobs} WHERE sha256 = $1`,
      [sha256],
    );
    const row = rows[0];
    return row ? this.#chunkStream(row.content_id, row.chunk_count) : undefined;
  }

  async has(sha256: string): Promise<boolean> {
    if (!isSha256Hex(sha256)) return false;
    const { rowCount } = await this.#pool.query(
      `SELECT 1 FROM ${this.#t.blobs} WHERE sha256 = $1`,
      [sha256],
    );
    return rowCount === 1;
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#pool.end();
  }

  /** Removes a staged upload's chunks and its staging row, in one statement. */
  async #unstage(contentId: string): Promise<void> {
    await this.#pool.query(
      `WITH unstaged AS (DELETE FROM ${this.#t.staging} WHERE content_id = $1)
       DELETE FROM ${this.#t.chunks} WHERE content_id = $1`,
      [contentId],
    );
  }

  /**
   * Streams chunks in order, fetching the next one only when the reader asks for more: at most
   * one chunk is in memory per stream, whatever the blob's size.
   */
  #chunkStream(contentId: string, chunkCount: number): Readable {
    let next = 0;
    const fetch = (idx: number) =>
      this.#pool.query<{ data: Buffer }>(
        `SELECT data FROM ${this.#t.chunks} WHERE content_id = $1 AND idx = $2`,
        [contentId, idx],
      );
    return new Readable({
      read() {
        if (next >= chunkCount) {
          this.push(null);
          return;
        }
        const idx = next++;
        fetch(idx).then(
          ({ rows }) => {
            const chunk = rows[0]?.data;
            if (chunk) this.push(chunk);
            else this.destroy(new Error(`blob chunk ${contentId}/${idx} is missing`));
          },
          (error: Error) => this.destroy(error),
        );
      },
    });
  }
}

async function* resume(
  held: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncIterable<Uint8Array> {
  yield* held;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

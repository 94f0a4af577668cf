import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { isSha256Hex } from '../../core/evidence-record.ts';
import {
  type BlobStore,
  BlobTooLargeError,
  type StagedBlob,
  type StageOptions,
} from '../blob/blob-store.ts';
import type { InlineBlobTable } from './sqlite-store.ts';

/** Blobs up to this size live in the database; larger ones in files. */
export const INLINE_MAX_BYTES = 64 * 1024; // 64 KiB

/**
 * The embedded blob store: small blobs (most test reports, SBOMs and scan results of a small
 * service) in the SQLite database, where storing one shares a group commit's fsync with every
 * other write of the moment; larger ones in `files`, streamed to disk as before. Either way a
 * blob is durable before `commit` resolves and is never rewritten.
 */
export function sqliteBlobStore(
  table: InlineBlobTable,
  files: BlobStore,
  options: { inlineMaxBytes?: number } = {},
): BlobStore {
  const inlineMax = options.inlineMaxBytes ?? INLINE_MAX_BYTES;
  return {
    async stage(source: AsyncIterable<Uint8Array>, stage: StageOptions): Promise<StagedBlob> {
      const iterator = source[Symbol.asyncIterator]();
      const held: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        held.push(next.value);
        size += next.value.byteLength;
        if (size > stage.maxBytes) throw new BlobTooLargeError(stage.maxBytes);
        // Too big to keep in memory and inline: stream the rest to a file, as it arrives.
        if (size > inlineMax) return files.stage(resume(held, iterator), stage);
      }
      return inlineStaged(table, Buffer.concat(held, size));
    },
    async open(sha256: string): Promise<Readable | undefined> {
      if (!isSha256Hex(sha256)) return undefined;
      const bytes = table.get(sha256);
      return bytes ? readableOf(bytes) : files.open(sha256);
    },
    async has(sha256: string): Promise<boolean> {
      return isSha256Hex(sha256) && (table.get(sha256) !== undefined || (await files.has(sha256)));
    },
  };
}

function inlineStaged(table: InlineBlobTable, bytes: Buffer): StagedBlob {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let settled = false;
  return {
    sha256,
    size: bytes.byteLength,
    open: () => readableOf(bytes),
    async commit() {
      if (settled) return;
      settled = true;
      await table.put(sha256, bytes);
    },
    async discard() {
      settled = true;
    },
    async commitIn(tx) {
      table.putIn(tx, sha256, bytes);
      settled = true;
    },
  };
}

function readableOf(bytes: Uint8Array): Readable {
  return Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], {
    objectMode: false,
  });
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

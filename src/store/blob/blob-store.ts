import type { Readable } from 'node:stream';
import type { StoreTx } from '../store.ts';

/** Bytes received and hashed, held under a temporary name until committed. */
export interface StagedBlob {
  sha256: string;
  size: number;
  /** Reads the staged bytes again (to parse them) before they are committed or discarded. */
  open(): Readable;
  /** Moves the bytes under their digest. Idempotent: an existing blob is kept as it is. */
  commit(): Promise<void>;
  /** Removes the temporary bytes; nothing was stored. */
  discard(): Promise<void>;
  /**
   * Present when the bytes can be stored inside a store transaction (blobs in the same database
   * as the records): instead of `commit`, they then commit atomically with the record that
   * points at them, in one fsync.
   */
  commitIn?(tx: StoreTx): Promise<void>;
}

export interface StageOptions {
  /** Refuse (and keep nothing of) a stream longer than this. */
  maxBytes: number;
}

/** Content-addressed storage: a blob is written once under its SHA-256 and never rewritten. */
export interface BlobStore {
  stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob>;
  open(sha256: string): Promise<Readable | undefined>;
  has(sha256: string): Promise<boolean>;
  /** Releases connections, where the store holds any. */
  close?(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`blob exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
    this.maxBytes = maxBytes;
  }
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BatchHashes, hashLeafBatch, type LeafBatch } from '../core/audit-log/leaf-batch.ts';
import type { LogReplay } from '../core/audit-log/verify-log.ts';
import type { HashRequest } from './leaf-hash-worker.ts';

/**
 * Entries per batch: a power of two, so every batch but the last is a perfect subtree of the
 * log's Merkle tree that a thread can hash without knowing the entries before it. 16,384
 * entries are a few MiB of leaf text.
 */
export const LEAF_BATCH_SIZE = 2 ** 14;

/** Reads entries `fromSeq ≤ seq < toSeq` as a batch; its `data` is handed over, not kept. */
export type ReadLeafBatch = (fromSeq: number, toSeq: number) => Promise<LeafBatch>;

export interface ReplayLeavesOptions {
  /** Hashing threads; 0 hashes on this one. Default: one per core for logs of several batches. */
  workers?: number;
}

/**
 * Feeds the log's first `size` entries into `replay` (which checks every checkpoint root), from
 * their canonical leaf texts. Reading and hashing overlap: batches are hashed in worker threads
 * while the next ones are read, and joined into the tree in order. Every leaf is hashed from
 * the entry's content here; nothing stored as a hash is trusted.
 */
export async function replayLogLeaves(
  read: ReadLeafBatch,
  replay: LogReplay,
  size: number,
  options: ReplayLeavesOptions = {},
): Promise<void> {
  const workers = options.workers ?? (size > 2 * LEAF_BATCH_SIZE ? availableParallelism() : 0);
  const pool = workers > 0 ? new HashPool(workers) : undefined;
  // Two batches per thread in flight: one being hashed, one queued behind it.
  const inFlight = Math.max(1, 2 * workers);
  const pending: { from: number; count: number; hashes: Promise<BatchHashes> }[] = [];
  const joinOldest = async () => {
    const oldest = pending.shift();
    if (oldest) replay.addBatch(await oldest.hashes, oldest.from, oldest.count);
  };
  try {
    for (let from = 0; from < size; from += LEAF_BATCH_SIZE) {
      const to = Math.min(from + LEAF_BATCH_SIZE, size);
      const batch = await read(from, to);
      const marks = replay.marksWithin(from, batch.count);
      const hashes = pool ? pool.hash(batch, marks) : Promise.resolve(hashLeafBatch(batch, marks));
      // Awaited in order below; until then a failed thread must not count as unhandled.
      hashes.catch(() => {});
      pending.push({ from, count: batch.count, hashes });
      while (pending.length >= inFlight) await joinOldest();
      // Entries missing here: those after them no longer line up with the tree.
      if (batch.count < to - from) break;
    }
    while (pending.length > 0) await joinOldest();
  } finally {
    await pool?.close();
  }
}

/** Worker threads running leaf-hash-worker.ts; each request goes to the least busy one. */
class HashPool {
  readonly #threads: { worker: Worker; queued: number }[] = [];
  readonly #waiting = new Map<
    number,
    { thread: { queued: number }; resolve(hashes: BatchHashes): void; reject(error: Error): void }
  >();
  #nextId = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./leaf-hash-worker.ts', import.meta.url));
      worker.on('message', (reply: { id: number; result: BatchHashes }) => {
        const waiting = this.#waiting.get(reply.id);
        this.#waiting.delete(reply.id);
        if (!waiting) return;
        waiting.thread.queued--;
        waiting.resolve(reply.result);
      });
      worker.on('error', (error) => this.#failAll(error));
      this.#threads.push({ worker, queued: 0 });
    }
  }

  hash(batch: LeafBatch, marks: number[]): Promise<BatchHashes> {
    const thread = this.#threads.reduce((a, b) => (b.queued < a.queued ? b : a));
    const id = this.#nextId++;
    thread.queued++;
    const data = batch.data;
    // Hand the bytes over without copying when they own their whole buffer.
    const ownsBuffer =
      data.buffer instanceof ArrayBuffer &&
      data.byteOffset === 0 &&
      data.byteLength === data.buffer.byteLength;
    const request: HashRequest = { id, count: batch.count, data, marks };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { thread, resolve, reject });
      thread.worker.postMessage(request, ownsBuffer ? [data.buffer as ArrayBuffer] : []);
    });
  }

  #failAll(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }
}

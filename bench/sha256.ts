import { createHash, randomFillSync } from 'node:crypto';
import type { Benchmark } from './benchmark.ts';
import { MiB, secondsSince } from './stats.ts';

const CHUNK_BYTES = 1 * MiB;
/** Larger than the CPU caches, so the hash reads memory the way an upload's chunks do. */
const BUFFER_BYTES = 64 * MiB;
const BYTES_PER_RUN = 256 * MiB;
const REPETITIONS = 5;

/**
 * The machine's baseline: node:crypto SHA-256 over 1 MiB chunks of a buffer, single-threaded.
 * Evidence upload hashes every byte it stores, so upload throughput is quoted against this.
 */
export const sha256Benchmark: Benchmark = {
  name: 'sha256',
  async run({ progress }) {
    const buffer = randomFillSync(Buffer.allocUnsafe(BUFFER_BYTES));
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < BUFFER_BYTES; offset += CHUNK_BYTES) {
      chunks.push(buffer.subarray(offset, offset + CHUNK_BYTES));
    }
    const hashOnce = (bytes: number): number => {
      const hash = createHash('sha256');
      const start = process.hrtime.bigint();
      for (let done = 0; done < bytes; done += CHUNK_BYTES) {
        hash.update(chunks[(done / CHUNK_BYTES) % chunks.length] as Buffer);
      }
      hash.digest();
      return bytes / MiB / secondsSince(start);
    };
    hashOnce(BUFFER_BYTES); // warm-up, not reported
    const runs: number[] = [];
    for (let repetition = 1; repetition <= REPETITIONS; repetition++) {
      runs.push(hashOnce(BYTES_PER_RUN));
      progress(`sha256 ${repetition}/${REPETITIONS}: ${runs.at(-1)?.toFixed(0)} MiB/s`);
    }
    return [
      {
        id: 'sha256',
        label: 'SHA-256, node:crypto (baseline)',
        workload: `${BYTES_PER_RUN / MiB} MiB in 1 MiB chunks`,
        unit: 'MiB/s',
        runs,
      },
    ];
  },
};

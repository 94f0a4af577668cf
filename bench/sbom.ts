import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cyclonedxJson } from '../src/evidence/sbom/cyclonedx-json.ts';
import { generateCycloneDxJson } from '../src/evidence/sbom/generate-cyclonedx.ts';
import type { Benchmark } from './benchmark.ts';
import { MiB } from './stats.ts';

const RUNS = 3;
const CONTEXT = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };

async function cpuSeconds(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * CycloneDX JSON summarizing of a ~100 MB SBOM streamed from disk, next to bare JSON.parse of
 * the same bytes (read whole, decoded, parsed), interleaved run by run. Goal: at least 0.8 of
 * JSON.parse. Peak heap is sampled during each; JSON.parse must hold the whole tree, the
 * streaming parser only one batch of components.
 */
export const sbomBenchmark: Benchmark = {
  name: 'sbom',
  async run({ tempDir, progress }) {
    const path = join(tempDir, 'sbom-100mb.cdx.json');
    await pipeline(generateCycloneDxJson(100 * MiB).chunks, createWriteStream(path));
    const bytes = (await stat(path)).size;
    const bare: number[] = [];
    const parsed: number[] = [];
    const bareHeap: number[] = [];
    const parseHeap: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      let peak = 0;
      const sample = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 10);
      let base = heapAfterGc();
      const buffer = await readFile(path);
      bare.push(bytes / MiB / (await cpuSeconds(() => JSON.parse(buffer.toString('utf8')))));
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      bareHeap.push((peak - base) / MiB);
      peak = 0;
      base = heapAfterGc();
      let components = 0;
      parsed.push(
        bytes /
          MiB /
          (await cpuSeconds(async () => {
            components = Number(
              (
                await cyclonedxJson.parse(
                  createReadStream(path, { highWaterMark: 64 * 1024 }),
                  CONTEXT,
                )
              ).components,
            );
          })),
      );
      parseHeap.push((peak - base) / MiB);
      clearInterval(sample);
      progress(
        `sbom ${run}/${RUNS}: parse ${parsed.at(-1)?.toFixed(0)} MiB/s (${components} components), JSON.parse ${bare.at(-1)?.toFixed(0)} MiB/s`,
      );
    }
    const workload = `${(bytes / MiB).toFixed(0)} MiB generated CycloneDX 1.6 JSON`;
    return [
      {
        id: 'sbom.json-parse',
        label: 'bare JSON.parse of the whole file (baseline)',
        workload,
        unit: 'MiB/s',
        runs: bare,
        note: 'decode + JSON.parse, file already in memory; CPU time',
      },
      {
        id: 'sbom.parse',
        label: 'CycloneDX JSON summary, streamed from disk',
        workload,
        unit: 'MiB/s',
        runs: parsed,
        baseline: 'sbom.json-parse',
        note: 'goal: at least 0.8 of the baseline; CPU time',
      },
      {
        id: 'sbom.json-parse.heap',
        label: 'peak heap growth, JSON.parse',
        workload,
        unit: 'MiB',
        runs: bareHeap,
      },
      {
        id: 'sbom.parse.heap',
        label: 'peak heap growth, streaming summary',
        workload,
        unit: 'MiB',
        runs: parseHeap,
        note: 'includes garbage V8 has not collected yet',
      },
    ];
  },
};

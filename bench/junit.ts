import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { generatedReportText } from '../src/evidence/junit/generate-report.ts';
import { junitXml } from '../src/evidence/junit/junit-xml.ts';
import { readXml } from '../src/evidence/xml/read-xml.ts';
import type { Benchmark } from './benchmark.ts';
import { MiB } from './stats.ts';

const RUNS = 3;
const CONTEXT = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };

/** CPU seconds of `work`: steadier than wall time on a busy 2-core machine. */
async function cpuSeconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * JUnit XML parsing of a ~100 MB report streamed from disk, next to a bare streaming pass of
 * the same XML reader (saxes, no handlers) over the same file, interleaved run by run. Goal: the
 * parser at least 0.7 of the bare tokenizer. Peak memory is reported for each.
 */
export const junitBenchmark: Benchmark = {
  name: 'junit',
  async run({ tempDir, progress }) {
    const path = join(tempDir, 'junit-100mb.xml');
    const out = createWriteStream(path);
    for (const piece of generatedReportText({ suites: 12_600, casesPerSuite: 50 })) {
      if (!out.write(piece))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
    const bytes = (await stat(path)).size;
    const bare: number[] = [];
    const parsed: number[] = [];
    const bareHeap: number[] = [];
    const parseHeap: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      let peak = 0;
      const sample = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 20);
      const base = process.memoryUsage().heapUsed;
      bare.push(bytes / MiB / (await cpuSeconds(() => readXml(createReadStream(path), {}))));
      bareHeap.push((peak - base) / MiB);
      peak = 0;
      const before = process.memoryUsage().heapUsed;
      let tests = 0;
      parsed.push(
        bytes /
          MiB /
          (await cpuSeconds(async () => {
            tests = Number((await junitXml.parse(createReadStream(path), CONTEXT)).tests);
          })),
      );
      parseHeap.push((peak - before) / MiB);
      clearInterval(sample);
      progress(
        `junit ${run}/${RUNS}: parse ${parsed.at(-1)?.toFixed(1)} MiB/s (${tests} cases), bare ${bare.at(-1)?.toFixed(1)} MiB/s`,
      );
    }
    const workload = `${(bytes / MiB).toFixed(0)} MiB generated Surefire-style report, 630,000 cases`;
    return [
      {
        id: 'junit.bare-xml',
        label: 'bare streaming XML tokenizer (baseline)',
        workload,
        unit: 'MiB/s',
        runs: bare,
        note: 'saxes through readXml with no handlers; CPU time',
      },
      {
        id: 'junit.parse',
        label: 'JUnit XML parse to summary',
        workload,
        unit: 'MiB/s',
        runs: parsed,
        baseline: 'junit.bare-xml',
        note: 'goal: at least 0.7 of the baseline; CPU time',
      },
      {
        id: 'junit.bare-xml.heap',
        label: 'peak heap growth, bare tokenizer',
        workload,
        unit: 'MiB',
        runs: bareHeap,
      },
      {
        id: 'junit.parse.heap',
        label: 'peak heap growth, JUnit parse (summary keeps 100,000 cases)',
        workload,
        unit: 'MiB',
        runs: parseHeap,
      },
    ];
  },
};

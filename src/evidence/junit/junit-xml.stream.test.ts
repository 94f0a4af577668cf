import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ParseContext } from '../format.ts';
import { readXml } from '../xml/read-xml.ts';
import {
  type GeneratedReportOptions,
  generatedReport,
  generatedReportTotals,
} from './generate-report.ts';
import { JUNIT_LIMITS, type JunitSummary } from './junit-summary.ts';
import { junitXml, parseJunitXml } from './junit-xml.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
/** About 31.7 MB: 4,000 suites of 50 cases, 200,000 cases in all. */
const LARGE: GeneratedReportOptions = { suites: 4000, casesPerSuite: 50 };
const MiB = 1024 * 1024;

/**
 * Passes the generated report through, forcing a full collection every `every` chunks and
 * recording how far the live heap has grown over `base`: what the parser holds, not garbage.
 */
function sampledHeap(options: GeneratedReportOptions, every = 64) {
  const probe = { bytes: 0, peakGrowth: 0, base: 0 };
  async function* source(): AsyncIterable<Uint8Array> {
    let count = 0;
    for await (const chunk of generatedReport(options)) {
      probe.bytes += chunk.length;
      if (++count % every === 0) {
        gc();
        probe.peakGrowth = Math.max(probe.peakGrowth, process.memoryUsage().heapUsed - probe.base);
      }
      yield chunk;
    }
  }
  return { probe, source };
}

async function warmUp(): Promise<void> {
  // Compile the parser and the generator first, so their code does not count as growth.
  await parseJunitXml(generatedReport({ suites: 50, casesPerSuite: 50 }));
  gc();
}

function assertTotals(summary: JunitSummary, options: GeneratedReportOptions): void {
  const totals = generatedReportTotals(options);
  assert.equal(summary.tests, totals.tests);
  assert.equal(summary.failed, totals.failed);
  assert.equal(summary.errored, totals.errored);
  assert.equal(summary.skipped, totals.skipped);
  assert.equal(summary.passed, totals.tests - totals.failed - totals.errored - totals.skipped);
  assert.equal(summary.suites, totals.suites);
  assert.equal(summary.durationSeconds, totals.durationMillis / 1000);
  assert.equal(summary.cases.length + summary.casesOmitted, totals.tests);
}

describe('junit-xml streams a large report', () => {
  it('summarizes 200,000 cases (~30 MB) with live heap far below the file while it reads', async (t) => {
    await warmUp();
    const { probe, source } = sampledHeap(LARGE);
    probe.base = process.memoryUsage().heapUsed;
    const summary = (await junitXml.parse(source(), context)) as unknown as JunitSummary;

    assert.ok(probe.bytes > 30 * 1000 * 1000, `generated ${probe.bytes} bytes`);
    assertTotals(summary, LARGE);
    const totals = generatedReportTotals(LARGE);
    // The list is full: every failed and errored case, then passing ones up to the cap.
    assert.equal(summary.cases.length, JUNIT_LIMITS.maxCases);
    const problems = totals.failed + totals.errored;
    assert.ok(summary.cases.slice(0, problems).every((c) => c.status !== 'passed'));
    assert.equal(summary.cases[problems]?.status, 'passed');
    const failure = summary.cases.find((c) => c.status === 'failed');
    assert.equal(failure?.name, 'testBehaviour0000007_whenInputIsValid');
    assert.equal(failure?.message, 'expected:<7> but was:<8>');
    assert.equal(failure?.type, 'org.opentest4j.AssertionFailedError');
    assert.equal(summary.cases[0]?.message, 'Connection refused & retried');
    assert.match(summary.warnings.join('\n'), /keeps 100000 of 200000 test cases/);

    // The parser keeps 100,000 case records (about 4 MB of names plus numeric columns) and
    // nothing of the document; had names kept their 64 KiB source chunks alive, the live heap
    // would have grown with the file instead.
    gc();
    const retained = process.memoryUsage().heapUsed - probe.base;
    const ratio = probe.peakGrowth / probe.bytes;
    t.diagnostic(
      `${(probe.bytes / MiB).toFixed(1)} MiB read; live heap grew at most ${(probe.peakGrowth / MiB).toFixed(1)} MiB while reading; ` +
        `${(retained / MiB).toFixed(1)} MiB held by the summary of ${summary.cases.length} cases`,
    );
    assert.ok(ratio < 0.5, `live heap grew ${(probe.peakGrowth / MiB).toFixed(1)} MiB`);
    assert.ok(retained < probe.bytes);
  });

  it('holds only a few MiB while streaming when the case list is small', async (t) => {
    await warmUp();
    const { probe, source } = sampledHeap(LARGE);
    probe.base = process.memoryUsage().heapUsed;
    const summary = await parseJunitXml(source(), { ...JUNIT_LIMITS, maxCases: 1000 });
    assertTotals(summary, LARGE);
    assert.equal(summary.cases.length, 1000);
    t.diagnostic(`live heap grew at most ${(probe.peakGrowth / MiB).toFixed(1)} MiB`);
    assert.ok(
      probe.peakGrowth < probe.bytes / 6,
      `live heap grew ${(probe.peakGrowth / MiB).toFixed(1)} MiB on ${(probe.bytes / MiB).toFixed(1)} MiB`,
    );
  });

  it('parses at a rate near the bare XML tokenizer on the same bytes (reported, not asserted)', async (t) => {
    const bytes: Uint8Array[] = [];
    for await (const chunk of generatedReport(LARGE)) bytes.push(chunk);
    const size = bytes.reduce((sum, chunk) => sum + chunk.length, 0);
    async function* replay(): AsyncIterable<Uint8Array> {
      yield* bytes;
    }
    // CPU time, best of two, interleaved: other processes on the machine disturb wall time.
    const best = { bare: Number.POSITIVE_INFINITY, junit: Number.POSITIVE_INFINITY };
    let summary: JunitSummary | undefined;
    for (let round = 0; round < 2; round++) {
      let started = process.cpuUsage();
      await readXml(replay(), {});
      best.bare = Math.min(best.bare, cpuSeconds(started));
      started = process.cpuUsage();
      summary = await parseJunitXml(replay());
      best.junit = Math.min(best.junit, cpuSeconds(started));
    }
    assert.ok(summary);
    assertTotals(summary, LARGE);
    const rate = (seconds: number) => (size / MiB / seconds).toFixed(1);
    t.diagnostic(
      `${(size / MiB).toFixed(1)} MiB, ${summary.tests} cases: readXml alone ${rate(best.bare)} MiB/s, ` +
        `junit-xml ${rate(best.junit)} MiB/s, ratio ${(best.bare / best.junit).toFixed(2)}`,
    );
  });
});

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

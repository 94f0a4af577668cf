import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { context } from '../../../test/support/coverage-fixtures.ts';
import type { EvidenceFormat } from '../format.ts';
import { coberturaXmlFormat } from './cobertura-xml.ts';
import {
  type Generated,
  generateCobertura,
  generateIstanbulFinal,
  generateLcov,
} from './fixtures/generate.ts';
import { istanbulFinalJsonFormat } from './istanbul-final-json.ts';
import { lcovFormat } from './lcov.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Parses a generated report while sampling the live heap (after a full collection) every few
 * megabytes, and returns the summary, the input size and the largest growth over the baseline.
 */
async function parseMeasured(format: EvidenceFormat, generated: Generated) {
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  let bytes = 0;
  let nextSample = 0;
  async function* sampled(): AsyncIterable<Uint8Array> {
    for await (const chunk of generated.chunks()) {
      bytes += chunk.length;
      if (bytes >= nextSample) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        nextSample += 8 * 1024 * 1024;
      }
      yield chunk;
    }
  }
  const started = performance.now();
  const summary = await format.parse(sampled(), context);
  const seconds = (performance.now() - started) / 1000;
  gc();
  peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
  return { summary, bytes, peak, seconds };
}

function assertFigures(summary: Record<string, unknown>, expected: Generated['expected']): void {
  assert.equal(summary.fileCount, expected.files);
  for (const metric of ['lines', 'branches', 'functions'] as const) {
    assert.deepEqual(
      [summary[`${metric}Covered`], summary[`${metric}Total`]],
      [expected[metric].covered, expected[metric].total],
      metric,
    );
  }
  assert.deepEqual(summary.warnings, []);
}

function report(
  t: { diagnostic(message: string): void },
  measured: { bytes: number; peak: number; seconds: number },
) {
  const mb = measured.bytes / 1e6;
  t.diagnostic(
    `${mb.toFixed(1)} MB in ${measured.seconds.toFixed(2)} s (${(mb / measured.seconds).toFixed(1)} MB/s, sampled with forced collections); live heap growth ${(measured.peak / 1e6).toFixed(1)} MB`,
  );
}

describe('large coverage reports stream in bounded memory', () => {
  it('a ~20 MB lcov tracefile: exact figures, live heap growth under a fifth of the input', async (t) => {
    const generated = generateLcov(1150, 1000);
    const measured = await parseMeasured(lcovFormat, generated);
    const { summary, bytes, peak } = measured;
    report(t, measured);
    assert.ok(bytes > 19e6, `${bytes} bytes`);
    assertFigures(summary, generated.expected);
    assert.ok(peak < bytes / 5, `heap grew ${peak} bytes for ${bytes} bytes of input`);
  });

  it('a ~20 MB coverage-final.json: exact figures, live heap growth under a fifth of the input', async (t) => {
    const generated = generateIstanbulFinal(300, 500);
    const measured = await parseMeasured(istanbulFinalJsonFormat, generated);
    const { summary, bytes, peak } = measured;
    report(t, measured);
    assert.ok(bytes > 19e6, `${bytes} bytes`);
    assertFigures(summary, generated.expected);
    assert.ok(peak < bytes / 5, `heap grew ${peak} bytes for ${bytes} bytes of input`);
  });

  it('a ~10 MB Cobertura XML: exact figures, live heap growth under a fifth of the input', async (t) => {
    const generated = generateCobertura(380, 500);
    const measured = await parseMeasured(coberturaXmlFormat, generated);
    const { summary, bytes, peak } = measured;
    report(t, measured);
    assert.ok(bytes > 10e6, `${bytes} bytes`);
    assertFigures(summary, generated.expected);
    assert.ok(peak < bytes / 5, `heap grew ${peak} bytes for ${bytes} bytes of input`);
  });
});

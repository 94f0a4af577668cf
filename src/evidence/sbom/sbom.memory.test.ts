import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseCycloneDxJson } from './cyclonedx-json.ts';
import { generateCycloneDxJson } from './generate-cyclonedx.ts';
import { DEFAULT_SBOM_LIMITS } from './sbom-summary.ts';

// A collector we can call between chunks, so what we sample is the live set, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;

/** Yields the chunks unchanged, sampling the live heap after every `every` bytes. */
async function* sampled(
  source: AsyncIterable<Uint8Array>,
  every: number,
  samples: number[],
): AsyncIterable<Uint8Array> {
  let sinceSample = 0;
  for await (const chunk of source) {
    yield chunk;
    sinceSample += chunk.length;
    if (sinceSample >= every) {
      sinceSample = 0;
      gc();
      samples.push(process.memoryUsage().heapUsed);
    }
  }
}

describe('CycloneDX JSON memory', () => {
  it('summarizes a generated 50 MB BOM correctly while the live heap stays far below its size', async () => {
    const bom = generateCycloneDxJson(50 * MB);
    gc();
    const before = process.memoryUsage().heapUsed;
    const samples: number[] = [];
    // Small list caps, so the heap measures what the parser holds rather than the summary.
    const limits = { ...DEFAULT_SBOM_LIMITS, componentList: 1000, purlList: 1000 };
    const summary = await parseCycloneDxJson(sampled(bom.chunks, 4 * MB, samples), limits);
    const { stats } = bom;

    assert.ok(stats.bytes > 45 * MB, `generated only ${stats.bytes} bytes`);
    assert.equal(summary.components, stats.components);
    assert.equal(summary.dependencies, stats.dependencies);
    assert.equal(summary.purls, stats.components);
    assert.deepEqual(summary.licenses.expressions, {
      MIT: stats.licenses.MIT,
      'Apache-2.0': stats.licenses['Apache-2.0'],
      'MIT OR Apache-2.0': stats.licenses['MIT OR Apache-2.0'],
    });
    assert.deepEqual(summary.licenses.names, {
      'Acme Commercial License': stats.licenses['Acme Commercial License'],
    });
    assert.equal(summary.subject?.name, 'big-app');
    assert.equal(summary.componentList.length, 1000);
    assert.equal(summary.componentListOmitted, stats.components - 1000);

    // Holding the document tree would take several times the file's size; streaming holds one
    // batch of elements and the bounded summary.
    assert.ok(samples.length >= 10, `only ${samples.length} heap samples`);
    const peak = Math.max(...samples) - before;
    assert.ok(
      peak < stats.bytes / 10,
      `live heap grew by ${(peak / MB).toFixed(1)} MB for a ${(stats.bytes / MB).toFixed(1)} MB file`,
    );
  });
});

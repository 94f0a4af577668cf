import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { chunks, context } from '../../../test/support/coverage-fixtures.ts';
import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { coverageFormats } from './index.ts';

const TIME_LIMIT_MS = 2000;

/** Files to mutate: the corpus and the fixtures, except the 1.1 MB one (too slow per run). */
const samples = [
  ...corpusFiles('coverage').filter((path) => !path.includes('1.1mb')),
  ...readdirSync(new URL('fixtures/', import.meta.url))
    .filter((name) => /\.(info|xml|json)$/.test(name))
    .map((name) => new URL(`fixtures/${name}`, import.meta.url).pathname),
].map((path) => {
  const bytes = readFileSync(path);
  const format = coverageFormats.find((candidate) => candidate.detect(bytes.subarray(0, 65536)));
  assert.ok(format, `a format claims ${path}`);
  return { path, bytes, format };
});

/** Checks the contract: a JSON-safe summary with sane figures, or EVIDENCE_MALFORMED; in time. */
async function parseWithinContract(
  format: EvidenceFormat,
  bytes: Uint8Array,
  size: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${format.id} took over ${TIME_LIMIT_MS} ms`)),
      TIME_LIMIT_MS,
    );
  });
  let summary: EvidenceSummary;
  try {
    summary = await Promise.race([format.parse(chunks(bytes, size), context), timeout]);
  } catch (error) {
    assert.ok(error instanceof DossierError, `${format.id} threw ${(error as Error)?.stack}`);
    assert.equal(error.code, 'EVIDENCE_MALFORMED');
    assert.ok(error.message.length > 0 && error.message.length < 64 * 1024);
    return;
  } finally {
    clearTimeout(timer);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'the summary is JSON-safe');
  for (const metric of ['lines', 'branches', 'functions']) {
    const ratio = summary[metric];
    const covered = summary[`${metric}Covered`] as number;
    const total = summary[`${metric}Total`] as number;
    assert.ok(
      Number.isSafeInteger(covered) &&
        Number.isSafeInteger(total) &&
        covered >= 0 &&
        covered <= total,
    );
    assert.equal(ratio, total > 0 ? covered / total : null);
  }
}

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    other: fc.nat(),
    length: fc.nat({ max: 400 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const at = change.at % (bytes.length + 1);
  if (change.kind === 'truncate') return bytes.subarray(0, at);
  if (change.kind === 'flip') {
    const copy = Uint8Array.from(bytes);
    for (let i = 0, j = at; i < change.count && j < copy.length; i++, j += 7) copy[j] = change.byte;
    return copy;
  }
  const donor = samples[change.other % samples.length]?.bytes ?? new Uint8Array(0);
  const from = change.from % (donor.length + 1);
  const piece = donor.subarray(from, from + change.length);
  return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
}

describe('coverage parsers under random and mutated input', () => {
  it(`found ${samples.length} corpus and fixture files to mutate`, () => {
    assert.equal(samples.length, 19 + 6);
  });

  it('random bytes: detect answers a boolean, parse gives a summary or EVIDENCE_MALFORMED, in time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.integer({ min: 1, max: 512 }),
        async (bytes, size) => {
          for (const format of coverageFormats) {
            assert.equal(typeof format.detect(bytes), 'boolean');
            await parseWithinContract(format, bytes, size);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('mutated corpus files (bytes flipped, truncated, spliced): a summary or EVIDENCE_MALFORMED, in time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        mutation,
        fc.integer({ min: 1, max: 4096 }),
        async (pick, change, size) => {
          const sample = samples[pick % samples.length];
          assert.ok(sample);
          const mutated = mutate(sample.bytes, change);
          assert.equal(typeof sample.format.detect(mutated.subarray(0, 65536)), 'boolean');
          await parseWithinContract(sample.format, mutated, size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lines built from lcov record types with random values: a summary or EVIDENCE_MALFORMED', async () => {
    const tag = fc.constantFrom(
      'TN:',
      'SF:',
      'DA:',
      'FN:',
      'FNDA:',
      'FNA:',
      'FNL:',
      'BRDA:',
      'LF:',
      'LH:',
      'BRF:',
      'FNF:',
      'end_of_record',
      '',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc
        .array(fc.oneof(fc.nat(), fc.constant('-'), fc.string({ maxLength: 5 })), { maxLength: 5 })
        .map((parts) => parts.join(',')),
    );
    const lcov = coverageFormats.find((format) => format.id === 'lcov') as EvidenceFormat;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(tag, value), { maxLength: 60 }), async (lines) => {
        const text = lines
          .map(([name, rest]) => (name === 'end_of_record' ? name : name + rest))
          .join('\n');
        await parseWithinContract(lcov, Buffer.from(text), 17);
      }),
      { numRuns: 150 },
    );
  });

  it('random JSON objects into both Istanbul formats: a summary or EVIDENCE_MALFORMED', async () => {
    const istanbul = coverageFormats.filter((format) => format.id.startsWith('istanbul'));
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 5 })),
        async (object) => {
          for (const format of istanbul)
            await parseWithinContract(format, Buffer.from(JSON.stringify(object)), 13);
        },
      ),
      { numRuns: 100 },
    );
  });
});

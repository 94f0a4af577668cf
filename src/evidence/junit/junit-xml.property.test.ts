import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { DossierError } from '../../core/errors.ts';
import type { ParseContext } from '../format.ts';
import type { JunitSummary } from './junit-summary.ts';
import { junitXml } from './junit-xml.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
/** Far above what any input here needs (they are at most a few hundred KB). */
const MAX_MILLIS = 2000;

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** parse must return a summary or throw EVIDENCE_MALFORMED, and must do so promptly. */
async function parseOrRefuse(bytes: Uint8Array, size: number): Promise<JunitSummary | undefined> {
  assert.doesNotThrow(() => junitXml.detect(bytes));
  const started = performance.now();
  try {
    const summary = (await junitXml.parse(chunks(bytes, size), context)) as unknown as JunitSummary;
    assert.equal(
      summary.passed + summary.failed + summary.errored + summary.skipped,
      summary.tests,
    );
    assert.ok(summary.passed >= 0 && Number.isFinite(summary.durationSeconds));
    JSON.stringify(summary);
    return summary;
  } catch (error) {
    if (!(error instanceof DossierError)) throw error;
    assert.equal(error.code, 'EVIDENCE_MALFORMED');
    assert.match(error.message, /^junit: /);
    return undefined;
  } finally {
    assert.ok(performance.now() - started < MAX_MILLIS, 'took too long');
  }
}

// The small and middling corpus files; the large ones would only slow the runs down.
const seeds = corpusFiles('junit')
  .filter((file) => readFileSync(file).length < 40_000)
  .map((file) => ({ name: basename(file), bytes: readFileSync(file) }));

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    from: fc.nat(),
    to: fc.nat(),
    other: fc.nat(),
    length: fc.integer({ min: 1, max: 400 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const out = Uint8Array.from(bytes);
  switch (change.kind) {
    case 'flip':
      for (const at of change.at) if (out.length > 0) out[at % out.length] = change.value;
      return out;
    case 'truncate':
      return out.subarray(0, change.at % (out.length + 1));
    case 'splice': {
      const donor = seeds[change.other % seeds.length]?.bytes ?? new Uint8Array();
      const from = change.from % (donor.length + 1);
      const piece = donor.subarray(from, from + change.length);
      const to = change.to % (out.length + 1);
      return Buffer.concat([out.subarray(0, to), piece, out.subarray(to)]);
    }
  }
}

describe('junit-xml under random and mutated input', () => {
  it(`has small corpus files to mutate (${seeds.length})`, () => {
    assert.ok(seeds.length >= 40);
  });

  it('returns a summary or EVIDENCE_MALFORMED for random bytes, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.string({ maxLength: 500 }).map((text) => Buffer.from(`<testsuites>${text}`)),
        ),
        fc.integer({ min: 1, max: 512 }),
        async (bytes, size) => {
          await parseOrRefuse(bytes, size);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('returns a summary or EVIDENCE_MALFORMED for flipped, truncated and spliced corpus files', async () => {
    let parsed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        mutation,
        fc.integer({ min: 1, max: 4096 }),
        async (pick, change, size) => {
          const seed = seeds[pick % seeds.length];
          if (!seed) return;
          const result = await parseOrRefuse(mutate(seed.bytes, change), size);
          if (result) parsed++;
          else refused++;
        },
      ),
      { numRuns: 400 },
    );
    // Both outcomes occur, so the property is not passing by always taking one branch.
    assert.ok(parsed > 0 && refused > 0, `parsed ${parsed}, refused ${refused}`);
  });

  it('counts generated reports exactly: error beats failure beats skipped, whatever the chunking', async () => {
    const outcome = fc.record({
      failure: fc.boolean(),
      error: fc.boolean(),
      skipped: fc.boolean(),
      flaky: fc.boolean(),
      time: fc.oneof(
        fc.constant(''),
        fc.constant('-1'),
        fc.integer({ min: 0, max: 5000 }).map(String),
      ),
    });
    const report = fc.array(fc.array(outcome, { maxLength: 12 }), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(report, fc.integer({ min: 1, max: 300 }), async (suites, size) => {
        let xml = '<testsuites>';
        const expected = { tests: 0, failed: 0, errored: 0, skipped: 0, flaky: 0, seconds: 0 };
        suites.forEach((cases, s) => {
          xml += `<testsuite name="s${s}">`;
          cases.forEach((c, i) => {
            xml += `<testcase name="c${s}.${i}" classname="k" time="${c.time}">`;
            if (c.skipped) xml += '<skipped/>';
            if (c.failure) xml += '<failure message="f">trace &amp; more</failure>';
            if (c.error) xml += '<error><![CDATA[boom <here>]]></error>';
            if (c.flaky) xml += '<flakyFailure message="once"/>';
            xml += '<system-out>noise</system-out></testcase>';
            expected.tests++;
            if (c.error) expected.errored++;
            else if (c.failure) expected.failed++;
            else if (c.skipped) expected.skipped++;
            else if (c.flaky) expected.flaky++;
            if (Number(c.time) >= 0 && c.time !== '') expected.seconds += Number(c.time);
          });
          xml += '</testsuite>';
        });
        xml += '</testsuites>';
        const summary = await parseOrRefuse(Buffer.from(xml), size);
        assert.ok(summary);
        assert.deepEqual(
          [summary.tests, summary.failed, summary.errored, summary.skipped, summary.flaky],
          [expected.tests, expected.failed, expected.errored, expected.skipped, expected.flaky],
        );
        assert.equal(summary.suites, suites.length);
        assert.equal(summary.durationSeconds, expected.seconds);
        assert.equal(summary.cases.length, expected.tests);
        for (const record of summary.cases.filter((c) => c.status === 'errored')) {
          assert.equal(record.message, 'boom <here>');
        }
      }),
      { numRuns: 150 },
    );
  });
});

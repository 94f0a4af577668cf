import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { isDossierError } from '../../core/errors.ts';
import type { EvidenceFormat, ParseContext } from '../format.ts';
import { sbomFormats } from './index.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
/** A generous bound for one parse of a corpus-sized input; a hang would blow far past it. */
const MAX_MS_PER_PARSE = 3000;

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Parses with `format`: a summary or an EVIDENCE_MALFORMED DossierError, never anything else. */
async function parseOrRefuse(format: EvidenceFormat, bytes: Uint8Array, size: number) {
  const started = performance.now();
  try {
    const summary = await format.parse(chunks(bytes, size), context);
    assert.equal(typeof summary, 'object');
    assert.doesNotThrow(() => JSON.stringify(summary), 'the summary is not JSON-safe');
  } catch (error) {
    assert.ok(isDossierError(error), `${format.id} threw ${String(error)}`);
    assert.equal(error.code, 'EVIDENCE_MALFORMED');
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < MAX_MS_PER_PARSE, `${format.id} took ${elapsed.toFixed(0)} ms`);
}

// Files up to 300 KB keep each run quick; the large ones are read whole in the corpus tests.
const corpus = [...corpusFiles('sbom-cyclonedx'), ...corpusFiles('sbom-spdx')]
  .map((file) => ({ name: basename(file), bytes: readFileSync(file) }))
  .filter((file) => file.bytes.length < 300_000);

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'splice'; at: number; from: number; source: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat(64) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    source: fc.nat(),
    length: fc.nat(256),
  }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.kind === 'flip' && out.length > 0) out[at % out.length] = m.byte;
    else if (m.kind === 'truncate') out = out.subarray(0, at);
    else if (m.kind === 'delete')
      out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + m.length)]);
    else if (m.kind === 'splice') {
      const source = (corpus[m.source % corpus.length] as { bytes: Uint8Array }).bytes;
      const from = m.from % (source.length + 1);
      const piece = source.subarray(from, from + m.length);
      out = Uint8Array.from([...out.subarray(0, at), ...piece, ...out.subarray(at)]);
    }
  }
  return out;
}

/** Replaces the node reached by following `path` (child indexes, modulo) with `value`. */
function replaceAt(doc: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  const node = doc as Record<string, unknown>;
  node[key] = replaceAt(node[key], path.slice(1), value);
  return doc;
}

describe('SBOM parsers on hostile input', () => {
  it('has corpus files to mutate', () => {
    assert.ok(corpus.length >= 25, `only ${corpus.length} files`);
  });

  it('detect never throws, on random bytes or on a corpus file cut anywhere in its head', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        for (const format of sbomFormats) assert.equal(typeof format.detect(bytes), 'boolean');
      }),
      { numRuns: 200 },
    );
    for (const file of corpus) {
      const claimedBy = sbomFormats.filter((format) => format.detect(file.bytes)).map((f) => f.id);
      assert.equal(claimedBy.length, 1, file.name);
      for (let cut = 0; cut < Math.min(file.bytes.length, 2048); cut += 7) {
        const head = file.bytes.subarray(0, cut);
        const claimed = sbomFormats.filter((format) => format.detect(head)).map((f) => f.id);
        // A head too short to show the marker claims nothing; never another format.
        assert.ok(
          claimed.length === 0 || claimed[0] === claimedBy[0],
          `${file.name} cut at ${cut}`,
        );
      }
    }
  });

  it('every SBOM parser, fed random bytes, returns a summary or refuses with EVIDENCE_MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sbomFormats),
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          // Random bytes behind a plausible start, so parsers get past their first check.
          fc
            .tuple(
              fc.constantFrom(
                '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[',
                '{"spdxVersion":"SPDX-2.3","packages":[',
                '{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[',
                '<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component>',
                'SPDXVersion: SPDX-2.3\nPackageName: ',
              ),
              fc.uint8Array({ maxLength: 2000 }),
            )
            .map(([start, rest]) => Uint8Array.from([...new TextEncoder().encode(start), ...rest])),
        ),
        fc.integer({ min: 1, max: 4096 }),
        (format, bytes, size) => parseOrRefuse(format, bytes, size),
      ),
      { numRuns: 150, endOnFailure: true },
    );
  });

  it('JSON corpus files with any value replaced by a random JSON value are summarized or refused, never crash', async () => {
    const jsonFiles = corpus.filter((file) => !/\.(xml|spdx)$/.test(file.name));
    const documents = jsonFiles.map((file) => JSON.parse(new TextDecoder().decode(file.bytes)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        async (pick, path, value, pretty) => {
          const index = pick % documents.length;
          const doc = replaceAt(structuredClone(documents[index]), path, value);
          const bytes = new TextEncoder().encode(JSON.stringify(doc, null, pretty ? 2 : undefined));
          for (const format of sbomFormats) await parseOrRefuse(format, bytes, 4096);
        },
      ),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('mutated corpus files (bytes flipped, truncated, deleted, spliced) never crash or hang any SBOM parser', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 64, max: 65_536 }),
        async (pick, mutations, size) => {
          const file = corpus[pick % corpus.length] as { bytes: Uint8Array };
          const bytes = mutate(file.bytes, mutations);
          for (const format of sbomFormats) await parseOrRefuse(format, bytes, size);
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });
});

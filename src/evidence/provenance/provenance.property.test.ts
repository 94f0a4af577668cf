import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import type { EvidenceFormat, ParseContext } from '../format.ts';
import { provenanceFormats } from './index.ts';
import type { ProvenanceSummary } from './summary.ts';
import { chunks, flipDecodedByte, parseContext } from './test-helpers.ts';

const root = readFileSync(corpusPath('support', 'sigstore-public-good-trusted_root.json'), 'utf8');
const witnessKey = readFileSync(
  new URL('./fixtures/keys/witness-testpub.pem', import.meta.url),
  'utf8',
);
const context = parseContext({
  sigstoreTrustedRoot: root,
  dsseKeys: [
    { keyId: 'ae2dcc989ea9c109a36e8eba5c4bc16d8fafcfe8e1a614164670d50aedacd647', pem: witnessKey },
  ],
});
// The small corpus files: mutating the 2.5 MB one a hundred times would only make the run slow.
const samples = corpusFiles('provenance')
  .map((path) => readFileSync(path))
  .filter((bytes) => bytes.length < 60_000);

/** Parses with a time bound; resolves to the summary, or to the DossierError it threw. */
async function outcome(format: EvidenceFormat, bytes: Uint8Array, ctx: ParseContext = context) {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('parse took longer than 3 s')), 3000);
  });
  try {
    return await Promise.race([format.parse(chunks(bytes, 4096), ctx), deadline]);
  } catch (error) {
    const coded = error as Error & { code?: string };
    assert.equal(coded.name, 'DossierError', `${coded.name}: ${coded.message}`);
    assert.equal(coded.code, 'EVIDENCE_MALFORMED');
    return coded;
  } finally {
    clearTimeout(timer);
  }
}

const anyFormat = fc.constantFrom(...provenanceFormats);

describe('provenance parsers on random and mutated input', () => {
  it('random bytes: detection never throws, claims at most one format; parse returns a summary or EVIDENCE_MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), anyFormat, async (bytes, format) => {
        assert.ok(provenanceFormats.filter((f) => f.detect(bytes)).length <= 1);
        await outcome(format, bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('random JSON values: a summary or EVIDENCE_MALFORMED, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 6 }), anyFormat, async (text, format) => {
        await outcome(format, Buffer.from(text));
      }),
      { numRuns: 150 },
    );
  });

  it('corpus files with bytes flipped, cut short or spliced: a summary or EVIDENCE_MALFORMED', async () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('splice' as const),
        at: fc.nat(),
        from: fc.nat(),
        length: fc.nat({ max: 400 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(samples.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (index, mutations) => {
          let bytes = Buffer.from(samples[index] as Buffer);
          for (const m of mutations) {
            const at = m.at % Math.max(1, bytes.length);
            if (m.kind === 'flip') bytes[at] = m.value;
            else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
            else {
              const from = m.from % Math.max(1, bytes.length);
              bytes = Buffer.concat([
                bytes.subarray(0, at),
                bytes.subarray(from, from + m.length),
                bytes.subarray(at),
              ]);
            }
          }
          const format =
            provenanceFormats.find((f) => f.detect(bytes)) ??
            (provenanceFormats[0] as EvidenceFormat);
          await outcome(format, bytes);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a verified statement whose signed bytes change anywhere is never reported verified', async () => {
    const bundle = JSON.parse(
      readFileSync(
        corpusPath('provenance', 'github-npm-provenance-sigstore-js-2.1.0-bundle.json'),
        'utf8',
      ),
    );
    const message = JSON.parse(
      readFileSync(
        corpusPath('provenance', 'sigstore-bundle-v0.2-github-actions-wheel.json'),
        'utf8',
      ),
    );
    const witness = JSON.parse(
      readFileSync(corpusPath('provenance', 'witness-collection-cyclonedx-dsse.json'), 'utf8'),
    );
    const variants = [
      {
        value: bundle,
        change: (at: number) => ({
          ...bundle,
          dsseEnvelope: {
            ...bundle.dsseEnvelope,
            payload: flipDecodedByte(bundle.dsseEnvelope.payload, at),
          },
        }),
      },
      {
        value: message,
        change: (at: number) => ({
          ...message,
          messageSignature: {
            ...message.messageSignature,
            messageDigest: {
              ...message.messageSignature.messageDigest,
              digest: flipDecodedByte(message.messageSignature.messageDigest.digest, at),
            },
          },
        }),
      },
      {
        value: witness,
        change: (at: number) => ({ ...witness, payload: flipDecodedByte(witness.payload, at) }),
      },
    ];
    for (const { value } of variants) {
      const bytes = Buffer.from(JSON.stringify(value));
      const format = provenanceFormats.find((f) => f.detect(bytes)) as EvidenceFormat;
      const summary = (await outcome(format, bytes)) as ProvenanceSummary;
      assert.equal(summary.verified, true, 'the untouched file verifies');
    }
    await fc.assert(
      fc.asyncProperty(fc.nat(variants.length - 1), fc.nat(), async (which, at) => {
        const bytes = Buffer.from(
          JSON.stringify((variants[which] as (typeof variants)[number]).change(at)),
        );
        const format = provenanceFormats.find((f) => f.detect(bytes)) as EvidenceFormat;
        const result = await outcome(format, bytes);
        if (result instanceof Error) return; // the change broke the JSON inside: malformed, fine
        const summary = result as ProvenanceSummary;
        assert.equal(summary.verified, false);
        for (const statement of summary.statements)
          assert.notEqual(statement.signature.status, 'verified');
      }),
      { numRuns: 60 },
    );
  });
});

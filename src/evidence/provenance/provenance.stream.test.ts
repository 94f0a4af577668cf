import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dsseEnvelopeFormat } from './dsse-envelope-format.ts';
import { inTotoStatementFormat } from './in-toto-statement-format.ts';
import { PROVENANCE_LIMITS } from './limits.ts';
import { preAuthEncoding } from './signature-content.ts';
import type { ProvenanceSummary } from './summary.ts';
import { chunks, parseContext } from './test-helpers.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const hex = (n: number) => n.toString(16).padStart(64, '0');

describe('large provenance files', () => {
  it('streams a 45 MB JSON Lines file of signed envelopes with live heap far below its size', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const lines = 80;
    const materials = Array.from({ length: 3600 }, (_, i) => ({
      uri: `pkg:npm/dep-${i}@1.0.${i}`,
      digest: { sha256: hex(i) },
    }));
    let bytesOut = 0;
    let peak = 0;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    async function* file(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < lines; i++) {
        const statement = {
          _type: 'https://in-toto.io/Statement/v0.1',
          predicateType: 'https://slsa.dev/provenance/v0.2',
          subject: [{ name: `artifact-${i}`, digest: { sha256: hex(1_000_000 + i) } }],
          predicate: {
            builder: { id: 'https://ci.example/builder' },
            buildType: 'https://ci.example/v1',
            materials,
          },
        };
        const payload = Buffer.from(JSON.stringify(statement));
        const envelope = {
          payloadType: 'application/vnd.in-toto+json',
          payload: payload.toString('base64'),
          signatures: [
            {
              keyid: 'ci',
              sig: sign(
                null,
                preAuthEncoding('application/vnd.in-toto+json', payload),
                privateKey,
              ).toString('base64'),
            },
          ],
        };
        const line = Buffer.from(`${JSON.stringify(envelope)}\n`);
        bytesOut += line.length;
        yield* chunks(line, 256 * 1024);
        if (i % 10 === 9) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
    }
    const started = performance.now();
    const summary = (await dsseEnvelopeFormat.parse(
      file(),
      parseContext({ dsseKeys: [{ keyId: 'ci', pem }] }, [`sha256:${hex(1_000_007)}`]),
    )) as ProvenanceSummary;
    const seconds = (performance.now() - started) / 1000;
    assert.ok(bytesOut > 40 * 1024 * 1024, `generated ${bytesOut} bytes`);
    assert.equal(summary.statementCount, lines);
    assert.equal(summary.verified, true);
    assert.equal(summary.subjects.length, lines);
    assert.deepEqual(summary.matchesArtifacts.matchedByVerified, [`sha256:${hex(1_000_007)}`]);
    assert.ok(
      peak < bytesOut / 10,
      `live heap grew ${(peak / 1e6).toFixed(1)} MB for ${(bytesOut / 1e6).toFixed(1)} MB of input`,
    );
    console.log(
      `JSON Lines of DSSE envelopes: ${(bytesOut / 1024 / 1024 / seconds).toFixed(1)} MB/s (generation and signing included), live heap growth ${(peak / 1e6).toFixed(1)} MB for ${(bytesOut / 1e6).toFixed(1)} MB`,
    );
  });

  it('caps the statements it lists and says how many it left out', async () => {
    const count = PROVENANCE_LIMITS.maxStatements + 25;
    async function* file(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < count; i++) {
        yield Buffer.from(
          `${JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://example/p', subject: [{ name: `s${i}`, digest: { sha256: hex(i) } }] })}\n`,
        );
      }
    }
    const summary = (await inTotoStatementFormat.parse(
      file(),
      parseContext(),
    )) as ProvenanceSummary;
    assert.equal(summary.statementCount, count);
    assert.equal(summary.statements.length, PROVENANCE_LIMITS.maxStatements);
    assert.equal(summary.statementsOmitted, 25);
    assert.equal(summary.subjects.length, count, 'digests are listed beyond the statement cap');
    assert.equal(summary.signatures.unverified, count);
    assert.ok(
      summary.warnings.some((w) =>
        w.startsWith(`${count} statements; the first ${PROVENANCE_LIMITS.maxStatements}`),
      ),
    );
  });

  it('checks at most maxSignatureChecks signatures per file and reports the rest as unchecked', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const count = PROVENANCE_LIMITS.maxSignatureChecks + 3;
    async function* file(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < count; i++) {
        const payload = Buffer.from(
          JSON.stringify({
            _type: 'https://in-toto.io/Statement/v1',
            predicateType: 'https://example/p',
            subject: [{ name: `s${i}`, digest: { sha256: hex(i) } }],
          }),
        );
        const sig = sign(
          null,
          preAuthEncoding('application/vnd.in-toto+json', payload),
          privateKey,
        );
        yield Buffer.from(
          `${JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: payload.toString('base64'), signatures: [{ keyid: 'ci', sig: sig.toString('base64') }] })}\n`,
        );
      }
    }
    const summary = (await dsseEnvelopeFormat.parse(
      file(),
      parseContext({ dsseKeys: [{ keyId: 'ci', pem }] }),
    )) as ProvenanceSummary;
    assert.deepEqual(summary.signatures, {
      verified: PROVENANCE_LIMITS.maxSignatureChecks,
      unverified: 3,
      invalid: 0,
    });
    assert.equal(summary.verified, false);
    assert.match(
      summary.statements.at(-1)?.signature.reason ?? '',
      /^not checked: the file holds more than 1000 signatures/,
    );
  });

  it('caps the subjects listed per statement, keeping the count and every digest for matching', async () => {
    const count = PROVENANCE_LIMITS.maxSubjectsPerStatement + 500;
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://example/p',
      subject: Array.from({ length: count }, (_, i) => ({
        name: `s${i}`,
        digest: { sha256: hex(i) },
      })),
    };
    const last = `sha256:${hex(count - 1)}`;
    const summary = (await inTotoStatementFormat.parse(
      chunks(Buffer.from(JSON.stringify(statement))),
      parseContext({}, [last]),
    )) as ProvenanceSummary;
    const only = summary.statements[0];
    assert.equal(only?.subjectCount, count);
    assert.equal(only?.subjects.length, PROVENANCE_LIMITS.maxSubjectsPerStatement);
    assert.equal(only?.subjectsOmitted, 500);
    assert.deepEqual(summary.matchesArtifacts.matched, [last]);
    assert.ok(summary.warnings.some((w) => /1500 subjects; the first 1000 are listed/.test(w)));
  });

  it('refuses a single document above the size limit with a clear error, without reading on', async () => {
    const limit = PROVENANCE_LIMITS.maxDocumentBytes;
    let produced = 0;
    async function* file(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('{\n"payload": "');
      const block = Buffer.alloc(1024 * 1024, 0x41);
      while (produced < limit * 2) {
        produced += block.length;
        yield block;
      }
    }
    await assert.rejects(
      dsseEnvelopeFormat.parse(file(), parseContext()),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'EVIDENCE_MALFORMED');
        assert.match(
          error.message,
          /^dsse-envelope: the JSON document starting at line 1 is larger than 32 MiB/,
        );
        return true;
      },
    );
    assert.ok(produced <= limit + 2 * 1024 * 1024, 'stopped reading soon after the limit');
  });
});

import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath } from '../../../test/support/corpus.ts';
import type { TrustMaterial } from '../format.ts';
import { dsseEnvelopeFormat } from './dsse-envelope-format.ts';
import { gcbProvenanceFormat } from './gcb-provenance-format.ts';
import { preAuthEncoding } from './signature-content.ts';
import { sigstoreBundleFormat } from './sigstore-bundle-format.ts';
import type { ProvenanceSummary } from './summary.ts';
import { chunks, flipDecodedByte, parseContext, rewritePayload, TEST_NOW } from './test-helpers.ts';

// ---- Hand-made envelopes, signed with keys generated for the test ----

interface TestKey {
  name: string;
  pem: string;
  sign(data: Buffer): Buffer;
}

function testKey(name: string): TestKey {
  const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  switch (name) {
    case 'ed25519': {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      return { name, pem: pemOf(publicKey), sign: (data) => sign(null, data, privateKey) };
    }
    case 'p256-der':
    case 'p256-p1363': {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const dsaEncoding = name === 'p256-der' ? 'der' : 'ieee-p1363';
      return {
        name,
        pem: pemOf(publicKey),
        sign: (data) => sign('sha256', data, { key: privateKey, dsaEncoding }),
      };
    }
    case 'p384': {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      return { name, pem: pemOf(publicKey), sign: (data) => sign('sha384', data, privateKey) };
    }
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const padding =
        name === 'rsa-pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
      return {
        name,
        pem: pemOf(publicKey),
        sign: (data) => sign('sha256', data, { key: privateKey, padding }),
      };
    }
    default:
      throw new Error(name);
  }
}

const KEY_TYPES = ['ed25519', 'p256-der', 'p256-p1363', 'p384', 'rsa-pkcs1', 'rsa-pss'];
const keys = Object.fromEntries(KEY_TYPES.map((name) => [name, testKey(name)])) as Record<
  string,
  TestKey
>;
const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

function statementText(sha256: string, builder = 'https://ci.example/builder'): string {
  return JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'app.tar.gz', digest: { sha256 } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://ci.example/build/v1',
        externalParameters: {
          workflow: { repository: 'https://git.example/app', ref: 'refs/tags/v1' },
        },
        resolvedDependencies: [
          { uri: 'git+https://git.example/app@refs/tags/v1', digest: { gitCommit: 'c0ffee' } },
        ],
      },
      runDetails: { builder: { id: builder } },
    },
  });
}

const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

interface Signing {
  key: TestKey;
  keyid?: string;
  /** Sign the bare payload instead of the PAE (what DSSE forbids; Cloud Build once did). */
  bare?: boolean;
}

function envelope(payloadText: string, signings: Signing[], payloadType = PAYLOAD_TYPE) {
  const payload = Buffer.from(payloadText, 'utf8');
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: signings.map(({ key, keyid, bare }) => ({
      ...(keyid === undefined ? {} : { keyid }),
      sig: key.sign(bare ? payload : preAuthEncoding(payloadType, payload)).toString('base64'),
    })),
  };
}

async function parseEnvelope(
  value: unknown,
  trust: Partial<TrustMaterial> = {},
  artifacts: string[] = [],
): Promise<ProvenanceSummary> {
  const bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  assert.ok(dsseEnvelopeFormat.detect(bytes));
  return (await dsseEnvelopeFormat.parse(
    chunks(bytes),
    parseContext(trust, artifacts),
  )) as ProvenanceSummary;
}

const only = (summary: ProvenanceSummary) => {
  assert.equal(summary.statements.length, 1);
  return (summary.statements[0] as ProvenanceSummary['statements'][number]).signature;
};

describe('DSSE envelopes signed with configured keys', () => {
  for (const name of KEY_TYPES) {
    const key = keys[name] as TestKey;
    const trust = { dsseKeys: [{ keyId: `ci-${name}`, pem: key.pem }] };

    it(`${name}: a signature by the configured key is verified and names the key`, async () => {
      const summary = await parseEnvelope(
        envelope(statementText(DIGEST_A), [{ key, keyid: `ci-${name}` }]),
        trust,
        [`sha256:${DIGEST_A}`],
      );
      const signature = only(summary);
      assert.equal(signature.status, 'verified', signature.reason);
      assert.deepEqual(signature.signer, { keyId: `ci-${name}`, identity: null, issuer: null });
      assert.equal(summary.verified, true);
      assert.deepEqual(summary.matchesArtifacts.matchedByVerified, [`sha256:${DIGEST_A}`]);
    });

    it(`${name}: the same envelope with one payload byte changed is invalid`, async () => {
      const value = envelope(statementText(DIGEST_A), [{ key, keyid: `ci-${name}` }]);
      value.payload = rewritePayload(value.payload, (text) =>
        text.replace(DIGEST_A, `${'a'.repeat(63)}b`),
      );
      const signature = only(await parseEnvelope(value, trust));
      assert.equal(signature.status, 'invalid');
      assert.equal(signature.signer, null);
      assert.match(signature.reason, /does not verify with the configured key "ci-/);
    });

    it(`${name}: a valid signature transplanted onto another statement is invalid`, async () => {
      const donor = envelope(statementText(DIGEST_A), [{ key, keyid: `ci-${name}` }]);
      const target = envelope(statementText(DIGEST_B), [{ key, keyid: `ci-${name}` }]);
      target.signatures = donor.signatures;
      assert.equal(only(await parseEnvelope(target, trust)).status, 'invalid');
    });
  }

  it('a signature whose key id is not configured is unverified, naming the key id', async () => {
    const value = envelope(statementText(DIGEST_A), [
      { key: keys.ed25519 as TestKey, keyid: 'someone-else' },
    ]);
    const signature = only(
      await parseEnvelope(value, {
        dsseKeys: [{ keyId: 'ci', pem: (keys['p256-der'] as TestKey).pem }],
      }),
    );
    assert.equal(signature.status, 'unverified');
    assert.match(signature.reason, /"someone-else", which is not among the configured keys/);
  });

  it('a signature naming a key id configured under another id is verified by the key that made it, and says so', async () => {
    const key = keys.ed25519 as TestKey;
    const value = envelope(statementText(DIGEST_A), [{ key, keyid: 'sha256:abc' }]);
    const signature = only(
      await parseEnvelope(value, { dsseKeys: [{ keyId: 'release-key', pem: key.pem }] }),
    );
    assert.equal(signature.status, 'verified');
    assert.equal(signature.signer?.keyId, 'release-key');
    assert.match(signature.reason, /the envelope names the key id "sha256:abc"/);
  });

  it('a signature with no key id is verified by a configured key that made it', async () => {
    const key = keys['p256-der'] as TestKey;
    const trust = {
      dsseKeys: [
        { keyId: 'other', pem: (keys['p256-p1363'] as TestKey).pem },
        { keyId: 'ci', pem: key.pem },
      ],
    };
    const signature = only(
      await parseEnvelope(envelope(statementText(DIGEST_A), [{ key }]), trust),
    );
    assert.equal(signature.status, 'verified');
    assert.equal(signature.signer?.keyId, 'ci');
  });

  it('a keyless signature that no fitting configured key verifies is invalid; with no fitting key, unverified', async () => {
    const key = keys['p256-der'] as TestKey;
    const value = envelope(statementText(DIGEST_A), [{ key }]);
    value.payload = flipDecodedByte(value.payload, 20);
    const fitting = only(await parseEnvelope(value, { dsseKeys: [{ keyId: 'ci', pem: key.pem }] }));
    assert.equal(fitting.status, 'invalid');
    const rsaOnly = only(
      await parseEnvelope(value, {
        dsseKeys: [{ keyId: 'rsa', pem: (keys['rsa-pkcs1'] as TestKey).pem }],
      }),
    );
    assert.equal(rsaOnly.status, 'unverified');
    assert.match(rsaOnly.reason, /none of the configured keys is of its kind/);
    const none = only(await parseEnvelope(value));
    assert.equal(none.status, 'unverified');
    assert.match(none.reason, /no DSSE keys are configured/);
  });

  it('a signature over the bare payload instead of the PAE is invalid in a DSSE envelope', async () => {
    const key = keys.ed25519 as TestKey;
    const value = envelope(statementText(DIGEST_A), [{ key, keyid: 'ci', bare: true }]);
    const signature = only(
      await parseEnvelope(value, { dsseKeys: [{ keyId: 'ci', pem: key.pem }] }),
    );
    assert.equal(signature.status, 'invalid');
  });

  it('the PAE binds the payload type: the same signature under another payload type is invalid', async () => {
    const key = keys.ed25519 as TestKey;
    const value = envelope(statementText(DIGEST_A), [{ key, keyid: 'ci' }]);
    value.payloadType = 'application/vnd.in-toto.provenance+json';
    assert.equal(
      only(await parseEnvelope(value, { dsseKeys: [{ keyId: 'ci', pem: key.pem }] })).status,
      'invalid',
    );
  });

  it('combines several signatures: one verified is enough, one invalid spoils all', async () => {
    const a = keys.ed25519 as TestKey;
    const b = keys['rsa-pss'] as TestKey;
    const trust = {
      dsseKeys: [
        { keyId: 'a', pem: a.pem },
        { keyId: 'b', pem: b.pem },
      ],
    };
    const good = envelope(statementText(DIGEST_A), [
      { key: a, keyid: 'a' },
      { key: b, keyid: 'unknown' },
    ]);
    const combined = only(await parseEnvelope(good, trust));
    assert.equal(combined.status, 'verified');
    assert.match(combined.reason, /signature 1: verified.*signature 2: /);
    const mixed = envelope(statementText(DIGEST_A), [
      { key: a, keyid: 'a' },
      { key: a, keyid: 'b' },
    ]);
    const spoiled = only(await parseEnvelope(mixed, trust));
    assert.equal(spoiled.status, 'invalid');
    assert.match(spoiled.reason, /^signature 2: /);
  });

  it('an envelope with no signatures is unverified; a signature that is not base64 is invalid', async () => {
    const value = envelope(statementText(DIGEST_A), []);
    assert.equal(only(await parseEnvelope(value)).status, 'unverified');
    const broken = { ...value, signatures: [{ keyid: 'ci', sig: 'not base64!' }] };
    const signature = only(await parseEnvelope(broken));
    assert.equal(signature.status, 'invalid');
    assert.match(signature.reason, /signatures\[0\]\.sig is missing or not base64/);
  });

  it('refuses to check an envelope with more signatures than accepted', async () => {
    const key = keys.ed25519 as TestKey;
    const value = envelope(
      statementText(DIGEST_A),
      Array.from({ length: 65 }, () => ({ key, keyid: 'ci' })),
    );
    const signature = only(
      await parseEnvelope(value, { dsseKeys: [{ keyId: 'ci', pem: key.pem }] }),
    );
    assert.equal(signature.status, 'invalid');
    assert.match(signature.reason, /65 signatures, more than the 64 accepted/);
  });

  it('ignores a configured key that is not a public key, and says so', async () => {
    const key = keys.ed25519 as TestKey;
    const summary = await parseEnvelope(envelope(statementText(DIGEST_A), [{ key, keyid: 'ci' }]), {
      dsseKeys: [
        { keyId: 'broken', pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
        { keyId: 'ci', pem: key.pem },
      ],
    });
    assert.equal(only(summary).status, 'verified');
    assert.ok(
      summary.warnings.some((w) => /configured key "broken" is not a readable public key/.test(w)),
    );
  });

  it('reports a payload that is not in-toto, without a statement, and still checks its signature', async () => {
    const key = keys.ed25519 as TestKey;
    const value = envelope('hello', [{ key, keyid: 'ci' }], 'text/plain');
    const bytes = Buffer.from(JSON.stringify(value));
    assert.equal(dsseEnvelopeFormat.detect(bytes), false, 'not provenance by its head');
    const summary = (await dsseEnvelopeFormat.parse(
      chunks(bytes),
      parseContext({ dsseKeys: [{ keyId: 'ci', pem: key.pem }] }),
    )) as ProvenanceSummary;
    assert.equal(summary.statements[0]?.predicateType, null);
    assert.equal(only(summary).status, 'verified');
    assert.ok(summary.warnings.some((w) => /"text\/plain" is not an in-toto payload/.test(w)));
  });

  it('rejects envelopes that cannot be read, naming each problem and its path', async () => {
    const cases: [unknown, RegExp][] = [
      [{ payload: 'eyJ9', signatures: [] }, /\$\.payloadType: missing/],
      [{ payloadType: PAYLOAD_TYPE, payload: '%%%', signatures: [] }, /\$\.payload: is not base64/],
      [
        { payloadType: PAYLOAD_TYPE, payload: 42, signatures: {} },
        /\$\.payload: expected a base64 string.*\$\.signatures: expected an array/,
      ],
      [
        {
          payloadType: PAYLOAD_TYPE,
          payload: Buffer.from('{"_type": ').toString('base64'),
          signatures: [],
        },
        /in-toto payload is not valid JSON/,
      ],
      [
        {
          payloadType: PAYLOAD_TYPE,
          payload: Buffer.from('[1]').toString('base64'),
          signatures: [],
        },
        /is an array, not a Statement object/,
      ],
    ];
    for (const [value, pattern] of cases) {
      await assert.rejects(
        dsseEnvelopeFormat.parse(chunks(Buffer.from(JSON.stringify(value))), parseContext()),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'EVIDENCE_MALFORMED');
          assert.match(error.message, /^dsse-envelope: /);
          assert.match(error.message, pattern);
          return true;
        },
      );
    }
  });

  it('summarizes every line of a JSON Lines file, with its line number', async () => {
    const key = keys.ed25519 as TestKey;
    const trust = { dsseKeys: [{ keyId: 'ci', pem: key.pem }] };
    const lines = [
      JSON.stringify(envelope(statementText(DIGEST_A), [{ key, keyid: 'ci' }])),
      '',
      JSON.stringify(
        envelope(statementText(DIGEST_B), [{ key: keys['rsa-pss'] as TestKey, keyid: 'other' }]),
      ),
    ];
    const summary = await parseEnvelope(`${lines.join('\n')}\n`, trust, [`sha256:${DIGEST_B}`]);
    assert.deepEqual(
      summary.statements.map((s) => [s.line, s.signature.status]),
      [
        [1, 'verified'],
        [3, 'unverified'],
      ],
    );
    assert.equal(summary.verified, false);
    assert.deepEqual(summary.subjects, [`sha256:${DIGEST_A}`, `sha256:${DIGEST_B}`]);
    assert.deepEqual(summary.matchesArtifacts, {
      matched: [`sha256:${DIGEST_B}`],
      unmatched: [],
      matchedByVerified: [],
    });
  });
});

describe('corpus envelopes with their real keys', () => {
  const witness = JSON.parse(
    readFileSync(corpusPath('provenance', 'witness-collection-cyclonedx-dsse.json'), 'utf8'),
  );
  const vsa = JSON.parse(
    readFileSync(corpusPath('provenance', 'dsse-slsa-vsa-v1-google.jsonl'), 'utf8'),
  );
  const witnessKeyId = witness.signatures[0].keyid as string;
  const trust = {
    dsseKeys: [
      {
        keyId: witnessKeyId,
        pem: readFileSync(new URL('./fixtures/keys/witness-testpub.pem', import.meta.url), 'utf8'),
      },
      {
        keyId: vsa.signatures[0].keyid,
        pem: readFileSync(
          new URL('./fixtures/keys/slsa-verifier-vsa-signing.pem', import.meta.url),
          'utf8',
        ),
      },
    ],
  };

  it('the witness collection verifies, and with one payload byte changed it is invalid', async () => {
    assert.equal(only(await parseEnvelope(witness, trust)).status, 'verified');
    const changed = {
      ...witness,
      payload: rewritePayload(witness.payload, (t) => t.replace('"name":"sbom"', '"name":"sboM"')),
    };
    assert.equal(only(await parseEnvelope(changed, trust)).status, 'invalid');
  });

  it("the witness signature transplanted onto the VSA's statement is invalid", async () => {
    assert.equal(only(await parseEnvelope(vsa, trust)).status, 'verified');
    const transplanted = {
      ...vsa,
      signatures: [{ keyid: vsa.signatures[0].keyid, sig: witness.signatures[0].sig }],
    };
    assert.equal(only(await parseEnvelope(transplanted, trust)).status, 'invalid');
    const other = { ...vsa, signatures: [{ keyid: witnessKeyId, sig: witness.signatures[0].sig }] };
    assert.equal(only(await parseEnvelope(other, trust)).status, 'invalid');
  });

  it('Cloud Build: the bare-payload signature verifies only inside a Cloud Build summary', async () => {
    const text = readFileSync(
      corpusPath('provenance', 'gcb-gcloud-provenance-summary.json'),
      'utf8',
    );
    const summaryJson = JSON.parse(text);
    const occurrence = summaryJson.provenance_summary.provenance[0];
    const gcbTrust = {
      dsseKeys: [
        {
          keyId: occurrence.envelope.signatures[0].keyid,
          pem: readFileSync(new URL('./fixtures/keys/gcb-us-west2.pem', import.meta.url), 'utf8'),
        },
      ],
    };
    const gcb = (await gcbProvenanceFormat.parse(
      chunks(Buffer.from(text)),
      parseContext(gcbTrust),
    )) as ProvenanceSummary;
    assert.equal(only(gcb).status, 'verified');
    assert.match(only(gcb).reason, /bare payload/);
    // The same envelope on its own is a DSSE envelope, where only the PAE counts.
    assert.equal(only(await parseEnvelope(occurrence.envelope, gcbTrust)).status, 'invalid');
    // A changed subject digest fails inside the summary too, and no longer matches the unsigned copy.
    occurrence.envelope.payload = rewritePayload(occurrence.envelope.payload, (t) =>
      t.replace('f472ca4b', 'f472ca4c'),
    );
    const changed = (await gcbProvenanceFormat.parse(
      chunks(Buffer.from(JSON.stringify(summaryJson))),
      parseContext(gcbTrust),
    )) as ProvenanceSummary;
    assert.equal(only(changed).status, 'invalid');
    assert.ok(changed.warnings.some((w) => /differs from the signed envelope/.test(w)));
  });
});

describe('Sigstore bundles: tampering and transplanting', () => {
  const root = readFileSync(
    corpusPath('support', 'sigstore-public-good-trusted_root.json'),
    'utf8',
  );
  const read = (name: string) => JSON.parse(readFileSync(corpusPath('provenance', name), 'utf8'));
  const parseBundle = async (
    bundle: unknown,
    trust: Partial<TrustMaterial> = { sigstoreTrustedRoot: root },
    now = TEST_NOW,
  ) => {
    const bytes = Buffer.from(JSON.stringify(bundle));
    assert.ok(sigstoreBundleFormat.detect(bytes));
    const context = { ...parseContext(trust), now };
    return only((await sigstoreBundleFormat.parse(chunks(bytes), context)) as ProvenanceSummary);
  };
  const npmBundle = () => read('github-npm-provenance-sigstore-js-2.1.0-bundle.json');
  const messageBundle = () => read('sigstore-bundle-v0.1-cpython-3.12.5-release.json');

  it('the untouched bundles verify (the baseline the other cases change)', async () => {
    assert.equal((await parseBundle(npmBundle())).status, 'verified');
    assert.equal((await parseBundle(messageBundle())).status, 'verified');
  });

  it('a DSSE bundle with one payload byte changed is invalid, with or without a trusted root', async () => {
    const bundle = npmBundle();
    bundle.dsseEnvelope.payload = rewritePayload(bundle.dsseEnvelope.payload, (t) =>
      t.replace('sigstore@2.1.0', 'sigstore@2.1.1'),
    );
    for (const trust of [{ sigstoreTrustedRoot: root }, {}]) {
      const signature = await parseBundle(bundle, trust);
      assert.equal(signature.status, 'invalid');
      assert.match(signature.reason, /does not verify with the signing certificate's key/);
    }
  });

  it('a message-signature bundle whose artifact digest changed by one byte is invalid', async () => {
    const bundle = messageBundle();
    bundle.messageSignature.messageDigest.digest = flipDecodedByte(
      bundle.messageSignature.messageDigest.digest,
      7,
    );
    assert.equal((await parseBundle(bundle)).status, 'invalid');
    assert.equal((await parseBundle(bundle, {})).status, 'invalid');
  });

  it("a bundle's signature and certificate transplanted onto another statement are invalid", async () => {
    const donor = npmBundle();
    const other = read('npm-registry-attestations-slsa-v1.json').attestations[1].bundle;
    donor.dsseEnvelope.payload = other.dsseEnvelope.payload;
    assert.equal((await parseBundle(donor)).status, 'invalid');
    // The other way round: another bundle's envelope under this bundle's certificate and log entry.
    const host = npmBundle();
    host.dsseEnvelope = other.dsseEnvelope;
    assert.equal((await parseBundle(host)).status, 'invalid');
  });

  it('a log entry from another bundle does not vouch for this one', async () => {
    const bundle = npmBundle();
    bundle.verificationMaterial.tlogEntries = read(
      'bcr-publish-bundle-v0.3-statement-v1-slsa-v1.json',
    ).verificationMaterial.tlogEntries;
    const signature = await parseBundle(bundle);
    assert.equal(signature.status, 'invalid');
    assert.match(signature.reason, /Sigstore verification failed/);
  });

  it('a signing time after the time of the check is invalid', async () => {
    const signature = await parseBundle(
      npmBundle(),
      { sigstoreTrustedRoot: root },
      new Date('2023-08-01T00:00:00Z'),
    );
    assert.equal(signature.status, 'invalid');
    assert.match(
      signature.reason,
      /signing time 2023-08-29T15:40:23.000Z is later than the time of this check/,
    );
  });

  it('without its log entry a certificate-signed bundle has no signing time: unverified', async () => {
    const bundle = npmBundle();
    bundle.verificationMaterial.tlogEntries = [];
    const signature = await parseBundle(bundle);
    assert.equal(signature.status, 'unverified');
    assert.match(signature.reason, /no timestamp from an authority in the trusted root/);
  });

  it('a v0.1 entry with neither a checkpoint nor an inclusion promise is invalid, not a crash', async () => {
    const bundle = messageBundle();
    delete bundle.verificationMaterial.tlogEntries[0].inclusionPromise;
    const signature = await parseBundle(bundle);
    assert.notEqual(signature.status, 'verified');
  });

  it('an unreadable certificate is invalid; an unreadable trusted root leaves everything unverified', async () => {
    const bundle = npmBundle();
    bundle.verificationMaterial.certificate.rawBytes =
      Buffer.from('not a certificate').toString('base64');
    assert.equal((await parseBundle(bundle)).status, 'invalid');
    const signature = await parseBundle(npmBundle(), { sigstoreTrustedRoot: '{"not": "a root"' });
    assert.equal(signature.status, 'unverified');
    assert.match(signature.reason, /the configured Sigstore trusted root cannot be read/);
  });

  it('refuses to check a bundle with more log entries and timestamps than accepted', async () => {
    const bundle = npmBundle();
    const entry = bundle.verificationMaterial.tlogEntries[0];
    bundle.verificationMaterial.tlogEntries = Array.from({ length: 33 }, () => entry);
    const signature = await parseBundle(bundle);
    assert.equal(signature.status, 'invalid');
    assert.match(signature.reason, /33 log entries and 0 timestamps, more than the 32 accepted/);
  });

  it('a bundle that lists its problems: no content, no key material', async () => {
    const signature = await parseBundle({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {},
    });
    assert.equal(signature.status, 'invalid');
    assert.match(signature.reason, /no signed content.*carries no certificate and no public key/);
  });
});

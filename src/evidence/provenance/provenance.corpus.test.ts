import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { DETECT_HEAD_BYTES, type EvidenceFormat } from '../format.ts';
import { provenanceFormats } from './index.ts';
import type { ProvenanceSummary } from './summary.ts';
import { chunks, parseContext } from './test-helpers.ts';

const files = corpusFiles('provenance');
const publicGoodRoot = readFileSync(
  corpusPath('support', 'sigstore-public-good-trusted_root.json'),
  'utf8',
);
const githubRoot = readFileSync(corpusPath('support', 'github-trusted_root.json'), 'utf8');
const stagingTsaRoot = readFileSync(
  new URL('./fixtures/trust/sigstore-python-staging-tsa-trusted_root.json', import.meta.url),
  'utf8',
);
const key = (name: string) =>
  readFileSync(new URL(`./fixtures/keys/${name}`, import.meta.url), 'utf8');
/** The public keys that signed corpus files, under the key ids those files name. */
const corpusKeys = [
  {
    keyId: 'ae2dcc989ea9c109a36e8eba5c4bc16d8fafcfe8e1a614164670d50aedacd647',
    pem: key('witness-testpub.pem'),
  },
  {
    keyId: 'keystore://76574:prod:vsa_signing_public_key',
    pem: key('slsa-verifier-vsa-signing.pem'),
  },
  {
    keyId:
      'projects/verified-builder/locations/us-west2/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
    pem: key('gcb-us-west2.pem'),
  },
  {
    keyId: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
    pem: key('npm-registry-jl3bwswu.pem'),
  },
];

function detected(bytes: Uint8Array): EvidenceFormat[] {
  const head = bytes.subarray(0, DETECT_HEAD_BYTES);
  return provenanceFormats.filter((format) => format.detect(head));
}

async function summarize(
  path: string,
  trust: Parameters<typeof parseContext>[0] = {},
  artifacts: string[] = [],
): Promise<ProvenanceSummary> {
  const bytes = readFileSync(path);
  const [format] = detected(bytes);
  assert.ok(format, `${basename(path)} is not detected`);
  return (await format.parse(chunks(bytes), parseContext(trust, artifacts))) as ProvenanceSummary;
}

// ---- Expected figures, computed from the files with plain JSON.parse (not with the parser) ----

interface Expected {
  predicateType: string | null;
  subjectCount: number;
  sha256: string[];
}

function documentsOf(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  }
}

function fromPayload(envelope: { payload: string; payloadType: string }): Expected {
  if (envelope.payloadType !== 'application/vnd.in-toto+json') {
    return { predicateType: null, subjectCount: 0, sha256: [] };
  }
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  return fromStatement(statement);
}

function fromStatement(statement: {
  predicateType?: string;
  subject?: { digest?: { sha256?: string } }[];
}): Expected {
  const subjects = statement.subject ?? [];
  return {
    predicateType: statement.predicateType || null,
    subjectCount: subjects.length,
    sha256: subjects.flatMap((s) => (s.digest?.sha256 ? [s.digest.sha256] : [])),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: walking raw JSON in the test's own reading
function fromBundle(bundle: any): Expected {
  if (bundle.dsseEnvelope) return fromPayload(bundle.dsseEnvelope);
  if (bundle.messageSignature) {
    const hex = Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64').toString('hex');
    return { predicateType: null, subjectCount: 1, sha256: [hex] };
  }
  return { predicateType: null, subjectCount: 0, sha256: [] };
}

function expectedStatements(path: string): Expected[] {
  // biome-ignore lint/suspicious/noExplicitAny: walking raw JSON in the test's own reading
  return documentsOf(readFileSync(path, 'utf8')).flatMap((document: any): Expected[] => {
    if (document.attestations)
      return document.attestations.map((a: { bundle: unknown }) => fromBundle(a.bundle));
    if (document.provenance_summary) {
      return document.provenance_summary.provenance.map((p: { envelope: never }) =>
        fromPayload(p.envelope),
      );
    }
    if (document.mediaType) return [fromBundle(document)];
    if (document.payload) return [fromPayload(document)];
    if (document._type) return [fromStatement(document)];
    return [{ predicateType: null, subjectCount: 0, sha256: [] }]; // the bare predicate
  });
}

// ---- Expected signature outcomes, per file, per statement ----

type Status = 'verified' | 'unverified' | 'invalid';
const V: Status = 'verified';
const U: Status = 'unverified';
const I: Status = 'invalid';

/** Against the public-good trusted root (the GitHub one gives the same), with no DSSE keys. */
const WITH_PUBLIC_GOOD_ROOT: Record<string, Status[]> = {
  'bare-slsa-v1-predicate-only.json': [U], // no signature at all
  'bcr-publish-bundle-v0.3-statement-v1-slsa-v1.json': [V],
  'dsse-cosign-attest-cyclonedx-centos7.intoto.jsonl': [U], // keyless, no key configured
  'dsse-cosign-custom-predicate.json': [U],
  'dsse-slsa-vsa-v1-google.jsonl': [U], // key not configured
  'gcb-gcloud-provenance-summary.json': [U], // key not configured
  'github-artifact-attestation-pypi-wheel.jsonl': [U], // GitHub's own Fulcio: not in these roots
  'github-artifact-attestation-reusable-workflow.sigstore.json': [V],
  'github-npm-provenance-sigstore-js-2.1.0-bundle.json': [V],
  'github-npm-two-bundles.jsonl': [V, V],
  'invalid-github-bundle-missing-cert.jsonl': [I],
  'invalid-sig-github-sigstore-bundle.json': [I],
  'invalid-sig-npm-registry-attestations-slsa-v0.2.json': [U, I], // npm key not configured; altered
  'invalid-sig-sigstore-bundle-dsse.json': [I],
  'npm-registry-attestations-slsa-v1.json': [U, V],
  'sigstore-bundle-trivy-cdx-attestation.json': [V],
  'sigstore-bundle-v0.1-cpython-3.12.5-release.json': [V], // message signature, P-384
  'sigstore-bundle-v0.1.json': [V],
  'sigstore-bundle-v0.2-github-actions-wheel.json': [V], // message signature
  'sigstore-bundle-v0.3-dsse-rekor-v2-staging.json': [U], // staging CA
  'sigstore-bundle-v0.3-rfc3161-timestamp.json': [U], // staging CA
  'slsa-github-generator-v1.2.0-generic-dsse-slsa-v0.2.intoto.jsonl': [U], // cert, no timestamp
  'slsa-github-generator-v2.1.0-bundle-v0.3-slsa-v0.2.intoto.jsonl': [V],
  'slsa-github-generator-v2.1.0-delegator-bundle-v0.2-slsa-v1.json': [V],
  'slsa-v0.2-multi-subject.intoto.jsonl': [U], // cert, no timestamp
  'witness-collection-cyclonedx-dsse.json': [U], // key not configured
  'witness-collection-git-env-2.5mb.json': [U], // public-good cert, TSA not in the root
};

/** What changes when the keys that signed corpus files are configured as DSSE keys. */
const WITH_CORPUS_KEYS: Record<string, Status[]> = {
  'dsse-slsa-vsa-v1-google.jsonl': [V],
  'gcb-gcloud-provenance-summary.json': [V],
  'invalid-sig-npm-registry-attestations-slsa-v0.2.json': [V, I], // publish attestation is genuine
  'npm-registry-attestations-slsa-v1.json': [V, V],
  'witness-collection-cyclonedx-dsse.json': [V],
  // Keyless cosign signatures now meet configured P-256 keys that could have made them and
  // verify with none of them: reported invalid, as a tampered envelope would be.
  'dsse-cosign-attest-cyclonedx-centos7.intoto.jsonl': [I],
  'dsse-cosign-custom-predicate.json': [I],
};

const statuses = (summary: ProvenanceSummary) => summary.statements.map((s) => s.signature.status);

describe('provenance corpus', () => {
  it('finds the 27 provenance files SOURCES.md lists', () => {
    assert.equal(files.length, 27);
    assert.deepEqual(
      files.map((file) => basename(file)).sort(),
      Object.keys(WITH_PUBLIC_GOOD_ROOT).sort(),
    );
  });

  for (const file of files) {
    const name = basename(file);
    describe(name, () => {
      it('is recognized by exactly one provenance format', () => {
        const found = detected(readFileSync(file)).map((format) => format.id);
        assert.equal(found.length, 1, `detected as ${found.join(', ') || 'nothing'}`);
      });

      it('yields statements whose figures agree with the file', async () => {
        const summary = await summarize(file, { sigstoreTrustedRoot: publicGoodRoot });
        assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'the summary is JSON-safe');
        const expected = expectedStatements(file);
        assert.equal(summary.statementCount, expected.length);
        assert.equal(summary.statements.length, expected.length);
        expected.forEach((want, index) => {
          const got = summary.statements[index];
          assert.ok(got);
          assert.equal(
            got.predicateType,
            want.predicateType,
            `statement ${index + 1} predicateType`,
          );
          assert.equal(got.subjectCount, want.subjectCount, `statement ${index + 1} subjects`);
          assert.equal(got.subjects.length, want.subjectCount);
        });
        const allDigests = [
          ...new Set(expected.flatMap((e) => e.sha256).map((hex) => `sha256:${hex}`)),
        ];
        assert.deepEqual([...summary.subjects].sort(), allDigests.sort());
        assert.deepEqual(
          summary.predicateTypes.sort(),
          [...new Set(expected.flatMap((e) => (e.predicateType ? [e.predicateType] : [])))].sort(),
        );
      });

      it('reports the expected signature status against the public-good and GitHub roots', async () => {
        const want = WITH_PUBLIC_GOOD_ROOT[name];
        for (const root of [publicGoodRoot, githubRoot]) {
          const summary = await summarize(file, { sigstoreTrustedRoot: root });
          assert.deepEqual(statuses(summary), want);
          for (const statement of summary.statements) {
            assert.ok(statement.signature.reason.length > 0, 'every status has a reason');
            assert.equal(
              statement.signature.signer !== null,
              statement.signature.status === 'verified',
            );
          }
          assert.equal(
            summary.verified,
            want?.every((status) => status === 'verified'),
          );
          assert.equal(summary.signatures.verified, want?.filter((s) => s === 'verified').length);
        }
      });

      it('links the subject digests to the release artifacts that match and reports the rest', async () => {
        const [first] = expectedStatements(file).flatMap((e) => e.sha256);
        const missing = `sha256:${'0'.repeat(64)}`;
        const artifacts = first ? [`sha256:${first.toUpperCase()}`, missing] : [missing];
        const summary = await summarize(file, { sigstoreTrustedRoot: publicGoodRoot }, artifacts);
        assert.deepEqual(summary.matchesArtifacts.matched, first ? [artifacts[0]] : []);
        assert.deepEqual(summary.matchesArtifacts.unmatched, [missing]);
        const verifiedMatch =
          first &&
          summary.statements.some(
            (s) =>
              s.signature.status === 'verified' &&
              s.subjects.some((subject) => subject.digest.sha256 === first),
          );
        assert.deepEqual(
          summary.matchesArtifacts.matchedByVerified,
          verifiedMatch ? [artifacts[0]] : [],
        );
      });
    });
  }

  it('verifies nothing without a trusted root or keys, and names why', async () => {
    for (const file of files) {
      const summary = await summarize(file);
      assert.equal(summary.verified, false, basename(file));
      for (const statement of summary.statements) {
        assert.notEqual(statement.signature.status, 'verified', basename(file));
        assert.match(statement.signature.reason, /trusted root|key|signature|incomplete|changed/);
      }
    }
  });

  it('verifies the key-signed corpus files once their public keys are configured', async () => {
    for (const file of files) {
      const name = basename(file);
      const summary = await summarize(file, {
        sigstoreTrustedRoot: publicGoodRoot,
        dsseKeys: corpusKeys,
      });
      assert.deepEqual(
        statuses(summary),
        WITH_CORPUS_KEYS[name] ?? WITH_PUBLIC_GOOD_ROOT[name],
        name,
      );
    }
  });

  it('verifies the RFC 3161 staging bundle against the staging trusted root it was made for', async () => {
    const summary = await summarize(
      corpusPath('provenance', 'sigstore-bundle-v0.3-rfc3161-timestamp.json'),
      {
        sigstoreTrustedRoot: stagingTsaRoot,
      },
    );
    assert.deepEqual(statuses(summary), ['verified']);
    assert.equal(
      summary.statements[0]?.signature.signer?.identity,
      'alexis.challande@trailofbits.com',
    );
    // The public-good bundles name a CA this root does not hold: unverified, never invalid.
    const other = await summarize(corpusPath('provenance', 'sigstore-bundle-v0.1.json'), {
      sigstoreTrustedRoot: stagingTsaRoot,
    });
    assert.deepEqual(statuses(other), ['unverified']);
    assert.match(
      other.statements[0]?.signature.reason ?? '',
      /not a certificate authority in the configured trusted root/,
    );
  });

  it('never reports an invalid-* file as verified, whatever trust is configured', async () => {
    const invalid = files.filter((file) => basename(file).startsWith('invalid-'));
    assert.equal(invalid.length, 4);
    for (const file of invalid) {
      for (const trust of [
        {},
        { sigstoreTrustedRoot: publicGoodRoot },
        { sigstoreTrustedRoot: githubRoot },
        { sigstoreTrustedRoot: stagingTsaRoot, dsseKeys: corpusKeys },
        { sigstoreTrustedRoot: publicGoodRoot, dsseKeys: corpusKeys },
      ]) {
        const summary = await summarize(file, trust);
        assert.equal(summary.verified, false);
        const last = summary.statements.at(-1);
        assert.ok(last);
        assert.notEqual(
          last.signature.status,
          'verified',
          `${basename(file)}: ${last.signature.reason}`,
        );
      }
    }
  });

  it('names the signer of a verified certificate from its SAN and Fulcio issuer extension', async () => {
    const summary = await summarize(
      corpusPath('provenance', 'github-npm-provenance-sigstore-js-2.1.0-bundle.json'),
      { sigstoreTrustedRoot: publicGoodRoot },
    );
    const statement = summary.statements[0];
    assert.deepEqual(statement?.signature.signer, {
      keyId: null,
      identity:
        'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    });
    assert.equal(statement?.signature.signedAt, '2023-08-29T15:40:23.000Z');
    assert.equal(statement?.signature.transparencyLogEntries, 1);
  });

  it('reads builder, build type and source from SLSA v0.2, v1 and Cloud Build predicates', async () => {
    const facts = async (name: string, index = 0) => {
      const s = (await summarize(corpusPath('provenance', name))).statements[index];
      return [s?.builderId, s?.buildType, s?.sourceRepo, s?.sourceRef, s?.sourceCommit];
    };
    assert.deepEqual(
      await facts('slsa-github-generator-v1.2.0-generic-dsse-slsa-v0.2.intoto.jsonl'),
      [
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.0',
        'https://github.com/slsa-framework/slsa-github-generator@v1',
        'https://github.com/slsa-framework/example-package',
        'refs/heads/main',
        '0284207f2a7ad5d413a41fe5744640d4188d45bc',
      ],
    );
    assert.deepEqual(await facts('bcr-publish-bundle-v0.3-statement-v1-slsa-v1.json'), [
      'https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1',
      'https://actions.github.io/buildtypes/workflow/v1',
      'https://github.com/aspect-build/rules_lint',
      'refs/heads/publish-to-bcr',
      '8f70009fde0c94ade6ce2a054b94718c819126ec',
    ]);
    assert.deepEqual(await facts('gcb-gcloud-provenance-summary.json'), [
      'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3',
      'https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1',
      'https://github.com/laurentsimon/gcb-tests',
      'v39',
      '01ce393d04eb6df2a7b2b3e95d4126e687afb7ae',
    ]);
    // Draft v1 from slsa-github-generator: GITHUB_* system parameters in `{ value }` wrappers.
    assert.deepEqual((await facts('invalid-sig-sigstore-bundle-dsse.json')).slice(2), [
      'https://github.com/asraa/slsa-on-github-test',
      'refs/heads/main',
      '465171cc7f2097b8582fc61a281c4437563623ed',
    ]);
    // witness: the git attestation's commit.
    assert.equal(
      (await facts('witness-collection-git-env-2.5mb.json'))[4],
      '086a2633dcda75cc168b460edaeb11dee2be97ac',
    );
  });

  it('warns about the odd bare predicate: no Statement, no subjects, no signature', async () => {
    const summary = await summarize(corpusPath('provenance', 'bare-slsa-v1-predicate-only.json'));
    assert.equal(
      summary.statements[0]?.builderId,
      'https://github.com/octo-org/octo-repo/.github/workflows/docker.yaml@refs/heads/development',
    );
    assert.ok(summary.warnings.some((w) => /bare SLSA provenance predicate/.test(w)));
  });

  it('reports the unsigned statement copy in a Cloud Build summary only when it disagrees', async () => {
    const summary = await summarize(corpusPath('provenance', 'gcb-gcloud-provenance-summary.json'));
    assert.deepEqual(summary.warnings, []);
  });

  it('summarizes the 2.5 MB witness collection quickly (throughput logged)', async () => {
    const path = corpusPath('provenance', 'witness-collection-git-env-2.5mb.json');
    const bytes = readFileSync(path);
    const started = performance.now();
    const summary = await summarize(path, { sigstoreTrustedRoot: publicGoodRoot });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(summary.statementCount, 1);
    assert.ok(seconds < 5, `took ${seconds.toFixed(2)} s`);
    console.log(`witness 2.5 MB: ${(bytes.length / 1024 / 1024 / seconds).toFixed(1)} MB/s`);
  });
});

describe('provenance formats on other files', () => {
  it('rejects the garbage-mediatype Sigstore bundle with an error naming the media type', async () => {
    const path = corpusPath('negative', 'sigstore-bundle-garbage-mediatype.json');
    const found = detected(readFileSync(path));
    assert.deepEqual(
      found.map((format) => format.id),
      ['sigstore-bundle'],
    );
    await assert.rejects(summarize(path), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'DossierError');
      assert.equal(error.code, 'EVIDENCE_MALFORMED');
      assert.match(
        error.message,
        /^sigstore-bundle: line 1: \$\.mediaType: "this is completely wrong" is not a Sigstore bundle media type/,
      );
      return true;
    });
  });

  it('claims no file of the other corpus folders, and fails cleanly when made to parse them', async () => {
    const others = [
      'junit',
      'coverage',
      'sarif',
      'sbom-cyclonedx',
      'sbom-spdx',
      'vuln',
      'vex',
      'webhooks-github',
      'webhooks-gitlab',
      'cdevents',
      'oscal',
      'negative',
      'hostile',
    ].flatMap((folder) => corpusFiles(folder));
    assert.ok(others.length > 200);
    for (const file of others) {
      if (basename(file) === 'sigstore-bundle-garbage-mediatype.json') continue;
      assert.deepEqual(
        detected(readFileSync(file)).map((f) => f.id),
        [],
        basename(file),
      );
    }
    for (const file of corpusFiles('negative')) {
      const [format] = provenanceFormats;
      assert.ok(format);
      await assert.rejects(
        format.parse(chunks(readFileSync(file)), parseContext()),
        (error: Error & { code?: string }) =>
          error.name === 'DossierError' && error.code === 'EVIDENCE_MALFORMED',
        basename(file),
      );
    }
  });
});

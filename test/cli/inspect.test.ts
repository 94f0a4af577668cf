import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { runDossier } from './run-dossier.ts';

const bundle = corpusPath('provenance', 'sigstore-bundle-v0.1.json');
const root = corpusPath('support', 'sigstore-public-good-trusted_root.json');

describe('dossier inspect', () => {
  it('detects a JUnit file by its content and prints its figures', async () => {
    const run = await runDossier(['inspect', corpusPath('junit', 'catch2-failure.xml')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^catch2-failure\.xml: JUnit XML \(junit-xml\), kind junit$/m);
    assert.match(run.stdout, /^ {2}failed: 1$/m);
  });

  it('reports a Sigstore bundle verified only against a supplied trusted root', async () => {
    const without = await runDossier(['inspect', bundle, '--json']);
    assert.equal(without.code, 0, without.stderr);
    assert.equal(JSON.parse(without.stdout).summary.verified, false);
    const withRoot = await runDossier(['inspect', bundle, '--trusted-root', root, '--json']);
    assert.equal(withRoot.code, 0, withRoot.stderr);
    const result = JSON.parse(withRoot.stdout);
    assert.equal(result.kind, 'provenance');
    assert.equal(result.format, 'sigstore-bundle');
    assert.equal(result.summary.verified, true);
  });

  it('never reports a bundle with a broken signature as verified', async () => {
    const run = await runDossier([
      'inspect',
      corpusPath('provenance', 'invalid-sig-github-sigstore-bundle.json'),
      '--trusted-root',
      root,
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout).summary;
    assert.equal(summary.verified, false);
    assert.ok(summary.signatures.invalid >= 1);
  });

  it('exits 2 naming what was expected for a file it does not recognize, or a kind it does not match', async () => {
    const unknown = await runDossier(['inspect', corpusPath('SOURCES.md')]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /could not tell what "SOURCES\.md" is: it matches none of JUnit XML/,
    );
    const wrongKind = await runDossier([
      'inspect',
      corpusPath('junit', 'catch2-failure.xml'),
      '--kind',
      'coverage',
    ]);
    assert.equal(wrongKind.code, 2);
    assert.match(
      wrongKind.stderr,
      /"catch2-failure\.xml" is not coverage evidence: expected lcov tracefile/,
    );
  });

  it('exits 2 for malformed evidence, naming where', async () => {
    const run = await runDossier(['inspect', corpusPath('negative', 'junit-pytest-truncated.xml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /XML line \d+/);
  });
});

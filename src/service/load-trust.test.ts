import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../../test/support/corpus.ts';
import { loadTrust } from './load-trust.ts';

const witnessKey = new URL(
  '../evidence/provenance/fixtures/keys/witness-testpub.pem',
  import.meta.url,
).pathname;

describe('loadTrust', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-trust-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is empty when nothing is configured', async () => {
    assert.deepEqual(await loadTrust({}), { dsseKeys: [] });
  });

  it('reads a Sigstore trusted root and DSSE keys given inline or by a relative file', async () => {
    const keysFile = join(dir, 'keys.json');
    const pem = (await import('node:fs')).readFileSync(witnessKey, 'utf8');
    await writeFile(join(dir, 'witness.pem'), pem);
    await writeFile(
      keysFile,
      JSON.stringify([
        { keyId: 'inline', pem },
        { keyId: 'by-file', pemFile: 'witness.pem' },
      ]),
    );
    const trust = await loadTrust({
      trustedRoot: corpusPath('support', 'sigstore-public-good-trusted_root.json'),
      dsseKeys: keysFile,
    });
    assert.match(trust.sigstoreTrustedRoot ?? '', /certificateAuthorities/);
    assert.deepEqual(
      trust.dsseKeys.map((key) => key.keyId),
      ['inline', 'by-file'],
    );
    assert.equal(trust.dsseKeys[1]?.pem, pem);
  });

  it('names the setting and file when a file is missing or not what it should be', async () => {
    await assert.rejects(loadTrust({ trustedRoot: join(dir, 'missing.json') }), {
      code: 'INVALID_INPUT',
      message: /DOSSIER_TRUSTED_ROOT: cannot read .*missing\.json/,
    });
    const notRoot = join(dir, 'not-root.json');
    await writeFile(notRoot, '{"hello": 1}');
    await assert.rejects(loadTrust({ trustedRoot: notRoot }), {
      message: /is not a Sigstore trusted root: it has no certificateAuthorities/,
    });
    const badKeys = join(dir, 'bad-keys.json');
    await writeFile(
      badKeys,
      JSON.stringify([
        { keyId: 'k', pem: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' },
      ]),
    );
    await assert.rejects(loadTrust({ dsseKeys: badKeys }), {
      message: /DOSSIER_DSSE_KEYS: key k is not a public key/,
    });
    await writeFile(badKeys, JSON.stringify({ keyId: 'k' }));
    await assert.rejects(loadTrust({ dsseKeys: badKeys }), { message: /must be a JSON list/ });
  });
});

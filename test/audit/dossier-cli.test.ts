import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { corpusPath } from '../support/corpus.ts';
import { type StartedServer, startServer } from '../support/start-server.ts';
import { unzip, zipOf } from '../support/zip.ts';

const run = promisify(execFile);

async function dossier(env: Record<string, string>, ...args: string[]) {
  const base = { ...process.env };
  delete base.DOSSIER_URL;
  delete base.DOSSIER_TOKEN;
  try {
    const { stdout, stderr } = await run(join(import.meta.dirname, '../../bin/dossier'), args, {
      env: { ...base, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dossier export and verify, against a server', () => {
  let server: StartedServer;
  let env: Record<string, string>;
  let key: string;

  before(async () => {
    server = await startServer();
    env = { DOSSIER_URL: server.url, DOSSIER_TOKEN: server.token };
    await dossier(
      env,
      'release',
      'create',
      '--service',
      'payments-api',
      '--version',
      '1.18.4',
      '--commit',
      'a'.repeat(40),
    );
    await dossier(
      env,
      'attest',
      'custom',
      corpusPath('junit', 'catch2-failure.xml'),
      '--release',
      'payments-api@1.18.4',
    );
    key =
      (await dossier(env, 'log', 'keys')).stdout.split('\n')[1]?.replace('  (active)', '') ?? '';
  });
  after(() => server.stop());

  it('exports over HTTP and verifies offline with the pinned key: exit 0', async () => {
    const file = join(server.dataDir, 'out.zip');
    const exported = await dossier(env, 'export', 'payments-api@1.18.4', '-o', file);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.trim(), `Wrote ${file}`);
    const verified = await dossier({}, 'verify', file, '--key', key);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      /^VERIFIED payments-api@1\.18\.4 \(rel_[0-9A-Z]+\): \d+ checks passed/,
    );
  });

  it('exits 1 naming the check when the archive was altered', async () => {
    const file = join(server.dataDir, 'altered.zip');
    await dossier(env, 'export', 'payments-api@1.18.4', '-o', file);
    const entries = await unzip(await readFile(file));
    await writeFile(file, await zipOf([...entries, ['notes.txt', Buffer.from('added later')]]));
    const verified = await dossier({}, 'verify', file, '--key', key);
    assert.equal(verified.code, 1, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^NOT VERIFIED payments-api@1\.18\.4: 1 check\(s\) failed/);
    assert.match(
      verified.stdout,
      /notes\.txt: unlisted file: present in the archive but not in the manifest/,
    );
  });

  it('exits 2 for a file that is not an archive, and for a missing --key', async () => {
    const file = join(server.dataDir, 'not.zip');
    await writeFile(file, 'hello');
    const unreadable = await dossier({}, 'verify', file, '--key', key);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /not a readable zip archive/);
    const noKey = await dossier({}, 'verify', file);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--key/);
  });

  it('answers 404 for the dossier of an unknown release', async () => {
    const response = await fetch(`${server.url}/v1/releases/nope@1/dossier`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 'RELEASE_NOT_FOUND');
  });
});

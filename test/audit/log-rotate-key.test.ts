import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { dossierBin, makeTempDir } from '../support/start-server.ts';

const run = promisify(execFile);

async function dossier(dataDir: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.DOSSIER_URL;
  delete env.DOSSIER_TOKEN;
  try {
    const { stdout, stderr } = await run(dossierBin, ['--local', dataDir, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** What rotation could change in the database: every table it writes, counted and summed up. */
function snapshot(dataDir: string): string {
  const db = new DatabaseSync(join(dataDir, 'dossier.db'), { readOnly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT count(*) AS n, max(seq) AS last FROM audit_log').get(),
      db.prepare('SELECT count(*) AS n, max(size) AS last FROM checkpoints').get(),
      db.prepare('SELECT name FROM log_keys ORDER BY name').all(),
    ]);
  } finally {
    db.close();
  }
}

/**
 * Makes `dir` unwritable even for root when it can (chmod does not stop root; the immutable
 * attribute does). Returns how to undo it, or why it could not.
 */
async function makeReadOnly(dir: string): Promise<{ undo(): Promise<void> } | string> {
  await chmod(dir, 0o500);
  let immutable = false;
  if (process.getuid?.() === 0) {
    immutable = await run('chattr', ['+i', dir]).then(
      () => true,
      () => false,
    );
  }
  const undo = async () => {
    if (immutable) await run('chattr', ['-i', dir]);
    await chmod(dir, 0o700);
  };
  const probe = join(dir, 'probe');
  try {
    await writeFile(probe, 'x');
  } catch {
    return { undo };
  }
  await rm(probe);
  await undo();
  return `cannot make ${dir} read-only here (root without chattr +i support)`;
}

describe('dossier log rotate-key with a read-only key directory', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await makeTempDir();
    for (const version of ['1.0.0', '1.0.1']) {
      const created = await dossier(
        dataDir,
        ...['release', 'create', '--service', 'api', '--version', version],
        ...['--commit', 'c'.repeat(40)],
      );
      assert.equal(created.code, 0, created.stderr);
      // The second release is not checkpointed yet: a rotation would seal it first.
      if (version === '1.0.0') await dossier(dataDir, 'log', 'checkpoint');
    }
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('says the directory is read-only, exit 2, no stack trace, and changes nothing', async (t) => {
    const keyDir = join(dataDir, 'log-keys');
    const before = snapshot(dataDir);
    const files = (await readdir(keyDir)).sort();
    const readOnly = await makeReadOnly(keyDir);
    if (typeof readOnly === 'string') return t.skip(readOnly);
    let result: Awaited<ReturnType<typeof dossier>>;
    try {
      result = await dossier(dataDir, 'log', 'rotate-key');
    } finally {
      await readOnly.undo();
    }
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^dossier: cannot write a new log key: the key directory .*log-keys is read-only \((EROFS|EACCES|EPERM)\)\. Rotate where log-keys\/ is writable/,
    );
    assert.doesNotMatch(result.stderr, /unexpected failure|\n\s+at /);
    assert.equal(snapshot(dataDir), before);
    assert.deepEqual((await readdir(keyDir)).sort(), files);

    // Writable again, the same command rotates.
    const rotated = await dossier(dataDir, 'log', 'rotate-key');
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /Signing key rotated: dossier-\w+-k1 → dossier-\w+-k2/);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sealAuditEntry } from '../../src/core/audit-log/audit-entry.ts';
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

describe('dossier log verify (local data directory)', () => {
  let dataDir: string;
  let pristine: string;
  let pinned: string;

  /** A copy of the log as Dossier wrote it, rewritten by `tamper` behind Dossier's back. */
  async function tampered(tamper: (db: DatabaseSync) => void): Promise<string> {
    const copy = await makeTempDir();
    await cp(pristine, copy, { recursive: true });
    const db = new DatabaseSync(join(copy, 'dossier.db'));
    tamper(db);
    db.close();
    return copy;
  }

  before(async () => {
    dataDir = await makeTempDir();
    for (const version of ['1.0.0', '1.0.1', '1.0.2']) {
      await dossier(
        dataDir,
        'release',
        'create',
        '--service',
        'api',
        '--version',
        version,
        '--commit',
        'c'.repeat(40),
      );
      await dossier(dataDir, 'log', 'checkpoint');
    }
    const keys = await dossier(dataDir, 'log', 'keys');
    pinned = keys.stdout.split('\n')[1]?.replace('  (active)', '') ?? '';
    assert.match(pinned, /^dossier-[0-9a-f]+-k1\+[0-9a-f]{8}\+/);
    pristine = await makeTempDir();
    await cp(dataDir, pristine, { recursive: true });
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('verifies an untouched log against the pinned key: every entry and checkpoint', async () => {
    const result = await dossier(dataDir, 'log', 'verify', '--key', pinned, '--json');
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.verified, true);
    assert.equal(report.entries, 3);
    assert.equal(report.checkpoints, 3);
    assert.deepEqual(report.problems, []);
  });

  it('refuses a checkpoint signed by a key that is not pinned, exit 1', async () => {
    const other = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    const result = await dossier(dataDir, 'log', 'verify', '--key', other);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Log NOT verified/);
    assert.match(result.stdout, /checkpoint 1: signature: signed by dossier-/);
  });

  it('names the entry whose content was changed behind Dossier’s back, exit 1', async () => {
    const db = new DatabaseSync(join(dataDir, 'dossier.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    const before = db.prepare('SELECT actor FROM audit_log WHERE seq = 1').get()?.actor;
    db.prepare('UPDATE audit_log SET leaf = replace(leaf, ?, ?) WHERE seq = 1').run(
      `"actor":${JSON.stringify(before)}`,
      '"actor":"local:mallory"',
    );
    assert.equal(
      db.prepare('SELECT actor FROM audit_log WHERE seq = 1').get()?.actor,
      'local:mallory',
    );
    db.close();
    const result = await dossier(dataDir, 'log', 'verify', '--key', pinned);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /entry 1: leaf hash does not match the entry’s content/);
  });

  it('catches a rewrite that also recomputes the entry’s hash: the signed roots no longer match', async () => {
    const db = new DatabaseSync(join(dataDir, 'dossier.db'));
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 1').get() as Record<
      string,
      string | number
    >;
    const forged = sealAuditEntry(
      {
        time: String(row.time),
        actor: String(row.actor),
        action: row.action as 'release.created',
        subject: String(row.subject),
        details: JSON.parse(String(row.details)),
      },
      1,
    );
    db.prepare('UPDATE audit_log SET leaf_hash = ? WHERE seq = 1').run(forged.leafHash);
    db.close();
    const result = await dossier(dataDir, 'log', 'verify', '--key', pinned);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stdout, /entry 1: leaf hash/);
    assert.match(result.stdout, /checkpoint 2: root hash differs from the root of the entries/);
    assert.match(result.stdout, /checkpoint 3: root hash differs from the root of the entries/);
  });

  it('names the gap where an entry was deleted, exit 1', async () => {
    const copy = await tampered((db) => {
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.exec('DELETE FROM audit_log WHERE seq = 1');
    });
    const result = await dossier(copy, 'log', 'verify', '--key', pinned);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /entry 2: expected entry 1 next \(gap or duplicate\)/);
    assert.match(result.stdout, /checkpoint 3: the log has only 2 entries/);
    assert.match(result.stdout, /checkpoints 2 → 3: no consistency proof: to tree size must be/);
  });

  it('names an entry whose subject was changed inside its stored text, exit 1', async () => {
    const copy = await tampered((db) => {
      db.exec('DROP TRIGGER audit_log_no_update');
      db.exec(
        `UPDATE audit_log SET leaf = replace(leaf, '"subject":"release:', '"subject":"release:x') WHERE seq = 2`,
      );
    });
    const result = await dossier(copy, 'log', 'verify', '--key', pinned);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /entry 2: leaf hash does not match the entry’s content/);
  });

  it('names an entry whose details hide a raw 0x00 byte, exit 1', async () => {
    const copy = await tampered((db) => {
      db.exec('DROP TRIGGER audit_log_no_update');
      // The table's computed columns refuse such a text; someone rewriting the file would
      // replace the table with one that takes anything.
      db.exec(`ALTER TABLE audit_log RENAME TO checked;
        CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, leaf, leaf_hash);
        INSERT INTO audit_log SELECT seq, leaf, leaf_hash FROM checked;
        DROP TABLE checked;`);
      db.exec(
        `UPDATE audit_log SET leaf = replace(leaf, '"details":{', '"details":{"a":"x' || char(0) || '",') WHERE seq = 0`,
      );
    });
    const result = await dossier(copy, 'log', 'verify', '--key', pinned);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /entries 0–2: the packed leaf texts split into 4 leaves, not 3 \(a text holds a 0x00 byte\)/,
    );
    assert.match(result.stdout, /entry 0 or after: cannot be read: Bad control character/);
  });

  it('refuses a malformed pinned key with exit 2', async () => {
    const result = await dossier(dataDir, 'log', 'verify', '--key', 'name+zz+AAAA');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--key name\+zz\+AAAA: the key hash must be 8 hex digits/);
  });
});

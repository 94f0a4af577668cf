import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { backupDataDir, restoreDataDir } from '../../src/service/backup.ts';
import { openDataDir } from '../../src/service/open-data-dir.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { INLINE_MAX_BYTES } from '../../src/store/sqlite/sqlite-blob-store.ts';
import { bytes, openTestServices, type TestServices } from '../support/services.ts';
import { unzip, zipOf } from '../support/zip.ts';

const admin: Actor = { id: 'token:ops', roles: ['admin'] };
const LARGE = 'x'.repeat(INLINE_MAX_BYTES + 1);

describe('backup and restore of the embedded data directory', () => {
  let t: TestServices;
  let archive: string;
  before(async () => {
    t = await openTestServices();
    const { release } = await t.services.releases.create(admin, {
      service: 'api',
      version: '1.0.0',
      commit: 'a'.repeat(40),
    });
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'custom',
      name: 'notes.txt',
      body: bytes('release notes'),
    });
    // Larger than INLINE_MAX_BYTES: kept as a file under blobs/, where the small one is not.
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'custom',
      name: 'big.txt',
      body: bytes(LARGE),
    });
    await t.services.log.checkpoint();
    archive = join(t.dataDir, '..', `${t.dataDir.split('/').pop()}-backup.zip`);
    // Taken while the store is open, as on a running server.
    await backupDataDir(t.dataDir, archive);
  });
  after(() => t.dispose());

  it('restores releases, evidence bytes, the audit log and its signing key', async () => {
    const target = `${t.dataDir}-restored`;
    const result = await restoreDataDir(archive, target);
    assert.equal(result.schemaVersion, Math.max(...SQLITE_MIGRATIONS.map((m) => m.version)));
    const restored = await openDataDir({ dataDir: target, maxUploadBytes: 1024 });
    try {
      const release = await restored.releases.get('api@1.0.0');
      const [evidence, big] = await restored.evidence.list(release.id);
      assert.equal(
        await text(await restored.evidence.openBlob(evidence?.sha256 ?? '')),
        'release notes',
      );
      assert.equal(await text(await restored.evidence.openBlob(big?.sha256 ?? '')), LARGE);
      assert.equal(
        await restored.deps.store.countAuditEntries(),
        await t.services.deps.store.countAuditEntries(),
      );
      assert.deepEqual(restored.log.keys(), t.services.log.keys());
      assert.equal(
        (await restored.log.checkpoint()).note,
        (await t.services.log.checkpoint()).note,
      );
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over a directory that is not empty', async () => {
    const target = `${t.dataDir}-busy`;
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'mine');
    await assert.rejects(restoreDataDir(archive, target), {
      code: 'INVALID_INPUT',
      message: /is not empty/,
    });
    assert.equal(await readFile(join(target, 'keep.txt'), 'utf8'), 'mine');
  });

  it('refuses a backup whose blob no longer matches its digest, restoring nothing', async () => {
    const entries = await unzip(await readFile(archive));
    const tampered = entries.map(([name, data]) =>
      name.startsWith('blobs/')
        ? ([name, Buffer.from('changed')] as [string, Buffer])
        : ([name, data] as [string, Buffer]),
    );
    const bad = `${archive}.bad.zip`;
    await writeFile(bad, await zipOf(tampered));
    await assert.rejects(restoreDataDir(bad, `${t.dataDir}-bad`), {
      code: 'ARCHIVE_UNREADABLE',
      message: /does not match its digest/,
    });
    await assert.rejects(readFile(join(`${t.dataDir}-bad`, 'dossier.db')), { code: 'ENOENT' });
  });
});

describe('backup checks every blob it copies against its digest', () => {
  let t: TestServices;
  let small: string;
  let large: string;
  before(async () => {
    t = await openTestServices();
    const { release } = await t.services.releases.create(admin, {
      service: 'api',
      version: '1.0.0',
      commit: 'b'.repeat(40),
    });
    const attach = async (name: string, body: string) =>
      (
        await t.services.evidence.attach(admin, {
          release: release.id,
          kind: 'custom',
          name,
          body: bytes(body),
        })
      ).evidence.sha256;
    small = await attach('notes.txt', 'kept inside dossier.db');
    large = await attach('big.txt', LARGE);
  });
  after(() => t.dispose());

  it('backs up a data directory whose blobs are intact', async () => {
    const archive = `${t.dataDir}-intact.zip`;
    const result = await backupDataDir(t.dataDir, archive);
    assert.ok(result.files >= 2);
    await rm(archive);
  });

  it('refuses, naming the blob, when a blob kept in the database was changed', async () => {
    const db = new DatabaseSync(join(t.dataDir, 'dossier.db'));
    // Past the write-once trigger, as damage on disk would be: same length, one byte changed.
    const replace = (from: string, to: string) =>
      db
        .prepare(
          `UPDATE inline_blobs SET bytes = CAST(replace(CAST(bytes AS TEXT), ?, ?) AS BLOB)
           WHERE sha256 = ?`,
        )
        .run(from, to, small);
    try {
      db.exec('DROP TRIGGER inline_blobs_no_update');
      replace('kept', 'kEpt');
      const archive = `${t.dataDir}-inline.zip`;
      await assert.rejects(backupDataDir(t.dataDir, archive), {
        code: 'BLOB_DAMAGED',
        message: new RegExp(`blob ${small} \\(in dossier\\.db\\) does not match its SHA-256`),
      });
      await assert.rejects(stat(archive), { code: 'ENOENT' });
      await assert.rejects(stat(`${archive}.partial`), { code: 'ENOENT' });
    } finally {
      replace('kEpt', 'kept');
      db.close();
    }
  });

  it('refuses, naming the blob, when a blob file was changed', async () => {
    const path = join(t.dataDir, 'blobs', 'sha256', large.slice(0, 2), large.slice(2, 4), large);
    await chmod(path, 0o600);
    await writeFile(path, LARGE.replace('x', 'y'));
    const archive = `${t.dataDir}-file.zip`;
    await assert.rejects(backupDataDir(t.dataDir, archive), {
      code: 'BLOB_DAMAGED',
      message: new RegExp(`blob blobs/sha256/../../${large} does not match its SHA-256`),
    });
    await assert.rejects(stat(archive), { code: 'ENOENT' });
  });
});

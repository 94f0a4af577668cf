import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { buildEvidence, buildRelease } from '../../../test/support/builders.ts';
import { packLeafTexts } from '../../core/audit-log/leaf-batch.ts';
import { applyMigrations } from './apply-migrations.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe('SQLite store specifics', () => {
  let dir: string;
  let path: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-sqlite-specific-'));
    path = join(dir, 'dossier.db');
    const store = await openSqliteStore(path);
    const release = buildRelease();
    await store.transaction(async (tx) => {
      await tx.insertRelease(release);
      await tx.insertEvidence(buildEvidence(release.id));
      await tx.appendAudit({
        time: 't',
        actor: 'a',
        action: 'release.created',
        subject: 's',
        details: {},
      });
    });
    await store.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('packs rows SQL cannot turn into leaf text (a column rewritten as a blob) as JavaScript does, and \u0000 in text', async () => {
    const own = join(dir, 'rewritten.db');
    const store = await openSqliteStore(own);
    try {
      await store.transaction((tx) =>
        tx.appendAudit({
          time: 't',
          actor: 'a\u0000b',
          action: 'release.created',
          subject: 's',
          details: {},
        }),
      );
      const size = await store.countAuditEntries();
      const packed = await store.readAuditLeafBatch({ fromSeq: 0, toSeq: size });
      const texts = await store.listAuditLeafTexts({ fromSeq: 0, limit: size });
      assert.match(texts.at(-1) ?? '', /"actor":"a\\u0000b"/);
      assert.deepEqual(Buffer.from(packed.data), packLeafTexts(texts).data);

      const db = new DatabaseSync(own);
      db.exec('DROP TRIGGER audit_log_no_update');
      db.exec('UPDATE audit_log SET subject = CAST(subject AS BLOB) WHERE seq = 0');
      db.close();
      const fallback = await store.readAuditLeafBatch({ fromSeq: 0, toSeq: size });
      const rewritten = await store.listAuditLeafTexts({ fromSeq: 0, limit: size });
      assert.notDeepEqual(rewritten, texts);
      assert.deepEqual(Buffer.from(fallback.data), packLeafTexts(rewritten).data);
    } finally {
      await store.close();
    }
  });

  it('runs in WAL mode (durability: see wal-flush.test.ts)', () => {
    const db = new DatabaseSync(path);
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
    db.close();
  });

  it('refuses to update or delete audit log entries, even through raw SQL', () => {
    const db = new DatabaseSync(path);
    assert.throws(() => db.exec("UPDATE audit_log SET actor = 'mallory'"), /append-only/);
    assert.throws(() => db.exec('DELETE FROM audit_log'), /append-only/);
    db.close();
  });

  it('refuses to update or delete evidence records', () => {
    const db = new DatabaseSync(path);
    assert.throws(() => db.exec("UPDATE evidence SET sha256 = 'x'"), /immutable/);
    assert.throws(() => db.exec('DELETE FROM evidence'), /immutable/);
    db.close();
  });

  it('applies migrations once: a second run changes nothing', () => {
    const db = new DatabaseSync(path);
    assert.deepEqual(applyMigrations(db, SQLITE_MIGRATIONS), []);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(
      versions.map((row) => row.version),
      SQLITE_MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  it('refuses a database written by a newer Dossier', () => {
    const db = new DatabaseSync(':memory:');
    applyMigrations(db, SQLITE_MIGRATIONS);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'from the future', 'now')").run();
    assert.throws(
      () => applyMigrations(db, SQLITE_MIGRATIONS),
      /schema version 999, newer than this Dossier knows/,
    );
    db.close();
  });
});

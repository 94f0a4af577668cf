import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { buildEvidence, buildRelease } from '../../../test/support/builders.ts';
import { sealAuditEntry } from '../../core/audit-log/audit-entry.ts';
import { canonicalJson } from '../../core/audit-log/canonical-json.ts';
import { packLeafTexts } from '../../core/audit-log/leaf-batch.ts';
import { hashLeafText } from '../../core/audit-log/merkle-hash.ts';
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

  it('keeps each audit entry as the canonical text its leaf hash covers, \u0000 escaped, and packs those texts', async () => {
    const own = join(dir, 'texts.db');
    const store = await openSqliteStore(own);
    try {
      const entry = await store.transaction((tx) =>
        tx.appendAudit({
          time: 't',
          actor: 'a\u0000b',
          action: 'release.created',
          subject: 's',
          details: { z: 1, a: ['é', null] },
        }),
      );
      const texts = await store.listAuditLeafTexts({ fromSeq: 0, limit: 10 });
      assert.deepEqual(texts, [
        '{"action":"release.created","actor":"a\\u0000b","details":{"a":["é",null],"z":1},"seq":0,"subject":"s","time":"t"}',
      ]);
      assert.equal(hashLeafText(texts[0] as string), entry.leafHash);
      const packed = await store.readAuditLeafBatch({ fromSeq: 0, toSeq: 1 });
      assert.deepEqual(Buffer.from(packed.data), packLeafTexts(texts).data);
      assert.deepEqual(await store.listAuditEntriesFor('s'), [entry]);

      const db = new DatabaseSync(own);
      db.exec('DROP TRIGGER audit_log_no_update');
      // The queried columns follow the text; a blob in place of the text is refused.
      assert.deepEqual(
        { ...db.prepare('SELECT actor, subject, details FROM audit_log').get() },
        { actor: 'a\u0000b', subject: 's', details: '{"a":["é",null],"z":1}' },
      );
      assert.throws(
        () => db.exec('UPDATE audit_log SET leaf = CAST(leaf AS BLOB)'),
        /cannot store BLOB value in TEXT column audit_log.leaf/,
      );
      assert.throws(() => db.exec("UPDATE audit_log SET subject = 'x'"), /generated column/);
      db.close();
    } finally {
      await store.close();
    }
  });

  it('migrates an existing log to canonical texts without changing one leaf hash', () => {
    const db = new DatabaseSync(':memory:');
    applyMigrations(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version < 16),
    );
    const entries = [
      {
        time: '2026-01-01T00:00:00.000Z',
        actor: 'user:a"b',
        action: 'release.created' as const,
        subject: 'release:r\u0001',
        details: { n: 1e21, s: 'line\nfeed', nested: { b: [], a: -0.5 } },
      },
      {
        time: '2026-01-01T00:00:01.000Z',
        actor: 'token:ci',
        action: 'evidence.attached' as const,
        subject: 'release:r',
        details: {},
      },
    ].map((input, seq) => sealAuditEntry(input, seq));
    const insert = db.prepare(
      'INSERT INTO audit_log (seq, time, actor, action, subject, details, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const e of entries) {
      insert.run(e.seq, e.time, e.actor, e.action, e.subject, canonicalJson(e.details), e.leafHash);
    }
    // A column someone rewrote as a blob of the same bytes keeps its bytes.
    db.exec('DROP TRIGGER audit_log_no_update');
    db.exec('UPDATE audit_log SET actor = CAST(actor AS BLOB) WHERE seq = 1');
    assert.deepEqual(
      applyMigrations(db, SQLITE_MIGRATIONS),
      SQLITE_MIGRATIONS.filter((m) => m.version >= 16).map((m) => m.version),
    );
    const rows = db.prepare('SELECT leaf, leaf_hash, subject FROM audit_log ORDER BY seq').all();
    assert.equal(rows.length, entries.length);
    for (const [i, row] of rows.entries()) {
      const entry = entries[i];
      assert.equal(hashLeafText(String(row.leaf)), entry?.leafHash, String(row.leaf));
      assert.equal(row.leaf_hash, entry?.leafHash);
      assert.equal(row.subject, entry?.subject);
    }
    assert.throws(() => db.exec('DELETE FROM audit_log'), /append-only/);
    db.close();
  });

  it('runs in WAL mode (durability: see wal-flush.test.ts)', () => {
    const db = new DatabaseSync(path);
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
    db.close();
  });

  it('refuses to update or delete audit log entries, even through raw SQL', () => {
    const db = new DatabaseSync(path);
    assert.throws(() => db.exec("UPDATE audit_log SET leaf = '{}'"), /append-only/);
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

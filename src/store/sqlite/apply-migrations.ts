import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from './migrations.ts';

/**
 * Applies every migration newer than the database's recorded version, each in its own
 * transaction, and records it. Safe to run again: applied migrations are skipped. A database
 * written by a newer Dossier (a version this build does not know) is refused rather than guessed at.
 */
export function applyMigrations(db: DatabaseSync, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((row) => Number(row.version)),
  );
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = [...applied].filter((version) => !known.has(version));
  if (unknown.length > 0) {
    throw new Error(
      `the database has schema version ${Math.max(...unknown)}, newer than this Dossier knows; upgrade Dossier`,
    );
  }
  const ran: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migration.sql);
      db.prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
      ).run(migration.version, migration.name);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    ran.push(migration.version);
  }
  return ran;
}

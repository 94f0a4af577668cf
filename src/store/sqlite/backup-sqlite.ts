import { backup, DatabaseSync } from 'node:sqlite';

/**
 * Copies a live database to `target` with SQLite's online backup API: a consistent snapshot even
 * while the server writes (WAL), without stopping it.
 */
export async function backupSqliteDatabase(source: string, target: string): Promise<number> {
  const db = new DatabaseSync(source, { readOnly: true });
  try {
    return await backup(db, target);
  } finally {
    db.close();
  }
}

/** Checks a database file is intact and returns its schema version (for restore). */
export function inspectSqliteDatabase(path: string): {
  ok: boolean;
  detail: string;
  version: number;
} {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const check = String(db.prepare('PRAGMA integrity_check').get()?.integrity_check ?? '');
    const version = Number(
      db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()?.v ?? 0,
    );
    return { ok: check === 'ok', detail: check, version };
  } finally {
    db.close();
  }
}

import { createHash } from 'node:crypto';
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

/**
 * The digests of the inline blobs in the database at `path` (evidence bytes of at most 64 KiB,
 * kept in `inline_blobs`) whose bytes no longer hash to them, in digest order. Read one row at
 * a time, so memory stays at one blob.
 */
export function damagedInlineBlobs(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const damaged: string[] = [];
    const rows = db.prepare('SELECT sha256, size, bytes FROM inline_blobs ORDER BY sha256');
    for (const row of rows.iterate()) {
      const bytes = row.bytes as Uint8Array;
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== row.sha256 || bytes.byteLength !== Number(row.size)) {
        damaged.push(String(row.sha256));
      }
    }
    return damaged;
  } finally {
    db.close();
  }
}

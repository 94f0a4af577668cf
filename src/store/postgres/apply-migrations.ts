import type { Pool } from 'pg';
import type { Migration } from './migrations.ts';
import { ADVISORY_LOCK, quotedSchema } from './schema-name.ts';

/**
 * Applies every migration newer than the schema's recorded version, each in its own transaction,
 * and records it in `schema_migrations`; returns the versions it ran. Safe to run again (applied
 * migrations are skipped) and safe when several processes start at once: each step holds a
 * transaction-scoped advisory lock for the schema, so one process migrates while the others wait
 * and then find nothing left to do. A schema written by a newer Dossier (a version this build does
 * not know) is refused rather than guessed at. Creates the schema if it does not exist.
 */
export async function applyPostgresMigrations(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  const quoted = quotedSchema(schema);
  const known = new Set(migrations.map((migration) => migration.version));
  const ran: number[] = [];
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    for (;;) {
      // Read committed whatever the server's default: after waiting for the lock, the read of
      // schema_migrations must see what the process before us committed.
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          ADVISORY_LOCK.migrate,
          schema,
        ]);
        // Checked first rather than CREATE SCHEMA IF NOT EXISTS, which needs the CREATE
        // privilege on the database even when the schema is already there.
        const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
          schema,
        ]);
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
        // The pool may belong to the caller, with its own search_path: migrate ours.
        await client.query(`SET LOCAL search_path TO ${quoted}`);
        // Looked up first for the same reason: CREATE TABLE IF NOT EXISTS needs CREATE on the
        // schema even when the table exists, and a runtime role should not need it.
        const table = await client.query("SELECT to_regclass('schema_migrations') AS oid");
        if (table.rows[0]?.oid === null) {
          await client
            .query(`CREATE TABLE schema_migrations (
              version    integer PRIMARY KEY,
              name       text NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now()
            )`)
            .catch((error) => {
              throw withPrivilegeHint(error, schema, 'its migration table');
            });
        }
        const applied = new Set(
          (
            await client.query<{ version: number }>('SELECT version FROM schema_migrations')
          ).rows.map((row) => Number(row.version)),
        );
        const unknown = [...applied].filter((version) => !known.has(version));
        if (unknown.length > 0) {
          throw new Error(
            `schema ${schema} has schema version ${Math.max(...unknown)}, newer than this Dossier knows; upgrade Dossier`,
          );
        }
        const next = migrations.find((migration) => !applied.has(migration.version));
        if (!next) {
          await client.query('COMMIT');
          return ran;
        }
        try {
          await client.query(next.sql);
        } catch (error) {
          throw withPrivilegeHint(error, schema, `migration ${next.version} (${next.name})`);
        }
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          next.version,
          next.name,
        ]);
        await client.query('COMMIT');
        ran.push(next.version);
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    }
  } finally {
    client.release(broken);
  }
}

/**
 * A role without CREATE (one that only reads and writes rows, as a runtime role should) cannot
 * apply a migration: say which one and how to apply it, rather than PostgreSQL's bare refusal.
 */
function withPrivilegeHint(error: unknown, schema: string, what: string): unknown {
  if ((error as { code?: string }).code !== '42501') return error; // insufficient_privilege
  return new Error(
    `schema ${schema} needs ${what}, which this database role may not create (${(error as Error).message}); run \`dossier migrate\` as the role that owns the schema, then start again`,
    { cause: error },
  );
}

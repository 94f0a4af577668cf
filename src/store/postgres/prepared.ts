import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Statement text → its name, for the statements `prepared` marked. */
const names = new Map<string, string>();

/**
 * Marks `sql` as a statement that every request runs (token, release and evidence lookups): each
 * connection parses and plans it once, as a named prepared statement, and then only binds and
 * executes it. Kept to lookups by a unique key, whose generic plan is as good as a custom one.
 */
export function prepared(sql: string): string {
  if (!names.has(sql)) {
    names.set(sql, `dossier_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`);
  }
  return sql;
}

/** The query to send for `sql`: named if `prepared` marked it. */
export function queryConfig(sql: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  const name = names.get(sql);
  const config: pg.QueryConfig = name === undefined ? { text: sql } : { name, text: sql };
  if (values !== undefined) config.values = values as unknown[];
  return config;
}

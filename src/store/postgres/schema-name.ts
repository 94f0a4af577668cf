/**
 * The schema a store lives in. Names are limited to plain lowercase identifiers: they are
 * written into SQL text (table names, `SET search_path`), where anything else would need
 * escaping and would fold case differently quoted and unquoted.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const DEFAULT_SCHEMA = 'public';

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(
      `schema name "${schema}" must be 1-63 lowercase letters, digits or "_", not starting with a digit`,
    );
  }
  return schema;
}

/** The schema as a quoted identifier for SQL text (`"dossier"`). */
export function quotedSchema(schema: string): string {
  return `"${checkSchemaName(schema)}"`;
}

/**
 * Keys for `pg_advisory_xact_lock(purpose, hashtext(schema))`: each purpose is one constant, and
 * the schema's hash keeps stores in different schemas of one database from waiting on each other
 * (a hash collision only costs some needless waiting, never correctness).
 */
export const ADVISORY_LOCK = {
  /** 'DSR' 0x01: schema migrations. */
  migrate: 0x44535201,
  /** 'DSR' 0x02: appending to the audit log. */
  auditAppend: 0x44535202,
} as const;

import pg from 'pg';

/**
 * `sql` with each `$n` replaced by its value as a quoted literal, so that it can share one
 * simple-protocol message (one round trip) with other statements: the extended protocol, which
 * carries parameters apart, allows one statement per message. A quoted literal is typed from its
 * context as an untyped parameter is. Values are what the store passes as parameters: strings,
 * finite numbers, booleans, null, bytes, arrays of those, and plain objects (as JSON). Anything
 * else throws UninlinableValue, and the caller sends the statement on its own.
 *
 * Safe only for SQL text without `$` inside string literals or dollar quotes: the store's own.
 */
export function inlineParameters(sql: string, values: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= values.length) throw new UninlinableValue(`no value for $${n}`);
    const text = literalText(values[index]);
    return text === null ? 'NULL' : pg.escapeLiteral(text);
  });
}

export class UninlinableValue extends Error {
  override name = 'UninlinableValue';
}

/** A value's text as PostgreSQL reads it (null for NULL), as node-postgres would send it. */
function literalText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UninlinableValue(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return arrayText(value);
  if (Object.getPrototypeOf(value) === Object.prototype) return JSON.stringify(value);
  throw new UninlinableValue(`cannot inline a ${Object.prototype.toString.call(value)}`);
}

/** PostgreSQL array input syntax: every element double-quoted, `"` and `\` escaped. */
function arrayText(items: readonly unknown[]): string {
  const elements = items.map((item) => {
    if (Array.isArray(item)) return arrayText(item);
    const text = literalText(item);
    return text === null ? 'NULL' : `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${elements.join(',')}}`;
}

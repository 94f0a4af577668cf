/**
 * Canonical JSON after RFC 8785 (JCS): object members sorted by their UTF-16 code units, no
 * whitespace, strings and numbers serialized as ECMAScript's JSON.stringify does (which is what
 * JCS specifies for them). Entries are hashed over this form, so any implementation that follows
 * RFC 8785 recomputes the same hash.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonical JSON: ${path} is ${value}, which JSON cannot represent`);
      }
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => serialize(item, `${path}[${index}]`)).join(',')}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new TypeError(`canonical JSON: ${path} is not a plain object`);
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys
        .map((key) => `${JSON.stringify(key)}:${serialize(record[key], `${path}.${key}`)}`)
        .join(',')}}`;
    }
    default:
      throw new TypeError(
        `canonical JSON: ${path} is a ${typeof value}, which JSON cannot represent`,
      );
  }
}

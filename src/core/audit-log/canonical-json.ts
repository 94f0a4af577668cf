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
  try {
    return serializeFast(value);
  } catch (error) {
    if (error !== UNREPRESENTABLE) throw error;
    // Only to name where the value went wrong: the slow pass tracks the path.
    return serialize(value, '$');
  }
}

const UNREPRESENTABLE = Symbol('unrepresentable');

/** The same serialization without building a path for every member: the hot path. */
function serializeFast(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw UNREPRESENTABLE;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += serializeFast(value[i]);
        }
        return `${out}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw UNREPRESENTABLE;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key)}:${serializeFast(member)}`;
      }
      return `${out}}`;
    }
    default:
      throw UNREPRESENTABLE;
  }
}

// Written with plain loops and string concatenation: log verification canonicalizes every entry
// of the log, and this is its hot path.
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
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += serialize(value[i], `${path}[${i}]`);
        }
        return `${out}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new TypeError(`canonical JSON: ${path} is not a plain object`);
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key)}:${serialize(member, `${path}.${key}`)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(
        `canonical JSON: ${path} is a ${typeof value}, which JSON cannot represent`,
      );
  }
}

import { cut } from './summary-bounds.ts';

/** Narrowing helpers for values read from untrusted JSON. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string, or undefined for anything else. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string, or undefined. */
export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function asFiniteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** An array, or an empty one for anything else. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** What a value is, for messages: "a number", "null", "an object". */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'missing';
  return `a ${typeof value}`;
}

/** A value for messages, short: `"text…"`, `2`, `null`, `an object`, `missing`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cut(value, 64));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return describeJsonType(value);
}

/** Member path for messages: `runs[0].results`, `vulnerabilities["@scope/pkg"]`; keys cut short. */
export function memberPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const shown = cut(key, 128);
  if (/^[A-Za-z_$][\w$-]*$/.test(shown)) return parent === '' ? shown : `${parent}.${shown}`;
  return `${parent}[${JSON.stringify(shown)}]`;
}

import { DossierError } from '../../core/errors.ts';
import { PROVENANCE_LIMITS } from './limits.ts';

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj[key]` when it is an object, else undefined. Own properties only. */
export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
  const found = value[key];
  return isObject(found) ? found : undefined;
}

/** `obj[key]` when it is a non-empty string, else undefined. Own properties only. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
  const found = value[key];
  return typeof found === 'string' && found !== '' ? found : undefined;
}

export function arrayAt(value: unknown, key: string): unknown[] | undefined {
  if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
  const found = value[key];
  return Array.isArray(found) ? found : undefined;
}

/** Follows a path of object keys; undefined as soon as one is missing. */
export function pathAt(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringPath(value: unknown, ...keys: string[]): string | undefined {
  const found = pathAt(value, ...keys);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** For messages: what a JSON value is. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** Cuts a string to the summary limit, saying so. */
export function cut(text: string, max: number = PROVENANCE_LIMITS.maxStringLength): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function cutOrNull(text: string | undefined): string | null {
  return text === undefined ? null : cut(text);
}

/**
 * Decodes standard or URL-safe base64 strictly: `Buffer.from` alone skips characters it does not
 * know, which would let a damaged value pass as different bytes. The value must be exactly the
 * canonical encoding of what it decodes to (padding optional).
 */
export function decodeBase64(text: string): Buffer | undefined {
  const encoding = text.includes('-') || text.includes('_') ? 'base64url' : 'base64';
  const bytes = Buffer.from(text, encoding);
  const again = bytes.toString(encoding);
  return unpadded(again) === unpadded(text) ? bytes : undefined;
}

function unpadded(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  return end === text.length ? text : text.slice(0, end);
}

export function malformed(message: string, issues: { path: string; message: string }[] = []) {
  return new DossierError('EVIDENCE_MALFORMED', `provenance: ${message}`, { issues });
}

/** Reading fields of an untrusted JSON payload without trusting its shape. */

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, or an empty one: a missing or mistyped member is simply absent. */
export function obj(value: unknown, ...path: string[]): JsonObject {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : {};
}

/** A string or number member as a string (ids are numbers in GitHub payloads), else null. */
export function str(value: JsonObject, key: string, max = 2048): string | null {
  const member = value[key];
  if (typeof member === 'string') return member.length > 0 ? member.slice(0, max) : null;
  if (typeof member === 'number' && Number.isFinite(member)) return String(member);
  return null;
}

export function bool(value: JsonObject, key: string): boolean | null {
  const member = value[key];
  return typeof member === 'boolean' ? member : null;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A full commit SHA, lowercased; abbreviated or malformed ones are not usable for linking. */
export function commitSha(value: string | null | undefined): string | null {
  const lower = value?.toLowerCase() ?? null;
  return lower !== null && FULL_SHA.test(lower) ? lower : null;
}

export function commits(...values: Array<string | null | undefined>): string[] {
  return [...new Set(values.map(commitSha).filter((sha): sha is string => sha !== null))];
}

/** File-name-safe rendering of an id for the evidence name. */
export function safeName(value: string | null): string {
  return (value ?? 'unknown').replace(/[^\w.-]/g, '_').slice(0, 80);
}

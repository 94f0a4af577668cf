/**
 * Readers for the `summary` JSON an evidence record carries. A summary is whatever the format's
 * parser produced when the file was uploaded, possibly by an older server: every view reads it
 * through these helpers and shows what is there, never trusting a field's type or presence.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number, else null. */
export function numberAt(holder: JsonObject | null | undefined, key: string): number | null {
  const value = holder?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A count: a finite number, else 0. */
export function countAt(holder: JsonObject | null | undefined, key: string): number {
  return numberAt(holder, key) ?? 0;
}

/** A non-empty string, else null. */
export function textAt(holder: JsonObject | null | undefined, key: string): string | null {
  const value = holder?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function objectAt(holder: JsonObject | null | undefined, key: string): JsonObject | null {
  const value = holder?.[key];
  return isObject(value) ? value : null;
}

/** The objects of an array member; anything else in it is skipped. */
export function objectsAt(holder: JsonObject | null | undefined, key: string): JsonObject[] {
  const value = holder?.[key];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The non-empty strings of an array member. */
export function textsAt(holder: JsonObject | null | undefined, key: string): string[] {
  const value = holder?.[key];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string' && item !== '')
    : [];
}

/** The warnings every parser may add, as a list of strings. */
export function warningsOf(summary: JsonObject): string[] {
  return textsAt(summary, 'warnings');
}

/** 1234 → "1,234". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** "1 test", "3 tests"; `many` when the plural is not the noun plus "s". */
export function plural(value: number, one: string, many = `${one}s`): string {
  return `${formatCount(value)} ${value === 1 ? one : many}`;
}

/**
 * A ratio in 0..1 as a percentage with one decimal. Never rounds up to 100 % or down to 0 %:
 * 0.9996 is "99.9%", not a "100%" that reads as complete.
 */
export function formatPercent(ratio: number): string {
  const tenths = Math.round(ratio * 1000);
  const bounded = ratio < 1 && tenths === 1000 ? 999 : ratio > 0 && tenths === 0 ? 1 : tenths;
  return `${(bounded / 10).toFixed(1)}%`;
}

/** Seconds as a person reads a test run's length: "0.412 s", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(seconds < 1 ? 3 : 2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

/** Sorts a copy by `rank`, highest first, keeping the given order among equals. */
export function byRankDescending<T>(items: readonly T[], rank: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, rank: rank(item) }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .map(({ item }) => item);
}

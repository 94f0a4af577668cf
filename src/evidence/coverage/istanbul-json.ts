/** Shared by the two Istanbul JSON formats: detection and value checks with JSON paths. */

/** The head as text, past a byte-order mark, if it opens a JSON object. */
export function jsonObjectHead(head: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8').decode(head);
  return /^\uFEFF?\s*\{/.test(text) ? text : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `$["src/a.js"].s["3"]`: where in the document a value sits, for messages. */
export function jsonPath(key: string, ...rest: string[]): string {
  return `$[${JSON.stringify(key)}]${rest
    .map((part) => `[${JSON.stringify(part)}]`)
    .join('')
    .replace(/\["([A-Za-z_]\w*)"\]/g, '.$1')}`;
}

/** Large enough for a bundled file's entry with its source map; memory is bounded by it. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024; // bytes
/** Istanbul entries nest five levels (statementMap → id → start → line); allow some room. */
export const MAX_ENTRY_DEPTH = 64;

/**
 * What the start of a JSON file looks like: the top-level keys of its first document, in order,
 * with the first characters of each value. Built from a head that may stop mid-token; never
 * throws. Detection reads this instead of parsing, so a 64 KiB head of a 30 MB file is enough.
 */
export interface HeadShape {
  keys: string[];
  /** For each top-level key: the value's first character (`{`, `[`, `"`, digit …). */
  kinds: Map<string, string>;
  /** For top-level string values: their first characters (raw, escapes left as written). */
  strings: Map<string, string>;
  /** The head as text, for cheap substring checks. */
  text: string;
}

const STRING_PREFIX = 512;

export function headShape(head: Uint8Array): HeadShape | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(head);
  } catch {
    return undefined;
  }
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text[i] !== '{') return undefined;
  i++;
  const shape: HeadShape = { keys: [], kinds: new Map(), strings: new Map(), text };
  let depth = 1;
  let expectKey = true;
  let pendingKey: string | undefined;
  while (i < text.length && depth > 0) {
    const c = text[i] as string;
    if (c === '"') {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end === -1 ? text.length : end);
      if (depth === 1 && expectKey) {
        if (end === -1) break;
        pendingKey = raw;
        shape.keys.push(raw);
        expectKey = false;
      } else if (depth === 1 && pendingKey !== undefined) {
        shape.kinds.set(pendingKey, '"');
        shape.strings.set(pendingKey, raw.slice(0, STRING_PREFIX));
        pendingKey = undefined;
      }
      if (end === -1) break;
      i = end + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 1 && pendingKey !== undefined) {
        shape.kinds.set(pendingKey, c);
        pendingKey = undefined;
      }
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    } else if (depth === 1 && pendingKey !== undefined && c !== ':' && !isSpace(c.charCodeAt(0))) {
      shape.kinds.set(pendingKey, c);
      pendingKey = undefined;
    }
    i++;
  }
  return shape;
}

/** Index of the closing quote of the string opening at `start`, or -1 when the head ends first. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return -1;
    let backslashes = 0;
    for (let j = quote - 1; j > start && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** True when the first characters of a base64 payload decode to the start of an in-toto Statement. */
export function looksLikeStatementPayload(prefix: string): boolean {
  const usable = prefix.slice(0, prefix.length - (prefix.length % 4));
  if (usable.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(usable)) return false;
  const decoded = Buffer.from(
    usable,
    usable.includes('-') || usable.includes('_') ? 'base64url' : 'base64',
  )
    .toString('latin1')
    .trimStart();
  return decoded.startsWith('{') && /"(?:_type|predicateType|subject)"\s*:/.test(decoded);
}

export const SIGSTORE_BUNDLE_MEDIA_TYPE =
  /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;version=\d+\.\d+|\.v\d+\.\d+\+json)$/;

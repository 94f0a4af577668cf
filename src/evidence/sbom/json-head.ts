/** What detection can see of a JSON document's top level in its first bytes. */
export interface JsonHead {
  /** Top-level member names, in order, as far as the head reaches. */
  keys: string[];
  /** Top-level members whose values are strings. */
  strings: Map<string, string>;
}

const MAX_KEYS = 256;

/**
 * Reads the top-level members of a JSON object from the first bytes of a file, tolerating a
 * head cut anywhere (mid-string, mid-value). Looks only at depth 1, so a nested `bomFormat`
 * (a CycloneDX predicate inside an in-toto Statement, say) is never mistaken for the document's.
 * Returns undefined when the bytes do not start like a JSON object. Never throws.
 */
export function readJsonHead(head: Uint8Array): JsonHead | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i] as string)) i++;
  };
  const readString = (): string | undefined => {
    // At a quote: returns the decoded string, or undefined if the head ends inside it.
    const start = i;
    i++;
    while (i < n) {
      const ch = text[i];
      if (ch === '\\') i += 2;
      else if (ch === '"') {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          return undefined;
        }
      } else i++;
    }
    return undefined;
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  skipSpace();
  if (text[i] !== '{') return undefined;
  i++;
  const result: JsonHead = { keys: [], strings: new Map() };
  while (result.keys.length < MAX_KEYS) {
    skipSpace();
    if (text[i] !== '"') return result;
    const key = readString();
    if (key === undefined) return result;
    skipSpace();
    if (text[i] !== ':') return result;
    i++;
    skipSpace();
    result.keys.push(key);
    if (text[i] === '"') {
      const value = readString();
      if (value === undefined) return result;
      result.strings.set(key, value);
    } else {
      // Skip any other value: track depth and strings until the comma that ends it.
      let depth = 0;
      while (i < n) {
        const ch = text[i];
        if (ch === '"') {
          if (readString() === undefined) return result;
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          if (depth === 0) return result;
          depth--;
        } else if (ch === ',' && depth === 0) break;
        i++;
      }
    }
    skipSpace();
    if (text[i] !== ',') return result;
    i++;
  }
  return result;
}

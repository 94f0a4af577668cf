/**
 * Makes a string that shares no memory with the text it was cut from. The XML reader hands out
 * attribute values as V8 sliced strings that point into the whole decoded chunk (64 KiB), so
 * keeping one 20-character test name would keep its chunk alive, and keeping one name per chunk
 * would keep the whole file. Concatenating builds a cons string, and slicing that forces V8 to
 * flatten it into a fresh buffer; the result points only at that buffer.
 */
export function ownCopy(text: string): string {
  // V8 copies substrings shorter than 13 characters instead of slicing them.
  if (text.length < 13) return text;
  return ` ${text}`.slice(1);
}

/** `text` cut to at most `max` characters (marked with an ellipsis), as an owned copy. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return ownCopy(text);
  // Never split a surrogate pair: a lone surrogate is not valid in JSON consumers downstream.
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return ownCopy(`${text.slice(0, end)}\u2026`);
}

/** The first line of `text` that holds more than white space, trimmed. */
export function firstLine(text: string): string {
  for (const line of text.split(/\r\n?|\n/)) {
    const trimmed = line.trim();
    if (trimmed) return trimmed;
  }
  return '';
}

import { sniffEncoding } from '../xml/read-xml.ts';

/** The head of an XML file as text, decoded by its byte-order mark or declaration. */
export function headText(head: Uint8Array): string {
  return new TextDecoder(sniffEncoding(head)).decode(head);
}

/**
 * The document element's name and the text of its start tag (attributes included, possibly
 * cut where the head ends), past the declaration, comments, processing instructions and a
 * DOCTYPE. Undefined when the head holds no start tag. One forward scan, so a head crafted
 * with thousands of unterminated `<?` costs no more than a plain one.
 */
export function rootTag(head: Uint8Array): { name: string; text: string } | undefined {
  const text = headText(head);
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] as string)) at++;
    if (text.startsWith('<?', at)) at = after(text, '?>', at);
    else if (text.startsWith('<!--', at)) at = after(text, '-->', at);
    else if (text.startsWith('<!DOCTYPE', at)) at = afterDoctype(text, at);
    else break;
    if (at < 0) return undefined;
  }
  const match = /^<([A-Za-z_][\w.:-]*)([^>]*)/.exec(text.slice(at, at + 8192));
  if (!match?.[1]) return undefined;
  return { name: match[1], text: match[0] };
}

function after(text: string, end: string, from: number): number {
  const found = text.indexOf(end, from);
  return found < 0 ? -1 : found + end.length;
}

function afterDoctype(text: string, from: number): number {
  const close = text.indexOf('>', from);
  const subset = text.indexOf('[', from);
  if (subset >= 0 && (close < 0 || subset < close)) {
    const end = text.indexOf(']', subset);
    return end < 0 ? -1 : after(text, '>', end);
  }
  return close < 0 ? -1 : close + 1;
}

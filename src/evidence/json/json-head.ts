import { type JsonScan, scanJson } from './json-scan.ts';
import { jsonEncoding } from './read-json-document.ts';

// Every JSON format's detector looks at the same head; scan it once (a head is read, never
// written, once detection starts).
const scanned = new WeakMap<Uint8Array, JsonScan>();

/**
 * What the first bytes of a JSON file show: the root's type, the member paths seen and their
 * first primitive values. Never throws; a head cut mid-token simply shows less.
 */
export function scanJsonHead(head: Uint8Array): JsonScan {
  let scan = scanned.get(head);
  if (!scan) {
    const text = new TextDecoder(jsonEncoding(head)).decode(head);
    scan = scanJson(text);
    scanned.set(head, scan);
  }
  return scan;
}

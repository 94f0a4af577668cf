import assert from 'node:assert/strict';
import { isDossierError } from '../../src/core/errors.ts';
import { DETECT_HEAD_BYTES, type EvidenceFormat } from '../../src/evidence/format.ts';

/**
 * What every parser must do with any input: each detector answers a boolean without throwing,
 * and the parse returns a JSON-safe summary or throws EVIDENCE_MALFORMED, within two seconds.
 * Shared by the parsers' property-based tests.
 */
export async function survivesParse(
  detectors: readonly EvidenceFormat[],
  parse: () => Promise<unknown>,
  bytes: Uint8Array,
): Promise<void> {
  for (const candidate of detectors) {
    assert.equal(typeof candidate.detect(bytes.subarray(0, DETECT_HEAD_BYTES)), 'boolean');
  }
  const started = performance.now();
  try {
    const summary = await parse();
    assert.doesNotThrow(() => JSON.stringify(summary));
  } catch (error) {
    if (!isDossierError(error) || error.code !== 'EVIDENCE_MALFORMED') throw error;
  }
  assert.ok(performance.now() - started < 2000, 'one parse took over 2 s');
}

export type Mutation = 'flip' | 'truncate' | 'splice';

/** `base` with `bytes` written over it at `at` (0..1), cut there, or inserted there. */
export function mutateBytes(
  base: Uint8Array,
  how: Mutation,
  at: number,
  bytes: Uint8Array,
): Uint8Array {
  const offset = Math.floor(at * base.length);
  if (how === 'truncate') return base.subarray(0, offset);
  if (how === 'flip') {
    return Uint8Array.from(base, (value, i) =>
      i >= offset && i < offset + bytes.length ? (bytes[i - offset] ?? value) : value,
    );
  }
  return Buffer.concat([base.subarray(0, offset), bytes, base.subarray(offset)]);
}

// biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON is walked and rewritten in place
type Json = any;

/** The document with its `pick`-th member (depth-first, any depth) set to `value`. */
export function replaceMember(bytes: Uint8Array, pick: number, value: unknown): Uint8Array {
  const root = JSON.parse(Buffer.from(bytes).toString('utf8'));
  const slots: Array<[Json, string | number]> = [];
  const visit = (node: Json) => {
    if (node === null || typeof node !== 'object' || slots.length > 5000) return;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      slots.push([node, key]);
      visit(node[key]);
    }
  };
  visit(root);
  const slot = slots[pick % Math.max(slots.length, 1)];
  if (slot) slot[0][slot[1]] = value;
  return Buffer.from(JSON.stringify(slot ? root : value));
}

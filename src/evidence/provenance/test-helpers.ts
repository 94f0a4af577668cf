/**
 * Pure helpers shared by the provenance tests (files are read in the tests themselves: this
 * folder is pure). Not part of the format's public face.
 */
import type { ParseContext, TrustMaterial } from '../format.ts';

/** A fixed time after every corpus signature, so results never depend on the clock. */
export const TEST_NOW = new Date('2026-11-23T00:00:00Z');

export async function* chunks(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, Math.min(bytes.length, offset + size));
  }
}

export function parseContext(
  trust: Partial<TrustMaterial> = {},
  artifacts: string[] = [],
): ParseContext {
  return {
    trust: { dsseKeys: trust.dsseKeys ?? [], sigstoreTrustedRoot: trust.sigstoreTrustedRoot },
    artifacts,
    now: TEST_NOW,
  };
}

/** Decodes a DSSE payload, lets `change` edit the statement text, and encodes it back. */
export function rewritePayload(payloadBase64: string, change: (text: string) => string): string {
  const text = Buffer.from(payloadBase64, 'base64').toString('utf8');
  const changed = change(text);
  if (changed === text) throw new Error('rewritePayload: the change changed nothing');
  return Buffer.from(changed, 'utf8').toString('base64');
}

/** Flips one byte of a base64 value's decoded bytes (XOR 0x01) at `index` and re-encodes it. */
export function flipDecodedByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  const at = ((index % bytes.length) + bytes.length) % bytes.length;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
}

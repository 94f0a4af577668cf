import { hash } from 'node:crypto';

// RFC 6962 §2.1: leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf
// can never be passed off as an interior node (second-preimage resistance of the tree).
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

// One-shot crypto.hash: half the per-call cost of createHash().update().digest(), which
// dominates for inputs this small (log verification hashes about two per entry).
export function hashLeaf(data: Uint8Array): Uint8Array {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right], 65), 'buffer');
}

/** The leaf hash, hex, of UTF-8 text (the canonical JSON of an audit entry). */
export function hashLeafText(text: string): string {
  return hash('sha256', `\u0000${text}`, 'hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

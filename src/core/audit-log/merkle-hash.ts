import { createHash } from 'node:crypto';

// RFC 6962 §2.1: leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf
// can never be passed off as an interior node (second-preimage resistance of the tree).
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export function hashLeaf(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

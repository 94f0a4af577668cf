import { createHash, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { SignedEntity } from '@sigstore/verify';
import { type DigestAlgorithm, verifyDigestSignature } from './digest-signature.ts';
import { verifyWithPublicKey } from './public-key-verify.ts';

/** What `@sigstore/verify` needs to know about the signed content. */
export type SignatureContent = SignedEntity['signature'] & {
  /** Whether a signature by this key can be checked at all from what the file holds. */
  canVerify(key: KeyObject): boolean;
};

/** DSSE pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One DSSE signature over an envelope's payload. */
export class DsseSignatureContent implements SignatureContent {
  readonly signature: Buffer;
  private readonly payload: Buffer;
  private readonly pae: Buffer;

  constructor(payloadType: string, payload: Buffer, signature: Buffer) {
    this.signature = signature;
    this.payload = payload;
    this.pae = preAuthEncoding(payloadType, payload);
  }

  compareSignature(signature: Buffer): boolean {
    return equal(signature, this.signature);
  }

  compareDigest(digest: Buffer): boolean {
    return equal(digest, createHash('sha256').update(this.payload).digest());
  }

  verifySignature(key: KeyObject): boolean {
    return verifyWithPublicKey(key, this.pae, this.signature);
  }

  canVerify(): boolean {
    return true;
  }
}

/** A Sigstore message signature: a signature over an artifact known only by its digest. */
export class DigestSignatureContent implements SignatureContent {
  readonly signature: Buffer;
  private readonly digest: Buffer;
  private readonly algorithm: DigestAlgorithm;

  constructor(digest: Buffer, algorithm: DigestAlgorithm, signature: Buffer) {
    this.signature = signature;
    this.digest = digest;
    this.algorithm = algorithm;
  }

  compareSignature(signature: Buffer): boolean {
    return equal(signature, this.signature);
  }

  compareDigest(digest: Buffer): boolean {
    return equal(digest, this.digest);
  }

  verifySignature(key: KeyObject): boolean {
    return verifyDigestSignature(key, this.digest, this.algorithm, this.signature) === true;
  }

  canVerify(key: KeyObject): boolean {
    return verifyDigestSignature(key, this.digest, this.algorithm, Buffer.alloc(0)) !== undefined;
  }
}

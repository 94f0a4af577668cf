import { constants, createHash, type KeyObject, publicDecrypt, timingSafeEqual } from 'node:crypto';
import { verifyEcdsaDigest } from './ecdsa-digest.ts';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** DER prefixes of PKCS #1 v1.5 DigestInfo, per hash (RFC 8017 §9.2, note 1). */
const DIGEST_INFO: Record<DigestAlgorithm, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Verifies a signature made over a digest (a Sigstore message signature) without the signed
 * bytes: ECDSA on P-256/P-384, RSA PKCS #1 v1.5 and RSA-PSS. Returns undefined when the key type
 * cannot be checked from a digest (Ed25519 signs the whole message).
 */
export function verifyDigestSignature(
  key: KeyObject,
  digest: Uint8Array,
  algorithm: DigestAlgorithm,
  signature: Uint8Array,
): boolean | undefined {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return verifyEcdsaDigest(key, digest, signature);
    case 'rsa':
      return (
        verifyRsaPkcs1Digest(key, digest, algorithm, signature) ||
        verifyRsaPssDigest(key, digest, algorithm, signature)
      );
    case 'rsa-pss':
      return verifyRsaPssDigest(key, digest, algorithm, signature);
    default:
      return undefined;
  }
}

function verifyRsaPkcs1Digest(
  key: KeyObject,
  digest: Uint8Array,
  algorithm: DigestAlgorithm,
  signature: Uint8Array,
): boolean {
  try {
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    const expected = Buffer.concat([Buffer.from(DIGEST_INFO[algorithm], 'hex'), digest]);
    return recovered.length === expected.length && timingSafeEqual(recovered, expected);
  } catch {
    return false;
  }
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 over the same hash, any salt length. */
function verifyRsaPssDigest(
  key: KeyObject,
  digest: Uint8Array,
  algorithm: DigestAlgorithm,
  signature: Uint8Array,
): boolean {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (!modulusBits || signature.length !== Math.ceil(modulusBits / 8)) return false;
  let em: Buffer;
  try {
    em = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const hashLength = digest.length;
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  if (em.length > emLength) {
    if (em.subarray(0, em.length - emLength).some((byte) => byte !== 0)) return false;
    em = em.subarray(em.length - emLength);
  }
  if (emLength < hashLength + 2 || em[emLength - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLength - hashLength - 1);
  const h = em.subarray(emLength - hashLength - 1, emLength - 1);
  const unusedBits = 8 * emLength - emBits;
  const topMask = 0xff << (8 - unusedBits);
  if (((maskedDb[0] as number) & topMask) !== 0) return false;
  const mask = mgf1(algorithm, h, maskedDb.length);
  const db = Buffer.alloc(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (maskedDb[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & (0xff >> unusedBits);
  const separator = db.indexOf(0x01);
  if (separator === -1 || db.subarray(0, separator).some((byte) => byte !== 0)) return false;
  const salt = db.subarray(separator + 1);
  const mPrime = Buffer.concat([Buffer.alloc(8), digest, salt]);
  const hPrime = createHash(algorithm).update(mPrime).digest();
  return timingSafeEqual(hPrime, h);
}

function mgf1(algorithm: DigestAlgorithm, seed: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(algorithm).update(seed).update(c).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

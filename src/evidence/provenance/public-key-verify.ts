import { constants, type KeyObject, verify } from 'node:crypto';

/**
 * Verifies a signature over `data` with a public key, in the schemes DSSE signers use: Ed25519;
 * ECDSA with the curve's own hash or SHA-256, DER or IEEE P1363 (raw r‖s) encoded; RSA with
 * SHA-256, PKCS #1 v1.5 or PSS. Never throws: a malformed signature is simply not valid.
 */
export function verifyWithPublicKey(
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ed25519':
      case 'ed448':
        return verify(null, data, key, signature);
      case 'ec': {
        for (const hash of ecdsaHashes(key)) {
          if (verify(hash, data, key, signature)) return true;
          if (verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)) return true;
        }
        return false;
      }
      case 'rsa':
        return (
          verify('sha256', data, key, signature) ||
          verify(
            'sha256',
            data,
            {
              key,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_AUTO,
            },
            signature,
          )
        );
      case 'rsa-pss':
        return verify('sha256', data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function ecdsaHashes(key: KeyObject): string[] {
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case 'secp384r1':
      return ['sha384', 'sha256'];
    case 'secp521r1':
      return ['sha512', 'sha256'];
    default:
      return ['sha256'];
  }
}

/**
 * Whether a signature has the shape this key's signatures have (length, encoding). Used when a
 * signature names no key id, to tell which configured keys could have made it.
 */
export function signatureFits(key: KeyObject, signature: Uint8Array): boolean {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return signature.length === 64;
    case 'ed448':
      return signature.length === 114;
    case 'ec': {
      const size = coordinateBytes(key.asymmetricKeyDetails?.namedCurve);
      return signature[0] === 0x30 || signature.length === 2 * size;
    }
    case 'rsa':
    case 'rsa-pss':
      return signature.length * 8 === (key.asymmetricKeyDetails?.modulusLength ?? -1);
    default:
      return false;
  }
}

function coordinateBytes(curve: string | undefined): number {
  if (curve === 'secp384r1') return 48;
  if (curve === 'secp521r1') return 66;
  return 32;
}

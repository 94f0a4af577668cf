import type { KeyObject } from 'node:crypto';

/**
 * ECDSA verification over a digest the caller already has (a Sigstore message signature names
 * the artifact's digest, not its bytes). `node:crypto` only verifies over a message it hashes
 * itself, so this is the textbook check (SEC 1 §4.1.4) in BigInt arithmetic: verification handles
 * only public values, so constant time does not matter. Tested against `node:crypto` signatures.
 */
interface Curve {
  p: bigint;
  n: bigint;
  b: bigint;
  g: Affine;
  bytes: number;
}

type Affine = { x: bigint; y: bigint };
/** Jacobian coordinates; z = 0 is the point at infinity. */
type Jacobian = { x: bigint; y: bigint; z: bigint };

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    g: {
      x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
      y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    },
    bytes: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    g: {
      x: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
      y: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    },
    bytes: 48,
  },
};

/** The curves this module verifies on (JWK names). */
export const DIGEST_CURVES = Object.keys(CURVES);

/** For tests: a curve's parameters. */
export function curveParameters(name: string): Readonly<Curve> | undefined {
  return CURVES[name];
}

/**
 * True when `signature` (DER or raw r‖s) is a valid ECDSA signature of `digest` by `key`;
 * undefined when the key is not an EC key on a supported curve.
 */
export function verifyEcdsaDigest(
  key: KeyObject,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  let jwk: { crv?: string; x?: string; y?: string };
  try {
    jwk = key.export({ format: 'jwk' });
  } catch {
    return undefined;
  }
  const curve = jwk.crv ? CURVES[jwk.crv] : undefined;
  if (!curve || !jwk.x || !jwk.y) return undefined;
  const q = {
    x: toBigInt(Buffer.from(jwk.x, 'base64url')),
    y: toBigInt(Buffer.from(jwk.y, 'base64url')),
  };
  if (!onCurve(curve, q)) return false;
  const rs = decodeSignature(signature, curve.bytes);
  if (!rs) return false;
  const { r, s } = rs;
  const { n } = curve;
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
  const e = digestInteger(digest, n);
  const w = inverse(s, n);
  const u1 = (e * w) % n;
  const u2 = (r * w) % n;
  const point = add(curve, multiply(curve, u1, curve.g), multiply(curve, u2, q));
  const affine = toAffine(curve, point);
  if (!affine) return false;
  return affine.x % n === r;
}

/** The digest as an integer, keeping its leftmost bits when it is longer than the order. */
function digestInteger(digest: Uint8Array, n: bigint): bigint {
  const orderBits = n.toString(2).length;
  let e = toBigInt(digest);
  const excess = digest.length * 8 - orderBits;
  if (excess > 0) e >>= BigInt(excess);
  return e;
}

function decodeSignature(
  signature: Uint8Array,
  size: number,
): { r: bigint; s: bigint } | undefined {
  if (signature.length === 2 * size && signature[0] !== 0x30) {
    return { r: toBigInt(signature.subarray(0, size)), s: toBigInt(signature.subarray(size)) };
  }
  return (
    decodeDer(signature) ??
    (signature.length === 2 * size
      ? { r: toBigInt(signature.subarray(0, size)), s: toBigInt(signature.subarray(size)) }
      : undefined)
  );
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }`, nothing after it. */
function decodeDer(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  let offset = 0;
  const length = (): number | undefined => {
    const first = der[offset++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first === 0x81) {
      const value = der[offset++];
      return value !== undefined && value >= 0x80 ? value : undefined;
    }
    return undefined;
  };
  const integer = (): bigint | undefined => {
    if (der[offset++] !== 0x02) return undefined;
    const size = length();
    if (size === undefined || size === 0 || offset + size > der.length) return undefined;
    const bytes = der.subarray(offset, offset + size);
    offset += size;
    if ((bytes[0] as number) & 0x80) return undefined; // negative
    if (bytes[0] === 0 && size > 1 && !((bytes[1] as number) & 0x80)) return undefined; // not minimal
    return toBigInt(bytes);
  };
  if (der[offset++] !== 0x30) return undefined;
  const total = length();
  if (total === undefined || offset + total !== der.length) return undefined;
  const r = integer();
  const s = integer();
  if (r === undefined || s === undefined || offset !== der.length) return undefined;
  return { r, s };
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse by the extended Euclidean algorithm; `a` must be coprime to `m`. */
function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function onCurve(curve: Curve, { x, y }: Affine): boolean {
  const { p, b } = curve;
  if (x < 0n || x >= p || y < 0n || y >= p) return false;
  return mod(y * y - (x * x * x - 3n * x + b), p) === 0n;
}

const INFINITY: Jacobian = { x: 1n, y: 1n, z: 0n };

/** Doubling for a = −3 (dbl-2001-b). */
function double(curve: Curve, P: Jacobian): Jacobian {
  const { p } = curve;
  if (P.z === 0n || P.y === 0n) return INFINITY;
  const delta = mod(P.z * P.z, p);
  const gamma = mod(P.y * P.y, p);
  const beta = mod(P.x * gamma, p);
  const alpha = mod(3n * (P.x - delta) * (P.x + delta), p);
  const x = mod(alpha * alpha - 8n * beta, p);
  const z = mod((P.y + P.z) * (P.y + P.z) - gamma - delta, p);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, p);
  return { x, y, z };
}

/** General addition (add-2007-bl), falling back to doubling for equal points. */
function add(curve: Curve, P: Jacobian, Q: Jacobian): Jacobian {
  const { p } = curve;
  if (P.z === 0n) return Q;
  if (Q.z === 0n) return P;
  const z1z1 = mod(P.z * P.z, p);
  const z2z2 = mod(Q.z * Q.z, p);
  const u1 = mod(P.x * z2z2, p);
  const u2 = mod(Q.x * z1z1, p);
  const s1 = mod(P.y * Q.z * z2z2, p);
  const s2 = mod(Q.y * P.z * z1z1, p);
  const h = mod(u2 - u1, p);
  const rr = mod(2n * (s2 - s1), p);
  if (h === 0n) return rr === 0n ? double(curve, P) : INFINITY;
  const i = mod(4n * h * h, p);
  const j = mod(h * i, p);
  const v = mod(u1 * i, p);
  const x = mod(rr * rr - j - 2n * v, p);
  const y = mod(rr * (v - x) - 2n * s1 * j, p);
  const z = mod(((P.z + Q.z) * (P.z + Q.z) - z1z1 - z2z2) * h, p);
  return { x, y, z };
}

function multiply(curve: Curve, k: bigint, point: Affine): Jacobian {
  const base: Jacobian = { x: point.x, y: point.y, z: 1n };
  let result = INFINITY;
  for (const bit of k.toString(2)) {
    result = double(curve, result);
    if (bit === '1') result = add(curve, result, base);
  }
  return result;
}

function toAffine(curve: Curve, P: Jacobian): Affine | undefined {
  if (P.z === 0n) return undefined;
  const { p } = curve;
  const zInverse = inverse(P.z, p);
  const zInverse2 = mod(zInverse * zInverse, p);
  return { x: mod(P.x * zInverse2, p), y: mod(P.y * zInverse2 * zInverse, p) };
}

import assert from 'node:assert/strict';
import {
  constants,
  createECDH,
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyDigestSignature } from './digest-signature.ts';
import { curveParameters, verifyEcdsaDigest } from './ecdsa-digest.ts';

describe('ECDSA over a digest (BigInt arithmetic), checked against node:crypto', () => {
  for (const [curve, openssl] of [
    ['P-256', 'prime256v1'],
    ['P-384', 'secp384r1'],
  ] as const) {
    it(`${curve}: the generator and order are the curve's (1·G and (n−1)·G from ECDH)`, () => {
      const parameters = curveParameters(curve);
      assert.ok(parameters);
      const scalar = (value: bigint) =>
        Buffer.from(value.toString(16).padStart(parameters.bytes * 2, '0'), 'hex');
      const ecdh = createECDH(openssl);
      ecdh.setPrivateKey(scalar(1n));
      const g = ecdh.getPublicKey();
      assert.equal(
        g.subarray(1, 1 + parameters.bytes).toString('hex'),
        parameters.g.x.toString(16).padStart(parameters.bytes * 2, '0'),
      );
      assert.equal(
        g.subarray(1 + parameters.bytes).toString('hex'),
        parameters.g.y.toString(16).padStart(parameters.bytes * 2, '0'),
      );
      ecdh.setPrivateKey(scalar(parameters.n - 1n));
      const minusG = ecdh.getPublicKey();
      assert.equal(
        minusG.subarray(1, 1 + parameters.bytes).toString('hex'),
        g.subarray(1, 1 + parameters.bytes).toString('hex'),
      );
    });

    it(`${curve}: accepts node's signatures (DER and P1363, several hashes) and rejects any changed digest or signature`, () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: openssl });
      for (let round = 0; round < 12; round++) {
        const hash = ['sha256', 'sha384', 'sha512'][round % 3] as string;
        const message = randomBytes(40 + round);
        const digest = createHash(hash).update(message).digest();
        const der = sign(hash, message, privateKey);
        const raw = sign(hash, message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        assert.equal(verifyEcdsaDigest(publicKey, digest, der), true);
        assert.equal(verifyEcdsaDigest(publicKey, digest, raw), true);
        const otherDigest = Buffer.from(digest);
        otherDigest[round % digest.length] = (otherDigest[round % digest.length] as number) ^ 0x40;
        assert.equal(verifyEcdsaDigest(publicKey, otherDigest, der), false);
        const otherSignature = Buffer.from(raw);
        otherSignature[round] = (otherSignature[round] as number) ^ 0x01;
        assert.equal(verifyEcdsaDigest(publicKey, digest, otherSignature), false);
      }
    });
  }

  it('refuses r or s out of range, trailing bytes and non-minimal DER, without throwing', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const digest = createHash('sha256').update('x').digest();
    const der = sign('sha256', Buffer.from('x'), privateKey);
    assert.equal(verifyEcdsaDigest(publicKey, digest, der), true);
    const n = curveParameters('P-256')?.n as bigint;
    const raw = (r: bigint, s: bigint) =>
      Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex');
    assert.equal(verifyEcdsaDigest(publicKey, digest, raw(0n, 1n)), false);
    assert.equal(verifyEcdsaDigest(publicKey, digest, raw(1n, n)), false);
    assert.equal(
      verifyEcdsaDigest(publicKey, digest, Buffer.concat([der, Buffer.from([0])])),
      false,
    );
    assert.equal(verifyEcdsaDigest(publicKey, digest, Buffer.alloc(0)), false);
    assert.equal(
      verifyEcdsaDigest(
        publicKey,
        digest,
        Buffer.from([0x30, 0x81, 0x05, 0x02, 0x01, 0x01, 0x02, 0x00]),
      ),
      false,
    );
    const { publicKey: ed } = generateKeyPairSync('ed25519');
    assert.equal(verifyEcdsaDigest(ed, digest, der), undefined);
  });
});

describe('RSA over a digest', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
    it(`${hash}: PKCS #1 v1.5 and PSS signatures verify; a changed digest does not`, () => {
      const message = randomBytes(64);
      const digest = createHash(hash).update(message).digest();
      const pkcs1 = sign(hash, message, privateKey);
      const pss = sign(hash, message, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 20,
      });
      assert.equal(verifyDigestSignature(publicKey, digest, hash, pkcs1), true);
      assert.equal(verifyDigestSignature(publicKey, digest, hash, pss), true);
      const other = Buffer.from(digest);
      other[0] = (other[0] as number) ^ 1;
      assert.equal(verifyDigestSignature(publicKey, other, hash, pkcs1), false);
      assert.equal(verifyDigestSignature(publicKey, other, hash, pss), false);
      // The hash named must be the hash used: DigestInfo binds it.
      const wrong = hash === 'sha256' ? 'sha512' : 'sha256';
      assert.equal(
        verifyDigestSignature(publicKey, createHash(wrong).update(message).digest(), wrong, pkcs1),
        false,
      );
    });
  }

  it('says it cannot check an Ed25519 key from a digest (undefined, not false)', () => {
    const { publicKey: ed } = generateKeyPairSync('ed25519');
    assert.equal(
      verifyDigestSignature(ed, Buffer.alloc(32), 'sha256', Buffer.alloc(64)),
      undefined,
    );
  });
});

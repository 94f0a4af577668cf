import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmacSha256Header, isSameToken, isValidHmacSha256 } from './verify-signature.ts';

describe('isValidHmacSha256', () => {
  // GitHub's documented test vector: secret "It's a Secret to Everybody", payload
  // "Hello, World!" (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
  const secret = "It's a Secret to Everybody";
  const body = Buffer.from('Hello, World!');
  const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('accepts the signature GitHub documents for its test vector', () => {
    assert.equal(hmacSha256Header(secret, body), documented);
    assert.equal(isValidHmacSha256(secret, body, documented), true);
    assert.equal(
      isValidHmacSha256(secret, body, documented.toUpperCase().replace('SHA256', 'sha256')),
      true,
    );
  });

  it('refuses a missing, malformed or wrong signature, a tampered body and another secret', () => {
    assert.equal(isValidHmacSha256(secret, body, undefined), false);
    assert.equal(isValidHmacSha256(secret, body, ''), false);
    assert.equal(isValidHmacSha256(secret, body, documented.slice(7)), false, 'no sha256= prefix');
    assert.equal(isValidHmacSha256(secret, body, documented.slice(0, -2)), false, 'too short');
    assert.equal(isValidHmacSha256(secret, body, `sha1=${documented.slice(7)}`), false);
    assert.equal(isValidHmacSha256(secret, Buffer.from('Hello, World?'), documented), false);
    assert.equal(isValidHmacSha256('another secret', body, documented), false);
    const flipped = `${documented.slice(0, -1)}${documented.endsWith('7') ? '6' : '7'}`;
    assert.equal(isValidHmacSha256(secret, body, flipped), false);
  });
});

describe('isSameToken', () => {
  it('accepts exactly the token, refuses any other (including prefixes and absence)', () => {
    assert.equal(isSameToken('gl-secret-token', 'gl-secret-token'), true);
    assert.equal(isSameToken('gl-secret-token', 'gl-secret-toke'), false);
    assert.equal(isSameToken('gl-secret-token', 'gl-secret-token '), false);
    assert.equal(isSameToken('gl-secret-token', ''), false);
    assert.equal(isSameToken('gl-secret-token', undefined), false);
  });
});

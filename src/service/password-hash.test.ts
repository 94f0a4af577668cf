import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_PASSWORD_PARAMS,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './password-hash.ts';

describe('password hashing (scrypt)', () => {
  it('hashes with the default 128 MiB parameters recorded in the hash, and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.match(hash, /^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!hash.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapLe', hash), false);
    assert.equal(needsRehash(hash, DEFAULT_PASSWORD_PARAMS), false);
  });

  it('salts each hash, and asks for a rehash when the parameters were weaker', async () => {
    const weak = { logN: 10, r: 8, p: 1 };
    const a = await hashPassword('same password!', weak);
    const b = await hashPassword('same password!', weak);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password!', a), true);
    assert.equal(needsRehash(a, DEFAULT_PASSWORD_PARAMS), true);
    assert.equal(needsRehash(a, weak), false);
  });

  it('treats a malformed stored hash as not matching', async () => {
    assert.equal(await verifyPassword('anything at all', 'md5$abc'), false);
    assert.equal(needsRehash('md5$abc', DEFAULT_PASSWORD_PARAMS), true);
  });
});

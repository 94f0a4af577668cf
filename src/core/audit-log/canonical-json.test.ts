import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts object members by UTF-16 code units and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, null, 'x'], A: {} }),
      '{"A":{},"a":[true,null,"x"],"b":1}',
    );
  });

  it('orders keys the way RFC 8785 §3.2.3 does, including non-ASCII and surrogate pairs', () => {
    // The RFC's own sorting example: "\u20ac" (€), "\r", "\ufb33", "1", "\ud83d\ude00", "\u0080", "\u00f6".
    const value = {
      '\u20ac': 0,
      '\r': 1,
      '\ufb33': 2,
      '1': 3,
      '\ud83d\ude00': 4,
      '\u0080': 5,
      '\u00f6': 6,
    };
    // Compared as text: JSON.parse would move the integer-like key "1" first again.
    const expected = '{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}';
    assert.equal(canonicalJson(value), expected);
  });

  it('serializes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    assert.equal(canonicalJson([1e21, 0.1, -0, 1e-7, 100]), '[1e+21,0.1,0,1e-7,100]');
  });

  it('gives the same text for objects that differ only in member order', () => {
    assert.equal(
      canonicalJson({ x: { q: 1, p: 2 }, y: 3 }),
      canonicalJson({ y: 3, x: { p: 2, q: 1 } }),
    );
  });

  it('omits members whose value is undefined, as JSON.stringify does', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  });

  it('refuses values JSON cannot represent, naming where they are', () => {
    assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), /\$\.a\[1\] is NaN/);
    assert.throws(() => canonicalJson({ when: new Date(0) }), /\$\.when is not a plain object/);
    assert.throws(() => canonicalJson([undefined]), /\$\[0\] is a undefined/);
  });
});

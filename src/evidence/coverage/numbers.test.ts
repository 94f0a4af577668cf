import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCount, parseNumber } from './numbers.ts';

describe('parseCount and parseNumber', () => {
  it('parseCount takes non-negative integers, also written as decimals, and nothing else', () => {
    const cases: Array<[string | undefined, number | undefined]> = [
      ['0', 0],
      ['42', 42],
      [' 7 ', 7],
      ['1.0', 1],
      ['+3', 3],
      ['123456789012345', 123456789012345],
      ['1.5', undefined],
      ['-1', undefined],
      ['0x10', undefined],
      ['', undefined],
      ['99999999999999999999', undefined],
      [undefined, undefined],
    ];
    for (const [text, expected] of cases) assert.equal(parseCount(text), expected, String(text));
  });

  it('parseNumber takes finite decimals, negative and exponent forms included', () => {
    const cases: Array<[string, number | undefined]> = [
      ['12', 12],
      ['-1', -1],
      ['0.8333', 0.8333],
      ['1e3', 1000],
      ['18446744073709551615', 2 ** 64], // nearest double: precision beyond 2^53 is not needed
      ['NaN', undefined],
      ['Infinity', undefined],
      ['1e999', undefined],
      ['12abc', undefined],
      ['', undefined],
    ];
    for (const [text, expected] of cases) assert.equal(parseNumber(text), expected, text);
  });
});

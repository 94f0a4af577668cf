import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HitSet, hashKey, MAX_HIT_KEY } from './hit-set.ts';

/** The obvious model: a Map from key to "was hit". */
function model(entries: Array<[number, boolean]>): { size: number; hits: number } {
  const map = new Map<number, boolean>();
  for (const [key, hit] of entries) map.set(key, (map.get(key) ?? false) || hit);
  return { size: map.size, hits: [...map.values()].filter(Boolean).length };
}

const entry = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_HIT_KEY - 1 })),
  fc.boolean(),
);

describe('HitSet', () => {
  it('counts distinct keys and hit keys exactly as a Map would, across folds and merges', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 400 }),
        fc.array(entry, { maxLength: 400 }),
        (a, b) => {
          const left = new HitSet();
          const right = new HitSet();
          for (const [key, hit] of a) left.add(key, hit);
          assert.deepEqual({ size: left.size, hits: left.hits }, model(a));
          for (const [key, hit] of b) right.add(key, hit);
          left.addAll(right);
          assert.deepEqual({ size: left.size, hits: left.hits }, model([...a, ...b]));
          assert.deepEqual({ size: right.size, hits: right.hits }, model(b));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the same when keys arrive in ascending order (written straight) and then out of order', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 300 }),
        fc.array(entry, { maxLength: 20 }),
        (a, late) => {
          const ascending = [...a].sort(([x], [y]) => x - y);
          const set = new HitSet();
          for (const [key, hit] of ascending) set.add(key, hit);
          assert.deepEqual({ size: set.size, hits: set.hits }, model(ascending));
          const fresh = new HitSet();
          for (const [key, hit] of [...ascending, ...late]) fresh.add(key, hit);
          assert.deepEqual({ size: fresh.size, hits: fresh.hits }, model([...ascending, ...late]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds a million consecutive lines in about a byte each, folding as it goes', () => {
    const set = new HitSet();
    for (let line = 1; line <= 1_000_000; line++) set.add(line, line % 3 !== 0);
    for (let line = 1; line <= 1_000_000; line += 3) set.add(line, false); // repeats change nothing
    assert.equal(set.size, 1_000_000);
    assert.equal(set.hits, 666_667);
    set.compact();
    assert.ok(set.byteLength < 1_100_000, `${set.byteLength} bytes`);
  });

  it('hashKey spreads names below 2^52 without collisions among 200,000 names', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const key = hashKey(`System.Void Namespace.Class${i % 977}::Method${i}(System.String)`);
      assert.ok(Number.isSafeInteger(key) && key >= 0 && key < MAX_HIT_KEY);
      seen.add(key);
    }
    assert.equal(seen.size, 200_000);
  });
});

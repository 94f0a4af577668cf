import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitWholeMonths } from './whole-months.ts';

const period = (from: string, to: string) => ({
  from: `${from}T00:00:00.000Z`,
  to: `${to}T00:00:00.000Z`,
});

describe('splitWholeMonths', () => {
  it('reads a year from mid-month as eleven whole months and two ragged edges', () => {
    assert.deepEqual(splitWholeMonths(period('2025-11-23', '2026-11-24')), {
      months: { from: '2025-12', to: '2026-11' },
      before: { from: '2025-11-23', to: '2025-12-01' },
      after: { from: '2026-11-01', to: '2026-11-24' },
    });
  });

  it('has empty edges when the period is whole months, across a year end', () => {
    assert.deepEqual(splitWholeMonths(period('2025-12-01', '2026-02-01')), {
      months: { from: '2025-12', to: '2026-02' },
      before: { from: '2025-12-01', to: '2025-12-01' },
      after: { from: '2026-02-01', to: '2026-02-01' },
    });
  });

  it('reads days only when no whole month fits', () => {
    for (const [from, to] of [
      ['2026-05-10', '2026-06-20'],
      ['2026-05-02', '2026-05-31'],
      ['2026-05-01', '2026-05-31'],
    ] as const) {
      const split = splitWholeMonths(period(from, to));
      assert.deepEqual(split.before, { from, to });
      assert.equal(split.months.from, split.months.to);
      assert.equal(split.after.from, split.after.to);
    }
  });

  it('covers every day of random periods exactly once', () => {
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 300; i++) {
      const a = start + Math.floor(((i * 7919) % 800) * 86_400_000);
      const b = a + (1 + ((i * 104_729) % 400)) * 86_400_000;
      const from = new Date(a).toISOString().slice(0, 10);
      const to = new Date(b).toISOString().slice(0, 10);
      const split = splitWholeMonths(period(from, to));
      for (let t = a; t < b; t += 86_400_000) {
        const day = new Date(t).toISOString().slice(0, 10);
        const inMonths = day.slice(0, 7) >= split.months.from && day.slice(0, 7) < split.months.to;
        const inBefore = day >= split.before.from && day < split.before.to;
        const inAfter = day >= split.after.from && day < split.after.to;
        assert.equal(
          Number(inMonths) + Number(inBefore) + Number(inAfter),
          1,
          `${day} in ${from}..${to}`,
        );
      }
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailure, periodicSlot, retryDelayMs } from './job.ts';

const policy = { baseMs: 1000, maxMs: 30_000 };

describe('retryDelayMs', () => {
  it('doubles per failed attempt up to the cap, with half of each delay random', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 40].map((n) => retryDelayMs(n, policy, 1));
    assert.deepEqual(ceilings, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    const floors = [1, 2, 3, 6].map((n) => retryDelayMs(n, policy, 0));
    assert.deepEqual(floors, [500, 1000, 2000, 15_000]);
    assert.equal(retryDelayMs(2, policy, 0.5), 1500);
  });

  it('stays within bounds for out-of-range inputs', () => {
    assert.equal(retryDelayMs(0, policy, 1), 1000);
    assert.equal(retryDelayMs(10_000, policy, 1), 30_000);
    assert.equal(retryDelayMs(1, policy, 7), 1000);
  });
});

describe('afterFailure', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');

  it('schedules another try while attempts remain', () => {
    assert.deepEqual(afterFailure({ attempts: 2, maxAttempts: 3 }, now, { policy, random: 1 }), {
      state: 'failed',
      runAt: '2026-11-23T10:00:02.000Z',
    });
  });

  it('gives up when attempts are used up or the failure is permanent', () => {
    assert.deepEqual(afterFailure({ attempts: 3, maxAttempts: 3 }, now, { policy, random: 1 }), {
      state: 'dead',
    });
    assert.deepEqual(
      afterFailure({ attempts: 1, maxAttempts: 3 }, now, { policy, random: 1, permanent: true }),
      { state: 'dead' },
    );
  });
});

describe('periodicSlot', () => {
  it('gives every instant of one interval the same key and run time', () => {
    const a = periodicSlot('log.checkpoint', 60_000, new Date('2026-11-23T10:00:00.000Z'));
    const b = periodicSlot('log.checkpoint', 60_000, new Date('2026-11-23T10:00:59.999Z'));
    const c = periodicSlot('log.checkpoint', 60_000, new Date('2026-11-23T10:01:00.000Z'));
    assert.deepEqual(a, b);
    assert.deepEqual(a, {
      dedupeKey: 'log.checkpoint@2026-11-23T10:00:00.000Z',
      runAt: '2026-11-23T10:00:00.000Z',
    });
    assert.equal(c.dedupeKey, 'log.checkpoint@2026-11-23T10:01:00.000Z');
  });
});

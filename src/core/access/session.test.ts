import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailedAttempt, isLocked, LOCKOUT_THRESHOLD } from './session.ts';

describe('lockout after wrong passwords', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('counts failures and locks for 15 minutes at the threshold', () => {
    let state = { failedAttempts: 0, lockedUntil: null as string | null };
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) {
      state = afterFailedAttempt(state.failedAttempts, now);
      assert.deepEqual(state, { failedAttempts: i, lockedUntil: null });
    }
    state = afterFailedAttempt(state.failedAttempts, now);
    assert.deepEqual(state, {
      failedAttempts: LOCKOUT_THRESHOLD,
      lockedUntil: '2026-11-23T10:15:00.000Z',
    });
    assert.equal(isLocked(state.lockedUntil, new Date('2026-11-23T10:14:59Z')), true);
    assert.equal(isLocked(state.lockedUntil, new Date('2026-11-23T10:15:00Z')), false);
    assert.equal(isLocked(null, now), false);
  });
});

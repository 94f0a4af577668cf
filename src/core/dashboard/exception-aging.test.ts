import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countByState, exceptionAgingDashboard } from './exception-aging.ts';

const now = new Date('2026-06-10T00:00:00.000Z');
const period = { from: '2026-06-01T00:00:00.000Z', to: '2026-06-08T00:00:00.000Z' };
const rows = [
  {
    requestedAt: '2026-06-01T08:00:00.000Z',
    expiresAt: '2026-07-01T00:00:00.000Z',
    approved: true,
  },
  {
    requestedAt: '2026-06-02T08:00:00.000Z',
    expiresAt: '2026-06-12T00:00:00.000Z',
    approved: true,
  },
  {
    requestedAt: '2026-06-02T09:00:00.000Z',
    expiresAt: '2026-06-20T00:00:00.000Z',
    approved: false,
  },
  {
    requestedAt: '2026-06-03T08:00:00.000Z',
    expiresAt: '2026-06-10T00:00:00.000Z',
    approved: true,
  },
  // Requested before the period: not counted by the dashboard.
  {
    requestedAt: '2026-05-20T08:00:00.000Z',
    expiresAt: '2026-06-01T00:00:00.000Z',
    approved: false,
  },
];

describe('exception aging over a period', () => {
  it('counts the exceptions requested in the period by their state now', () => {
    const view = exceptionAgingDashboard(rows, period, 'day', now);
    assert.deepEqual(view.totals, { requested: 1, active: 1, 'expiring-soon': 1, expired: 1 });
    assert.equal(view.total, 4);
    assert.equal(view.series.length, 7);
    assert.deepEqual(view.series[1], {
      bucket: '2026-06-02',
      total: 2,
      byState: { requested: 1, active: 0, 'expiring-soon': 1, expired: 0 },
    });
  });

  it('counts every row by state when no period applies (the list’s aging)', () => {
    assert.deepEqual(countByState(rows, now), {
      requested: 1,
      active: 1,
      'expiring-soon': 1,
      expired: 2,
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingApprovalsDashboard } from './pending-approvals.ts';

describe('pending approvals by age', () => {
  const now = new Date('2026-03-20T15:00:00.000Z');
  const period = { from: '2026-01-01T00:00:00.000Z', to: '2026-03-21T00:00:00.000Z' };

  it('bins each role by whole UTC days waited, oldest day kept', () => {
    const view = pendingApprovalsDashboard(
      [
        { role: 'qa', day: '2026-03-20', releases: 2 },
        { role: 'qa', day: '2026-03-18', releases: 1 },
        { role: 'qa', day: '2026-03-13', releases: 1 },
        { role: 'clinical', day: '2026-03-17', releases: 1 },
        { role: 'clinical', day: '2026-01-01', releases: 3 },
      ],
      period,
      now,
    );
    assert.equal(view.asOf, now.toISOString());
    assert.equal(view.bins.length, 6);
    assert.deepEqual(
      view.roles.map((r) => [r.role, r.counts, r.total, r.oldestDay]),
      [
        ['clinical', [0, 0, 1, 0, 0, 3], 4, '2026-01-01'],
        ['qa', [2, 1, 0, 1, 0, 0], 4, '2026-03-13'],
      ],
    );
    assert.equal(view.total, 8);
  });

  it('counts the first day of a bin in it, and skips empty rows', () => {
    const view = pendingApprovalsDashboard(
      [
        { role: 'qa', day: '2026-03-19', releases: 1 },
        { role: 'qa', day: '2026-03-17', releases: 1 },
        { role: 'qa', day: '2026-02-18', releases: 1 },
        { role: 'product', day: '2026-03-01', releases: 0 },
      ],
      period,
      now,
    );
    assert.deepEqual(view.roles, [
      { role: 'qa', counts: [0, 1, 1, 0, 0, 1], total: 3, oldestDay: '2026-02-18' },
    ]);
  });
});

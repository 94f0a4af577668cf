import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalCycleDashboard } from './approval-cycle.ts';

const HOUR = 3600;
const period = { from: '2026-05-04T00:00:00.000Z', to: '2026-05-18T00:00:00.000Z' };

describe('approval cycle time', () => {
  const rows = {
    byBucket: [
      { bucket: '2026-05-04', role: 'qa', seconds: 2 * HOUR, approvals: 2 },
      { bucket: '2026-05-04', role: 'qa', seconds: 10 * HOUR, approvals: 1 },
      { bucket: '2026-05-11', role: 'clinical', seconds: 48 * HOUR, approvals: 1 },
      // A bucket outside the period: ignored.
      { bucket: '2026-05-18', role: 'qa', seconds: 1, approvals: 5 },
    ],
    byClass: [
      { riskClass: 'high', seconds: 2 * HOUR, approvals: 2 },
      { riskClass: 'high', seconds: 48 * HOUR, approvals: 1 },
      { riskClass: null, seconds: 10 * HOUR, approvals: 1 },
    ],
  };

  it('weights each bin by its count: median, p90 and count per role and class', () => {
    const view = approvalCycleDashboard(rows, period, 'week');
    assert.deepEqual(view.roles, ['clinical', 'qa']);
    assert.deepEqual(view.overall, {
      approvals: 4,
      medianSeconds: 2 * HOUR,
      p90Seconds: 48 * HOUR,
    });
    assert.deepEqual(view.byRole, [
      { role: 'clinical', approvals: 1, medianSeconds: 48 * HOUR, p90Seconds: 48 * HOUR },
      { role: 'qa', approvals: 3, medianSeconds: 2 * HOUR, p90Seconds: 10 * HOUR },
    ]);
    assert.deepEqual(
      view.byClass.map((c) => [c.riskClass, c.approvals]),
      [
        ['high', 3],
        ['unassessed', 1],
      ],
    );
  });

  it('fills every bucket of the period, empty ones with null figures', () => {
    const view = approvalCycleDashboard(rows, period, 'week');
    assert.deepEqual(
      view.series.map((s) => [s.bucket, s.approvals, s.medianSeconds]),
      [
        ['2026-05-04', 3, 2 * HOUR],
        ['2026-05-11', 1, 48 * HOUR],
      ],
    );
    assert.deepEqual(view.series[1]?.byRole.qa, {
      approvals: 0,
      medianSeconds: null,
      p90Seconds: null,
    });
  });
});

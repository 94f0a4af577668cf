import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketOf,
  bucketsIn,
  defaultBucket,
  deliveryDashboard,
  quantile,
  throughputDashboard,
} from './dashboards.ts';
import { binSeconds, durationBin } from './time-bins.ts';

const JANUARY = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };

describe('dashboard figures', () => {
  it('puts a day in its ISO week (Monday) and month', () => {
    // 2026-01-01 is a Thursday; its week starts Monday 2025-12-29.
    assert.equal(bucketOf('2026-01-01', 'week'), '2025-12-29');
    assert.equal(bucketOf('2026-01-05', 'week'), '2026-01-05');
    assert.equal(bucketOf('2026-01-11', 'week'), '2026-01-05');
    assert.equal(bucketOf('2026-01-31', 'month'), '2026-01');
  });

  it('lists every bucket a period touches, and picks a bucket by its length', () => {
    assert.equal(bucketsIn(JANUARY, 'day').length, 31);
    assert.deepEqual(bucketsIn(JANUARY, 'week'), [
      '2025-12-29',
      '2026-01-05',
      '2026-01-12',
      '2026-01-19',
      '2026-01-26',
    ]);
    assert.deepEqual(
      bucketsIn({ from: '2026-01-15T12:00:00.000Z', to: '2026-01-16T00:00:00.000Z' }, 'day'),
      ['2026-01-15'],
    );
    assert.equal(defaultBucket(JANUARY), 'day');
    assert.equal(
      defaultBucket({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }),
      'week',
    );
    assert.equal(
      defaultBucket({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }),
      'month',
    );
  });

  it('keeps durations in 5% bins that stand for their middle', () => {
    for (const seconds of [1, 59, 3_600, 135_000.5, 172_800, 9_000_000]) {
      const kept = binSeconds(durationBin(seconds));
      assert.ok(Math.abs(kept - seconds) / seconds <= 0.025, `${seconds} kept as ${kept}`);
    }
    assert.equal(binSeconds(durationBin(0.2)), 0);
    assert.equal(binSeconds(durationBin(-5)), 0);
  });

  it('takes nearest-rank quantiles', () => {
    assert.equal(quantile([], 0.5), null);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
    assert.equal(quantile([7], 0.9), 7);
  });

  it('fills empty buckets and names unassessed releases last', () => {
    const figures = throughputDashboard(
      [
        { day: '2026-01-02', riskClass: 'high', releases: 2 },
        { day: '2026-01-03', riskClass: null, releases: 1 },
        { day: '2026-01-09', riskClass: 'A-class', releases: 4 },
      ],
      JANUARY,
      'week',
    );
    assert.deepEqual(figures.riskClasses, ['A-class', 'high', 'unassessed']);
    assert.equal(figures.total, 7);
    assert.deepEqual(
      figures.series.map((s) => s.total),
      [3, 4, 0, 0, 0],
    );
  });

  it('computes DORA figures: frequency, lead time, failure rate and time to restore', () => {
    const figures = deliveryDashboard(
      {
        deployments: [
          { day: '2026-01-03', status: 'succeeded', deployments: 3 },
          { day: '2026-01-04', status: 'failed', deployments: 1 },
        ],
        leadTimes: [
          { day: '2026-01-03', seconds: 300, releases: 1 },
          { day: '2026-01-03', seconds: 100, releases: 1 },
          { day: '2026-01-03', seconds: 200, releases: 2 },
        ],
        restores: [
          { day: '2026-01-04', seconds: 60 },
          { day: '2026-01-04', seconds: null },
        ],
      },
      JANUARY,
      'day',
      'production',
    );
    assert.equal(figures.deploymentFrequency.succeeded, 3);
    assert.equal(figures.deploymentFrequency.perDay, 3 / 31);
    // 100, 200, 200, 300: the median is the second, p90 the fourth.
    assert.deepEqual(figures.leadTime, { releases: 4, medianSeconds: 200, p90Seconds: 300 });
    assert.deepEqual(figures.changeFailureRate, { deployments: 4, failed: 1, rate: 0.25 });
    assert.deepEqual(figures.timeToRestore, { failures: 2, restored: 1, medianSeconds: 60 });
    const third = figures.series.find((s) => s.bucket === '2026-01-03');
    assert.equal(third?.leadTimeMedianSeconds, 200);
    assert.equal(figures.series.find((s) => s.bucket === '2026-01-05')?.changeFailureRate, null);
  });
});

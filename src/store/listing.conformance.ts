import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildRelease } from '../../test/support/builders.ts';
import { binSeconds, durationBin } from '../core/dashboard/time-bins.ts';
import type { Deployment } from '../core/deployment/deployment.ts';
import type { GateOutcome } from '../core/policy/evaluate-gate.ts';
import type { GateDecisionRecord } from '../core/policy/gate-record.ts';
import type { Release } from '../core/release.ts';
import { RELEASE_SORTS, SORT_ORDERS } from '../core/release-listing.ts';
import type { RiskRecord } from '../core/risk/risk-record.ts';
import { PENDING_DRIVE_LIMIT } from './release-listing-sql.ts';
import type { StoreConformanceOptions } from './store.conformance.ts';
import type { ReleaseQuery, Store } from './store.ts';

const JANUARY = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const MARCH = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

export function risk(
  changeId: string,
  baselineClass: string,
  chosenClass: string | null,
): RiskRecord {
  return {
    changeId,
    version: 1,
    event: 'assessed',
    stated: { scope: 1, customerImpact: 1, rollbackComplexity: 1 },
    assessment: {
      score: 1,
      baselineClass,
      baselineReason: 'test',
      factors: {} as RiskRecord['assessment']['factors'],
      classes: ['low', 'medium', 'high'],
    },
    chosenClass,
    justification: chosenClass ? 'test' : null,
    narrativeDraft: 'n',
    narrative: 'n',
    policySha256: 'd'.repeat(64),
    recordedAt: JANUARY.from,
    recordedBy: 'token:test',
  };
}

export function outcome(id: string, status: GateOutcome['status']): GateOutcome {
  const requirement = id.startsWith('evidence:')
    ? 'evidence'
    : id.startsWith('approval:')
      ? 'approval'
      : 'rule';
  return { id, requirement, status, reason: `${id} ${status}`, evidenceIds: [] };
}

export function gate(
  release: Release,
  environment: string,
  decision: 'allowed' | 'blocked',
  outcomes: GateOutcome[],
): Omit<GateDecisionRecord, 'seq'> {
  const decisionHash = randomBytes(32).toString('hex');
  return {
    releaseId: release.id,
    service: release.service,
    environment,
    decision,
    decisionHash,
    policySha256: 'c'.repeat(64),
    decidedAt: '2026-01-10T00:00:00.000Z',
    decidedBy: 'token:test',
    body: { decision, releaseId: release.id, environment, outcomes, decisionHash } as never,
  };
}

function deploy(
  release: Release,
  status: Deployment['status'],
  at: string,
  environment = 'production',
): Deployment {
  return {
    id: `dep_${randomBytes(8).toString('hex')}`,
    releaseId: release.id,
    environment,
    status,
    at,
    source: 'cli',
    url: null,
    recordedAt: at,
    recordedBy: 'token:test',
  };
}

export const binned = (seconds: number) => binSeconds(durationBin(seconds));

export const sortBy = <T>(rows: T[]) =>
  [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/**
 * The release list's filters, sorts and cursors, and the dashboard aggregates, answer the same on
 * every adapter. Runs on a store of its own, so the counts are exact.
 */
export function runListingConformance({ name, open }: StoreConformanceOptions): void {
  describe(`Store conformance, release list and dashboards: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const r1 = buildRelease({
      service: 'svc-a',
      change: 'CHG-1',
      createdAt: '2026-01-01T10:00:00.000Z',
      commit: `abc${'1'.repeat(37)}`,
    });
    const r2 = buildRelease({
      service: 'svc-b',
      change: 'CHG-2',
      createdAt: '2026-01-02T00:00:00.000Z',
      evidenceCount: 3,
    });
    const r3 = buildRelease({
      service: 'svc-a',
      createdAt: '2026-01-02T12:00:00.000Z',
      state: 'candidate',
      evidenceCount: 3,
    });
    const r4 = buildRelease({
      service: 'svc-c',
      change: 'CHG-1',
      createdAt: '2026-01-05T00:00:00.000Z',
      version: 'Zeta_1',
    });
    const r5 = buildRelease({
      service: 'svc-b',
      createdAt: '2026-02-01T00:00:00.000Z',
      evidenceCount: 1,
    });
    const all = [r1, r2, r3, r4, r5];

    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
      await store.transaction(async (tx) => {
        for (const release of all) await tx.insertRelease(release);
        for (const [id, service] of [
          ['CHG-1', 'svc-a'],
          ['CHG-2', 'svc-b'],
        ] as const) {
          await tx.insertChange({
            id,
            service,
            title: 't',
            type: 'code',
            reason: 'r',
            requirements: [],
            author: 'alice',
            createdAt: JANUARY.from,
            createdBy: 'token:test',
          });
        }
        await tx.insertRiskRecord(risk('CHG-1', 'low', null));
        await tx.insertRiskRecord(risk('CHG-2', 'medium', 'high'));
      });
      await store.transaction(async (tx) => {
        await tx.insertGateDecision(
          gate(r1, 'production', 'blocked', [
            outcome('evidence:junit', 'missing-evidence'),
            outcome('evidence:sbom', 'missing-evidence'),
          ]),
        );
        await tx.insertGateDecision(
          gate(r1, 'production', 'allowed', [outcome('evidence:junit', 'passed')]),
        );
        await tx.insertGateDecision(
          gate(r2, 'production', 'blocked', [
            outcome('evidence:sbom', 'missing-evidence'),
            outcome('tests-pass', 'failed'),
          ]),
        );
        await tx.insertGateDecision(gate(r3, 'staging', 'allowed', []));
        await tx.insertGateDecision(
          gate(r4, 'production', 'blocked', [outcome('tests-pass', 'failed')]),
        );
        await tx.insertDeployment(deploy(r1, 'succeeded', '2026-01-03T10:00:00.000Z'));
        await tx.insertDeployment(deploy(r1, 'succeeded', '2026-01-04T10:00:00.000Z'));
        await tx.insertDeployment(deploy(r1, 'succeeded', '2026-01-02T10:00:00.000Z', 'staging'));
        await tx.insertDeployment(deploy(r2, 'failed', '2026-01-03T12:00:00.000Z'));
        await tx.insertDeployment(deploy(r2, 'succeeded', '2026-01-03T13:30:00.500Z'));
        await tx.insertDeployment(deploy(r4, 'rolled-back', '2026-01-06T00:00:00.000Z'));
        await tx.insertDeployment(deploy(r5, 'succeeded', '2026-02-02T00:00:00.000Z'));
      });
    });
    after(async () => {
      await dispose();
    });

    async function tags(query: Omit<ReleaseQuery, 'limit'>): Promise<string[]> {
      const page = await store.listReleases({ limit: 50, ...query });
      assert.equal(page.nextCursor, null);
      return page.items.map((release) => release.tag);
    }

    it('filters by service, state, risk class and search text', async () => {
      assert.deepEqual(await tags({ service: 'svc-a' }), [r3.tag, r1.tag]);
      assert.deepEqual(await tags({ state: 'candidate' }), [r3.tag]);
      assert.deepEqual(await tags({ riskClass: 'low' }), [r4.tag, r1.tag]);
      // A chosen class wins over the baseline.
      assert.deepEqual(await tags({ riskClass: 'high' }), [r2.tag]);
      assert.deepEqual(await tags({ riskClass: 'medium' }), []);
      assert.deepEqual(await tags({ q: 'zeta' }), [r4.tag]);
      assert.deepEqual(await tags({ q: 'abc111' }), [r1.tag]);
      assert.deepEqual(await tags({ q: 'chg-2' }), [r2.tag]);
      assert.deepEqual(await tags({ q: '%' }), []);
      assert.deepEqual(await tags({ service: 'svc-a', q: 'svc-' }), [r3.tag, r1.tag]);
    });

    it('filters by the latest gate decision for an environment', async () => {
      assert.deepEqual(await tags({ environment: 'production', gate: 'blocked' }), [
        r4.tag,
        r2.tag,
      ]);
      // r1 was blocked first; its latest decision allows it.
      assert.deepEqual(await tags({ environment: 'production', gate: 'allowed' }), [r1.tag]);
      assert.deepEqual(await tags({ environment: 'production', gate: 'none' }), [r5.tag, r3.tag]);
      assert.deepEqual(await tags({ environment: 'production' }), [r4.tag, r2.tag, r1.tag]);
      assert.deepEqual(await tags({ environment: 'staging', gate: 'allowed', service: 'svc-a' }), [
        r3.tag,
      ]);
    });

    it('pages through every sort in both orders with cursors, in byte order with ties by insertion', async () => {
      const key = {
        created: null,
        tag: 'tag',
        service: 'service',
        evidence: 'evidenceCount',
      } as const;
      for (const sort of RELEASE_SORTS) {
        for (const order of SORT_ORDERS) {
          const expected = all
            .map((release, seq) => ({ release, seq }))
            .sort((a, b) => {
              const field = key[sort];
              const av = field === null ? a.seq : a.release[field];
              const bv = field === null ? b.seq : b.release[field];
              const byValue =
                typeof av === 'number' && typeof bv === 'number'
                  ? av - bv
                  : Buffer.compare(Buffer.from(String(av)), Buffer.from(String(bv)));
              const cmp = byValue !== 0 ? byValue : a.seq - b.seq;
              return order === 'asc' ? cmp : -cmp;
            })
            .map(({ release }) => release.tag);
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 5; pages++) {
            const page = await store.listReleases({ limit: 2, sort, order, cursor });
            seen.push(...page.items.map((release) => release.tag));
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
          }
          assert.deepEqual(seen, expected, `${sort} ${order}`);
        }
      }
    });

    it('refuses a cursor issued for another sort', async () => {
      const page = await store.listReleases({ limit: 1, sort: 'tag', order: 'asc' });
      assert.ok(page.nextCursor);
      await assert.rejects(
        store.listReleases({ limit: 1, sort: 'service', order: 'asc', cursor: page.nextCursor }),
        RangeError,
      );
    });

    it('reads the latest decision of each environment', async () => {
      const latest = await store.latestGateDecisions(r1.id);
      assert.deepEqual(
        latest.map((record) => [record.environment, record.decision]),
        [['production', 'allowed']],
      );
      assert.equal(latest[0]?.body.outcomes.length, 1);
    });

    it('counts release throughput by day and risk class', async () => {
      assert.deepEqual(
        sortBy(await store.releaseThroughput(JANUARY)),
        sortBy([
          { day: '2026-01-01', riskClass: 'low', releases: 1 },
          { day: '2026-01-02', riskClass: 'high', releases: 1 },
          { day: '2026-01-02', riskClass: null, releases: 1 },
          { day: '2026-01-05', riskClass: 'low', releases: 1 },
        ]),
      );
      assert.deepEqual(
        await store.releaseThroughput({
          from: '2027-01-01T00:00:00.000Z',
          to: '2027-02-01T00:00:00.000Z',
        }),
        [],
      );
    });

    it('counts releases whose latest decisions found evidence missing', async () => {
      const gaps = await store.evidenceGaps(JANUARY);
      assert.deepEqual(
        sortBy(gaps.byService),
        sortBy([
          { service: 'svc-a', decided: 2, incomplete: 0 },
          { service: 'svc-b', decided: 1, incomplete: 1 },
          { service: 'svc-c', decided: 1, incomplete: 0 },
        ]),
      );
      assert.deepEqual(gaps.byKind, [{ service: 'svc-b', kind: 'sbom', releases: 1 }]);
      assert.deepEqual(
        sortBy(gaps.byDay),
        sortBy([
          { day: '2026-01-01', decided: 1, incomplete: 0 },
          { day: '2026-01-02', decided: 2, incomplete: 1 },
          { day: '2026-01-05', decided: 1, incomplete: 0 },
        ]),
      );
    });

    it('reads deployments, lead times and restore times for an environment', async () => {
      const figures = await store.deliveryFigures(JANUARY, 'production', 'day');
      assert.deepEqual(
        sortBy(figures.deployments),
        sortBy([
          { day: '2026-01-03', status: 'succeeded', deployments: 2 },
          { day: '2026-01-03', status: 'failed', deployments: 1 },
          { day: '2026-01-04', status: 'succeeded', deployments: 1 },
          { day: '2026-01-06', status: 'rolled-back', deployments: 1 },
        ]),
      );
      // Only each release's first success counts: r1's second deployment is not a new lead time.
      assert.deepEqual(
        sortBy(figures.leadTimes),
        sortBy([
          { day: '2026-01-03', seconds: binned(172_800), releases: 1 },
          { day: '2026-01-03', seconds: binned(135_000.5), releases: 1 },
        ]),
      );
      assert.deepEqual(
        sortBy(figures.restores),
        sortBy([
          { day: '2026-01-03', seconds: 5_400.5 },
          { day: '2026-01-06', seconds: null },
        ]),
      );
      // Per bucket, dated by the bucket's first day: Jan 3rd (Sat) and 4th (Sun) are in the ISO
      // week of Monday December 29th; the 6th is in the week of the 5th.
      const weeks = await store.deliveryFigures(JANUARY, 'production', 'week');
      assert.deepEqual(
        sortBy(weeks.deployments),
        sortBy([
          { day: '2025-12-29', status: 'succeeded', deployments: 3 },
          { day: '2025-12-29', status: 'failed', deployments: 1 },
          { day: '2026-01-05', status: 'rolled-back', deployments: 1 },
        ]),
      );
      const months = await store.deliveryFigures(JANUARY, 'production', 'month');
      assert.deepEqual(
        sortBy(months.deployments),
        sortBy([
          { day: '2026-01-01', status: 'succeeded', deployments: 3 },
          { day: '2026-01-01', status: 'failed', deployments: 1 },
          { day: '2026-01-01', status: 'rolled-back', deployments: 1 },
        ]),
      );
      assert.deepEqual(
        sortBy(months.leadTimes),
        sortBy([
          { day: '2026-01-01', seconds: binned(172_800), releases: 1 },
          { day: '2026-01-01', seconds: binned(135_000.5), releases: 1 },
        ]),
      );
      assert.deepEqual(sortBy(months.restores), sortBy(figures.restores));
      const staging = await store.deliveryFigures(JANUARY, 'staging', 'day');
      assert.deepEqual(staging.leadTimes, [
        { day: '2026-01-02', seconds: binned(86_400), releases: 1 },
      ]);
    });

    it('moves a lead time to an earlier success reported late, and restores a failure later', async () => {
      await store.transaction(async (tx) => {
        await tx.insertDeployment(deploy(r3, 'succeeded', '2026-01-08T12:00:00.000Z'));
        // Reported after, happened before: this is r3's first success.
        await tx.insertDeployment(deploy(r3, 'succeeded', '2026-01-07T12:00:00.000Z'));
        // svc-c's rollback on the 6th is restored by this success.
        await tx.insertDeployment(deploy(r4, 'succeeded', '2026-01-09T00:00:00.000Z'));
      });
      const figures = await store.deliveryFigures(JANUARY, 'production', 'day');
      const r3Lead = binned(5 * 86_400);
      assert.deepEqual(
        figures.leadTimes.filter((row) => row.day >= '2026-01-07'),
        [
          { day: '2026-01-07', seconds: r3Lead, releases: 1 },
          { day: '2026-01-09', seconds: binned(4 * 86_400), releases: 1 },
        ],
      );
      assert.deepEqual(
        sortBy(figures.restores),
        sortBy([
          { day: '2026-01-03', seconds: 5_400.5 },
          { day: '2026-01-06', seconds: 259_200 },
        ]),
      );
    });
  });

  describe(`Store conformance, releases pending an approval: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const p1 = buildRelease({ service: 'svc-a', createdAt: '2026-03-01T00:00:00.000Z' });
    const p2 = buildRelease({ service: 'svc-b', createdAt: '2026-03-02T00:00:00.000Z' });
    const p3 = buildRelease({ service: 'svc-b', createdAt: '2026-03-03T00:00:00.000Z' });
    const p4 = buildRelease({ service: 'svc-c', createdAt: '2026-03-04T00:00:00.000Z' });

    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
      await store.transaction(async (tx) => {
        for (const release of [p1, p2, p3, p4]) await tx.insertRelease(release);
        await tx.insertGateDecision(
          gate(p1, 'production', 'blocked', [
            outcome('approval:qa', 'pending-approval'),
            outcome('approval:clinical', 'pending-approval'),
          ]),
        );
        await tx.insertGateDecision(
          gate(p1, 'staging', 'allowed', [outcome('approval:qa', 'passed')]),
        );
        // p2 waited for engineering; its latest decision no longer does.
        await tx.insertGateDecision(
          gate(p2, 'staging', 'blocked', [outcome('approval:engineering', 'pending-approval')]),
        );
        await tx.insertGateDecision(
          gate(p2, 'staging', 'allowed', [outcome('approval:engineering', 'passed')]),
        );
        // p3 is asked twice and still waits for qa.
        for (let asked = 0; asked < 2; asked += 1) {
          await tx.insertGateDecision({
            ...gate(p3, 'production', 'blocked', [
              outcome('approval:qa', 'pending-approval'),
              outcome('tests-pass', asked === 0 ? 'failed' : 'passed'),
            ]),
            decidedAt: asked === 0 ? '2026-01-10T00:00:00.000Z' : '2026-01-12T09:00:00.000Z',
          });
        }
        // p4's qa signed; now it waits for clinical only.
        await tx.insertGateDecision(
          gate(p4, 'production', 'blocked', [outcome('approval:qa', 'pending-approval')]),
        );
        await tx.insertGateDecision({
          ...gate(p4, 'production', 'blocked', [
            outcome('approval:qa', 'passed'),
            outcome('approval:clinical', 'pending-approval'),
          ]),
          decidedAt: '2026-01-12T09:00:00.000Z',
        });
      });
    });
    after(async () => {
      await dispose();
    });

    async function tags(query: Omit<ReleaseQuery, 'limit'>): Promise<string[]> {
      const page = await store.listReleases({ limit: 50, ...query });
      return page.items.map((release) => release.tag);
    }

    it('lists releases whose latest decision waits for one of the roles, once each', async () => {
      assert.deepEqual(await tags({ pendingRoles: ['qa'] }), [p3.tag, p1.tag]);
      assert.deepEqual(await tags({ pendingRoles: ['clinical'] }), [p4.tag, p1.tag]);
      assert.deepEqual(await tags({ pendingRoles: ['qa', 'clinical'] }), [p4.tag, p3.tag, p1.tag]);
      assert.deepEqual(await tags({ pendingRoles: ['engineering'] }), []);
      assert.deepEqual(await tags({ pendingRoles: [] }), []);
    });

    it('counts the releases waiting per role by the day the wait began', async () => {
      const rows = sortBy(await store.pendingApprovals(MARCH));
      assert.deepEqual(
        rows,
        sortBy([
          // p1 and p3 (whose second decision still waited: it keeps the first day).
          { role: 'qa', day: '2026-01-10', releases: 2 },
          { role: 'clinical', day: '2026-01-10', releases: 1 },
          // p4 began waiting for clinical only with its second decision.
          { role: 'clinical', day: '2026-01-12', releases: 1 },
        ]),
      );
      // Only p1 was created on March 1st.
      const first = { from: MARCH.from, to: '2026-03-02T00:00:00.000Z' };
      assert.deepEqual(
        sortBy(await store.pendingApprovals(first)),
        sortBy([
          { role: 'qa', day: '2026-01-10', releases: 1 },
          { role: 'clinical', day: '2026-01-10', releases: 1 },
        ]),
      );
    });

    it('combines with the environment, the service, the sort and the pages', async () => {
      assert.deepEqual(await tags({ pendingRoles: ['qa'], environment: 'staging' }), []);
      assert.deepEqual(await tags({ pendingRoles: ['qa'], environment: 'production' }), [
        p3.tag,
        p1.tag,
      ]);
      assert.deepEqual(await tags({ pendingRoles: ['qa'], service: 'svc-a' }), [p1.tag]);
      assert.deepEqual(
        await tags({ pendingRoles: ['qa', 'clinical'], sort: 'created', order: 'asc' }),
        [p1.tag, p3.tag, p4.tag],
      );
      const first = await store.listReleases({ limit: 2, pendingRoles: ['qa', 'clinical'] });
      assert.deepEqual(
        first.items.map((release) => release.tag),
        [p4.tag, p3.tag],
      );
      assert.ok(first.nextCursor);
      const second = await store.listReleases({
        limit: 2,
        pendingRoles: ['qa', 'clinical'],
        cursor: first.nextCursor,
      });
      assert.deepEqual(
        second.items.map((release) => release.tag),
        [p1.tag],
      );
      assert.equal(second.nextCursor, null);
    });

    it('answers the same whether few or many rows wait (two query plans)', async () => {
      // One decision waiting for PENDING_DRIVE_LIMIT roles: asking for all of them takes the
      // scan in sort order; asking for a few drives the query from the waiting rows.
      const bulk = Array.from({ length: PENDING_DRIVE_LIMIT }, (_, n) => `bulk-${n}`);
      const px = buildRelease({ service: 'svc-x', createdAt: '2026-03-05T00:00:00.000Z' });
      await store.transaction(async (tx) => {
        await tx.insertRelease(px);
        await tx.insertGateDecision(
          gate(
            px,
            'production',
            'blocked',
            bulk.map((role) => outcome(`approval:${role}`, 'pending-approval')),
          ),
        );
      });
      assert.deepEqual(await tags({ pendingRoles: bulk }), [px.tag]);
      assert.deepEqual(await tags({ pendingRoles: bulk.slice(0, 3) }), [px.tag]);
      const expected = [px.tag, p3.tag, p1.tag];
      assert.deepEqual(await tags({ pendingRoles: ['qa', ...bulk] }), expected);
      assert.deepEqual(await tags({ pendingRoles: ['qa', 'bulk-7'] }), expected);
      for (const roles of [
        ['qa', ...bulk],
        ['qa', 'bulk-7'],
      ]) {
        const first = await store.listReleases({ limit: 2, pendingRoles: roles, order: 'asc' });
        const next = await store.listReleases({
          limit: 2,
          pendingRoles: roles,
          order: 'asc',
          cursor: first.nextCursor ?? undefined,
        });
        assert.deepEqual(
          [...first.items, ...next.items].map((release) => release.tag),
          [...expected].reverse(),
        );
      }
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildRelease } from '../../test/support/builders.ts';
import { exceptionStateBounds } from '../core/exception/exception.ts';
import { binned, gate, outcome, risk, sortBy } from './listing.conformance.ts';
import { exception, signature } from './signature.conformance.ts';
import type { StoreConformanceOptions } from './store.conformance.ts';
import type { Store } from './store.ts';

const APRIL = { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' };
const MAY = { from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };
const DAY = 86_400;

/**
 * Approval waits and cycle times, and the exception list's filters and pages, answer the same on
 * every adapter. Every time is fixed, so the figures are exact.
 */
export function runApprovalsDashboardConformance({ name, open }: StoreConformanceOptions): void {
  describe(`Store conformance, approval cycle time and pending approvals: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const r1 = buildRelease({ change: 'CHG-7', createdAt: '2026-05-01T09:00:00.000Z' });
    const r2 = buildRelease({ createdAt: '2026-05-02T09:00:00.000Z' });
    const r3 = buildRelease({ createdAt: '2026-05-01T09:00:00.000Z' });
    const r4 = buildRelease({ createdAt: '2026-04-20T09:00:00.000Z' });
    const at = (decidedAt: string) => ({ decidedAt });

    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
      await store.transaction(async (tx) => {
        for (const release of [r1, r2, r3, r4]) await tx.insertRelease(release);
        await tx.insertChange({
          id: 'CHG-7',
          service: r1.service,
          title: 't',
          type: 'code',
          reason: 'r',
          requirements: [],
          author: 'alice',
          createdAt: MAY.from,
          createdBy: 'token:test',
        });
        await tx.insertRiskRecord(risk('CHG-7', 'high', null));
        // r1: qa and clinical asked at once; qa signs a day later, clinical three days later.
        await tx.insertGateDecision({
          ...gate(r1, 'production', 'blocked', [
            outcome('approval:qa', 'pending-approval'),
            outcome('approval:clinical', 'pending-approval'),
          ]),
          ...at('2026-05-01T10:00:00.000Z'),
        });
        await tx.insertSignature(
          signature(r1.id, { role: 'qa', signedAt: '2026-05-02T10:00:00.000Z' }),
        );
        await tx.insertGateDecision({
          ...gate(r1, 'production', 'blocked', [
            outcome('approval:qa', 'passed'),
            outcome('approval:clinical', 'pending-approval'),
          ]),
          ...at('2026-05-02T12:00:00.000Z'),
        });
        await tx.insertSignature(
          signature(r1.id, { role: 'clinical', signedAt: '2026-05-04T10:00:00.000Z' }),
        );
        await tx.insertGateDecision({
          ...gate(r1, 'production', 'allowed', [
            outcome('approval:qa', 'passed'),
            outcome('approval:clinical', 'passed'),
          ]),
          ...at('2026-05-05T00:00:00.000Z'),
        });
        // r2 waits for qa in two environments; the wait ends only when neither asks any more,
        // and is measured to the signature (12 hours), not to the decision three days later.
        for (const environment of ['staging', 'production']) {
          await tx.insertGateDecision({
            ...gate(r2, environment, 'blocked', [outcome('approval:qa', 'pending-approval')]),
            ...at('2026-05-03T00:00:00.000Z'),
          });
        }
        await tx.insertSignature(
          signature(r2.id, { role: 'qa', signedAt: '2026-05-03T12:00:00.000Z' }),
        );
        await tx.insertGateDecision({
          ...gate(r2, 'staging', 'allowed', [outcome('approval:qa', 'passed')]),
          ...at('2026-05-03T13:00:00.000Z'),
        });
        await tx.insertGateDecision({
          ...gate(r2, 'production', 'allowed', [outcome('approval:qa', 'passed')]),
          ...at('2026-05-06T00:00:00.000Z'),
        });
        // r3 stops waiting without a signature (the policy stopped asking): no cycle.
        await tx.insertGateDecision({
          ...gate(r3, 'production', 'blocked', [outcome('approval:qa', 'pending-approval')]),
          ...at('2026-05-01T10:00:00.000Z'),
        });
        await tx.insertGateDecision({
          ...gate(r3, 'production', 'allowed', [outcome('tests-pass', 'passed')]),
          ...at('2026-05-02T10:00:00.000Z'),
        });
        // r4 (created in April) still waits for qa, since May 2nd.
        await tx.insertGateDecision({
          ...gate(r4, 'production', 'blocked', [outcome('approval:qa', 'pending-approval')]),
          ...at('2026-05-02T08:00:00.000Z'),
        });
      });
    });
    after(async () => {
      await dispose();
    });

    it('counts each ended wait on its signature day, by role, duration and risk class', async () => {
      const rows = await store.approvalCycles(MAY, 'day');
      assert.deepEqual(
        sortBy([...rows.byBucket]),
        sortBy([
          { bucket: '2026-05-02', role: 'qa', seconds: binned(DAY), approvals: 1 },
          { bucket: '2026-05-04', role: 'clinical', seconds: binned(3 * DAY), approvals: 1 },
          { bucket: '2026-05-03', role: 'qa', seconds: binned(DAY / 2), approvals: 1 },
        ]),
      );
      assert.deepEqual(
        sortBy([...rows.byClass]),
        sortBy([
          { riskClass: 'high', seconds: binned(DAY), approvals: 1 },
          { riskClass: 'high', seconds: binned(3 * DAY), approvals: 1 },
          { riskClass: null, seconds: binned(DAY / 2), approvals: 1 },
        ]),
      );
    });

    it('rolls days up into ISO weeks (from Monday) and months as core does', async () => {
      const weeks = await store.approvalCycles(MAY, 'week');
      // May 2nd (Saturday) and 3rd (Sunday) are in the week of April 27th; the 4th is a Monday.
      assert.deepEqual(
        sortBy([...weeks.byBucket]),
        sortBy([
          { bucket: '2026-04-27', role: 'qa', seconds: binned(DAY), approvals: 1 },
          { bucket: '2026-04-27', role: 'qa', seconds: binned(DAY / 2), approvals: 1 },
          { bucket: '2026-05-04', role: 'clinical', seconds: binned(3 * DAY), approvals: 1 },
        ]),
      );
      const months = await store.approvalCycles(MAY, 'month');
      assert.deepEqual([...new Set(months.byBucket.map((row) => row.bucket))], ['2026-05']);
    });

    it('reads only the days of the period', async () => {
      const third = { from: '2026-05-03T00:00:00.000Z', to: '2026-05-04T00:00:00.000Z' };
      const rows = await store.approvalCycles(third, 'day');
      assert.deepEqual(
        rows.byBucket.map((row) => row.bucket),
        ['2026-05-03'],
      );
      assert.equal(rows.byClass.length, 1);
      assert.deepEqual(await store.approvalCycles(APRIL, 'day'), { byBucket: [], byClass: [] });
    });

    it('reads whole months from the monthly sums and ragged edges from days, to the same figures', async () => {
      // The monthly sums cover whole May; these periods cut it differently.
      const byMonthFromDays = async (period: { from: string; to: string }) => {
        const days = await store.approvalCycles(period, 'day');
        const sums = new Map<string, number>();
        for (const row of days.byBucket) {
          const key = `${row.bucket.slice(0, 7)} ${row.role} ${row.seconds}`;
          sums.set(key, (sums.get(key) ?? 0) + row.approvals);
        }
        return { byMonth: [...sums].sort(), byClass: sortBy([...days.byClass]) };
      };
      for (const period of [
        { from: '2026-04-15T00:00:00.000Z', to: '2026-06-10T00:00:00.000Z' },
        { from: '2026-05-03T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
        { from: '2026-03-01T00:00:00.000Z', to: '2026-05-03T00:00:00.000Z' },
      ]) {
        const months = await store.approvalCycles(period, 'month');
        const expected = await byMonthFromDays(period);
        assert.deepEqual(
          months.byBucket.map((r) => [`${r.bucket} ${r.role} ${r.seconds}`, r.approvals]).sort(),
          expected.byMonth,
          `${period.from} – ${period.to}`,
        );
        assert.deepEqual(sortBy([...months.byClass]), expected.byClass);
      }
      const mayOnward = await store.approvalCycles(
        { from: '2026-05-03T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
        'month',
      );
      assert.equal(
        mayOnward.byBucket.reduce((n, r) => n + r.approvals, 0),
        2,
        'the cycles of May 3rd and 4th, not the 2nd',
      );
    });

    it('counts pending approvals of the releases created in the period', async () => {
      assert.deepEqual(await store.pendingApprovals(MAY), []);
      assert.deepEqual(await store.pendingApprovals(APRIL), [
        { role: 'qa', day: '2026-05-02', releases: 1 },
      ]);
    });
  });

  describe(`Store conformance, exception list filters and pages: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const now = new Date('2026-06-10T00:00:00.000Z');
    const release = buildRelease({ service: 'exl-svc' });
    const other = buildRelease({ service: 'exl-other' });
    // Requested on successive days; states at `now` noted.
    const own = exception({
      scope: { releaseId: release.id },
      requestedAt: '2026-06-01T00:00:00.000Z',
      expiresAt: '2026-07-01T00:00:00.000Z',
    }); // approved below: active
    const service = exception({
      scope: { service: 'exl-svc' },
      requestedAt: '2026-06-02T00:00:00.000Z',
      expiresAt: '2026-06-12T00:00:00.000Z',
    }); // approved below: expiring soon
    const requested = exception({
      scope: { releaseId: release.id },
      requestedAt: '2026-06-03T00:00:00.000Z',
      expiresAt: '2026-06-20T00:00:00.000Z',
    });
    const expired = exception({
      scope: { releaseId: other.id },
      requestedAt: '2026-05-20T00:00:00.000Z',
      expiresAt: '2026-06-10T00:00:00.000Z',
    });

    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertRelease(other);
        for (const item of [own, service, requested, expired]) await tx.insertException(item);
        for (const item of [own, service]) {
          await tx.insertExceptionApproval(item.id, {
            approvedBy: 'quinn',
            role: 'qa',
            approvedAt: '2026-06-04T00:00:00.000Z',
          });
        }
      });
    });
    after(async () => {
      await dispose();
    });

    const ids = async (query: Parameters<Store['listExceptions']>[0]) =>
      (await store.listExceptions(query)).items.map((item) => item.id);

    it('lists the exceptions that apply to a release: its own and its service’s', async () => {
      const scope = { id: release.id, service: release.service };
      assert.deepEqual(await ids({ limit: 10, release: scope }), [
        requested.id,
        service.id,
        own.id,
      ]);
    });

    it('filters by the state at a given time, as exceptionState decides it', async () => {
      const state = (name: Parameters<typeof exceptionStateBounds>[0]) =>
        ids({ limit: 10, state: exceptionStateBounds(name, now) });
      assert.deepEqual(await state('active'), [own.id]);
      assert.deepEqual(await state('expiring-soon'), [service.id]);
      assert.deepEqual(await state('requested'), [requested.id]);
      assert.deepEqual(await state('expired'), [expired.id]);
    });

    it('pages newest first with cursors, and ends with a null cursor', async () => {
      const first = await store.listExceptions({ limit: 3 });
      assert.deepEqual(
        first.items.map((item) => item.id),
        [expired.id, requested.id, service.id],
      );
      assert.ok(first.nextCursor);
      const second = await store.listExceptions({ limit: 3, cursor: first.nextCursor });
      assert.deepEqual(
        second.items.map((item) => item.id),
        [own.id],
      );
      assert.equal(second.nextCursor, null);
      assert.deepEqual(second.items[0]?.approval?.approvedBy, 'quinn');
    });

    it('reads request time, expiry and approval for aging, by release or request period', async () => {
      const june = { from: '2026-06-01T00:00:00.000Z', to: '2026-06-03T00:00:00.000Z' };
      assert.deepEqual(
        sortBy(await store.exceptionTimes({ requestedIn: june })),
        sortBy([
          { requestedAt: own.requestedAt, expiresAt: own.expiresAt, approved: true },
          { requestedAt: service.requestedAt, expiresAt: service.expiresAt, approved: true },
        ]),
      );
      assert.deepEqual(await store.exceptionTimes({ release: { id: other.id, service: 'none' } }), [
        { requestedAt: expired.requestedAt, expiresAt: expired.expiresAt, approved: false },
      ]);
    });
  });
}

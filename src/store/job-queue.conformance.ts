import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildRelease } from '../../test/support/builders.ts';
import type { Job } from '../core/job.ts';
import type { NewJob, Store } from './store.ts';

const T0 = '2026-11-23T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/**
 * The job queue part of the store conformance suite. Each test uses kinds of its own, so jobs
 * other tests left in the shared store never answer its claims.
 */
export function describeJobQueue(current: () => Store): void {
  describe('job queue', () => {
    const newKind = () => `test.${randomUUID()}`;
    let counter = 0;
    const newJob = (kind: string, overrides: Partial<NewJob> = {}): NewJob => {
      counter++;
      return {
        id: `job_${randomUUID()}`,
        kind,
        dedupeKey: `${kind}#${counter}`,
        payload: { n: counter, nested: { list: [1, 'two'] } },
        runAt: T0,
        maxAttempts: 3,
        createdAt: T0,
        ...overrides,
      };
    };
    const enqueue = (job: NewJob) => current().transaction((tx) => tx.enqueueJob(job));
    const claim = (kinds: string[], owner: string, now: string, limit = 10, leaseSeconds = 60) =>
      current().transaction((tx) =>
        tx.claimJobs({
          owner,
          now,
          leaseExpiresAt: new Date(Date.parse(now) + leaseSeconds * 1000).toISOString(),
          limit,
          kinds,
        }),
      );
    const get = async (id: string): Promise<Job> => {
      const job = await current().getJob(id);
      assert.ok(job, `job ${id} not found`);
      return job;
    };

    it('queues a job as written; the same dedupe key again is a no-op, whatever its id', async () => {
      const kind = newKind();
      const job = newJob(kind);
      assert.equal(await enqueue(job), true);
      assert.deepEqual(await get(job.id), {
        ...job,
        state: 'queued',
        attempts: 0,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: null,
        updatedAt: T0,
      });
      const again = newJob(kind, { dedupeKey: job.dedupeKey, payload: { other: true } });
      assert.equal(await enqueue(again), false);
      assert.equal(await current().getJob(again.id), undefined);
      assert.deepEqual((await get(job.id)).payload, job.payload);
    });

    it('prunes only jobs done before the cut-off', async () => {
      const kind = newKind();
      const done = newJob(kind);
      const waiting = newJob(kind, { runAt: at(1000) });
      await enqueue(done);
      await enqueue(waiting);
      const [claimed] = await claim([kind], 'worker-p', at(1));
      assert.equal(claimed?.id, done.id);
      await current().transaction((t) =>
        t.completeJob({ id: done.id, owner: 'worker-p', now: at(2) }),
      );
      assert.equal(await current().transaction((t) => t.pruneDoneJobs(at(2))), 0);
      assert.ok((await current().transaction((t) => t.pruneDoneJobs(at(3)))) >= 1);
      assert.equal(await current().getJob(done.id), undefined);
      assert.equal((await get(waiting.id)).state, 'queued');
    });

    it('commits a job only with the transaction that queued it', async () => {
      const job = newJob(newKind());
      const release = buildRelease();
      await assert.rejects(
        current().transaction(async (tx) => {
          await tx.insertRelease(release);
          await tx.enqueueJob(job);
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      assert.equal(await current().getJob(job.id), undefined);
      assert.equal(await current().getReleaseById(release.id), undefined);
      // A duplicate enqueue inside a transaction does not spoil the rest of it.
      const first = newJob(newKind());
      await enqueue(first);
      await current().transaction(async (tx) => {
        assert.equal(
          await tx.enqueueJob({ ...newJob(first.kind), dedupeKey: first.dedupeKey }),
          false,
        );
        await tx.insertRelease(release);
      });
      assert.ok(await current().getReleaseById(release.id));
    });

    it('claims due jobs of the asked kinds, oldest due first, up to the limit, once', async () => {
      const kind = newKind();
      const otherKind = newKind();
      const late = newJob(kind, { runAt: at(30) });
      const early = newJob(kind, { runAt: at(-10) });
      const middle = newJob(kind, { runAt: at(0) });
      const future = newJob(kind, { runAt: at(3600) });
      const other = newJob(otherKind);
      for (const job of [late, early, middle, future, other]) await enqueue(job);

      const first = await claim([kind], 'worker-a', at(60), 2);
      assert.deepEqual(
        first.map((job) => job.id),
        [early.id, middle.id],
      );
      for (const job of first) {
        assert.equal(job.state, 'running');
        assert.equal(job.attempts, 1);
        assert.equal(job.leaseOwner, 'worker-a');
        assert.equal(job.leaseExpiresAt, at(120));
        assert.deepEqual(job, await get(job.id));
      }
      const second = await claim([kind], 'worker-b', at(60), 10);
      assert.deepEqual(
        second.map((job) => job.id),
        [late.id],
        'claimed jobs are not handed out again, and future ones wait',
      );
      assert.deepEqual(await claim([kind], 'worker-b', at(60)), []);
      assert.equal((await get(other.id)).state, 'queued', 'a kind not asked for is left alone');
    });

    it('never gives one job to two claims running at once', async () => {
      const kind = newKind();
      const jobs = Array.from({ length: 30 }, () => newJob(kind));
      await current().transaction(async (tx) => {
        for (const job of jobs) await tx.enqueueJob(job);
      });
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claim([kind], `worker-${i}`, at(1), 5)),
      );
      const ids = claims.flat().map((job) => job.id);
      assert.equal(new Set(ids).size, ids.length, 'a job was claimed twice');
      assert.equal(ids.length, 30);
      for (const [i, claimed] of claims.entries()) {
        for (const job of claimed) assert.equal((await get(job.id)).leaseOwner, `worker-${i}`);
      }
    });

    it('completes a job only for the lease holder', async () => {
      const kind = newKind();
      const job = newJob(kind);
      await enqueue(job);
      await claim([kind], 'worker-a', at(1));
      const tx = <T>(work: Parameters<Store['transaction']>[0]) =>
        current().transaction(work) as Promise<T>;
      assert.equal(
        await tx((t) => t.completeJob({ id: job.id, owner: 'worker-b', now: at(2) })),
        false,
      );
      assert.equal((await get(job.id)).state, 'running');
      assert.equal(
        await tx((t) => t.completeJob({ id: job.id, owner: 'worker-a', now: at(2) })),
        true,
      );
      const done = await get(job.id);
      assert.equal(done.state, 'done');
      assert.equal(done.leaseOwner, null);
      assert.equal(done.leaseExpiresAt, null);
      assert.equal(done.updatedAt, at(2));
      assert.equal(
        await tx((t) => t.completeJob({ id: job.id, owner: 'worker-a', now: at(3) })),
        false,
        'a finished job cannot be finished again',
      );
      assert.deepEqual(await claim([kind], 'worker-a', at(10)), []);
    });

    it('retries a failed job at its retry time, and buries it when told to', async () => {
      const kind = newKind();
      const job = newJob(kind);
      await enqueue(job);
      await claim([kind], 'worker-a', at(1));
      assert.equal(
        await current().transaction((tx) =>
          tx.failJob({ id: job.id, owner: 'worker-b', now: at(2), error: 'x', retryAt: at(30) }),
        ),
        false,
        'only the lease holder records a failure',
      );
      assert.equal(
        await current().transaction((tx) =>
          tx.failJob({
            id: job.id,
            owner: 'worker-a',
            now: at(2),
            error: 'upstream 503',
            retryAt: at(30),
          }),
        ),
        true,
      );
      const failed = await get(job.id);
      assert.equal(failed.state, 'failed');
      assert.equal(failed.runAt, at(30));
      assert.equal(failed.lastError, 'upstream 503');
      assert.equal(failed.leaseOwner, null);
      assert.deepEqual(await claim([kind], 'worker-a', at(29)), [], 'not before its retry time');
      const [retried] = await claim([kind], 'worker-b', at(30));
      assert.equal(retried?.id, job.id);
      assert.equal(retried?.attempts, 2);
      await current().transaction((tx) =>
        tx.failJob({ id: job.id, owner: 'worker-b', now: at(31), error: 'gone', retryAt: null }),
      );
      const dead = await get(job.id);
      assert.equal(dead.state, 'dead');
      assert.equal(dead.lastError, 'gone');
      assert.deepEqual(await claim([kind], 'worker-a', at(10_000)), [], 'a dead job never runs');
    });

    it('takes back a released job at once, its attempt not counted', async () => {
      const kind = newKind();
      const job = newJob(kind, { runAt: at(0) });
      await enqueue(job);
      await claim([kind], 'worker-a', at(5));
      assert.equal(
        await current().transaction((tx) =>
          tx.releaseJob({ id: job.id, owner: 'worker-a', now: at(6) }),
        ),
        true,
      );
      const released = await get(job.id);
      assert.equal(released.state, 'queued');
      assert.equal(released.attempts, 0);
      assert.equal(released.leaseOwner, null);
      const [again] = await claim([kind], 'worker-b', at(6));
      assert.equal(again?.id, job.id);
      assert.equal(again?.attempts, 1);
    });

    it('reclaims jobs whose lease expired, and buries those out of attempts', async () => {
      const kind = newKind();
      const job = newJob(kind, { maxAttempts: 2 });
      await enqueue(job);
      await claim([kind], 'crashed', at(0), 10, 60);
      await current().transaction((tx) => tx.reclaimExpiredJobs(at(59)));
      assert.equal((await get(job.id)).state, 'running', 'a live lease is left alone');
      // Other tests' expired leases may be reclaimed too: at least this one is.
      assert.ok((await current().transaction((tx) => tx.reclaimExpiredJobs(at(60)))) >= 1);
      const reclaimed = await get(job.id);
      assert.equal(reclaimed.state, 'failed');
      assert.equal(reclaimed.runAt, at(60));
      assert.equal(reclaimed.leaseOwner, null);
      assert.match(
        reclaimed.lastError ?? '',
        /lease of crashed expired at 2026-11-23T10:01:00\.000Z/,
      );
      assert.equal(
        await current().transaction((tx) =>
          tx.completeJob({ id: job.id, owner: 'crashed', now: at(61) }),
        ),
        false,
        'the worker that lost its lease cannot finish the job',
      );
      const [second] = await claim([kind], 'survivor', at(61), 10, 60);
      assert.equal(second?.attempts, 2);
      await current().transaction((tx) => tx.reclaimExpiredJobs(at(121)));
      const dead = await get(job.id);
      assert.equal(dead.state, 'dead', 'its last attempt expired too');
      assert.match(dead.lastError ?? '', /lease of survivor expired/);
    });

    it('extends a lease only for its holder, and an extended lease is not reclaimed', async () => {
      const kind = newKind();
      const job = newJob(kind);
      await enqueue(job);
      await claim([kind], 'worker-a', at(0), 10, 60);
      const extend = (owner: string) =>
        current().transaction((tx) =>
          tx.extendJobLease({ id: job.id, owner, now: at(30), leaseExpiresAt: at(90) }),
        );
      assert.equal(await extend('worker-b'), false);
      assert.equal(await extend('worker-a'), true);
      await current().transaction((tx) => tx.reclaimExpiredJobs(at(60)));
      const running = await get(job.id);
      assert.equal(running.state, 'running');
      assert.equal(running.leaseExpiresAt, at(90));
    });

    it('lists jobs newest first by state and kind, page by page, and counts them by state', async () => {
      const kind = newKind();
      const before = await current().countJobs();
      const jobs = Array.from({ length: 5 }, () => newJob(kind));
      for (const job of jobs) await enqueue(job);
      await claim([kind], 'worker-a', at(1), 2);
      const first = await current().listJobs({ limit: 2, kind });
      assert.deepEqual(
        first.items.map((job) => job.id),
        [jobs[4]?.id, jobs[3]?.id],
      );
      assert.ok(first.nextCursor);
      const rest = await current().listJobs({ limit: 10, kind, cursor: first.nextCursor });
      assert.deepEqual(
        rest.items.map((job) => job.id),
        [jobs[2]?.id, jobs[1]?.id, jobs[0]?.id],
      );
      assert.equal(rest.nextCursor, null);
      const running = await current().listJobs({ limit: 10, kind, state: 'running' });
      assert.deepEqual(
        running.items.map((job) => job.id),
        [jobs[1]?.id, jobs[0]?.id],
      );
      const anyKind = await current().listJobs({ limit: 500, state: 'queued' });
      assert.ok(anyKind.items.every((job) => job.state === 'queued'));
      assert.ok(jobs.slice(2).every((job) => anyKind.items.some((item) => item.id === job.id)));
      const after = await current().countJobs();
      assert.equal(after.queued - before.queued, 3);
      assert.equal(after.running - before.running, 2);
      assert.equal(after.dead, before.dead);
      assert.deepEqual(Object.keys(after).sort(), ['dead', 'done', 'failed', 'queued', 'running']);
    });
  });
}

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Job } from '../../core/job.ts';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import type { Clock } from '../clock.ts';
import { ulidGenerator } from '../ids.ts';
import { enqueueJob } from './enqueue-job.ts';
import { type JobHandler, PermanentJobFailure } from './job-handler.ts';
import { JobRunner, type JobRunnerOptions } from './job-runner.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const BACKOFF = { baseMs: 10_000, maxMs: 60_000 };
const LEASE_MS = 30_000;

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = T0;
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
  };
}

/** A handler that records each run and does what `behave` says. */
function recorder(
  kind: string,
  behave: (job: Job, run: number, signal: AbortSignal) => Promise<void> = async () => {},
) {
  const runs: Job[] = [];
  const handler: JobHandler = {
    kind,
    async run(job, { signal }) {
      runs.push(job);
      await behave(job, runs.length, signal);
    },
  };
  return { handler, runs };
}

describe('JobRunner', () => {
  let dir: string;
  let store: Store;
  let clock: ReturnType<typeof manualClock>;
  const ids = () => ulidGenerator(clock);
  const runner = (handlers: JobHandler[], overrides: Partial<JobRunnerOptions> = {}) =>
    new JobRunner({
      store,
      clock,
      ids: ids(),
      handlers,
      pollIntervalMs: 5,
      leaseMs: LEASE_MS,
      backoff: BACKOFF,
      random: () => 1,
      ...overrides,
    });
  const enqueue = (kind: string, key: string, extra: { maxAttempts?: number } = {}) =>
    store.transaction((tx) =>
      enqueueJob(tx, { clock, ids: ids() }, { kind, dedupeKey: key, payload: { key }, ...extra }),
    );
  const job = async (key: string): Promise<Job> => {
    const page = await store.listJobs({ limit: 500 });
    const found = page.items.find((item) => item.dedupeKey === key);
    assert.ok(found, `no job ${key}`);
    return found;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-jobs-'));
    store = await openSqliteStore(join(dir, 'dossier.db'));
    clock = manualClock();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a due job once with its payload and marks it done', async () => {
    const { handler, runs } = recorder('test.ok');
    await enqueue('test.ok', 'a');
    const jobs = runner([handler]);
    assert.deepEqual(await jobs.poll(), {
      reclaimed: 0,
      claimed: 1,
      done: 1,
      retrying: 0,
      dead: 0,
      lost: 0,
    });
    assert.deepEqual(
      runs.map((run) => run.payload),
      [{ key: 'a' }],
    );
    assert.equal((await job('a')).state, 'done');
    assert.equal((await jobs.poll()).claimed, 0);
    assert.equal(runs.length, 1);
  });

  it('queues a dedupe key once, however often it is enqueued', async () => {
    const { handler, runs } = recorder('test.ok');
    assert.equal(await enqueue('test.ok', 'same'), true);
    assert.equal(await enqueue('test.ok', 'same'), false);
    await runner([handler]).poll();
    assert.equal(await enqueue('test.ok', 'same'), false, 'not even once it is done');
    await runner([handler]).poll();
    assert.equal(runs.length, 1);
  });

  it('retries a failing job with growing, jittered delays, then marks it dead', async () => {
    const { handler, runs } = recorder('test.flaky', async () => {
      throw new Error('upstream 503');
    });
    await enqueue('test.flaky', 'f', { maxAttempts: 3 });
    const errors: unknown[] = [];
    const jobs = runner([handler], { onError: (error) => errors.push(error) });

    assert.equal((await jobs.poll()).retrying, 1);
    let state = await job('f');
    assert.equal(state.state, 'failed');
    assert.equal(state.lastError, 'Error: upstream 503');
    // random() = 1: the whole ceiling, 10 s after the first failure.
    assert.equal(Date.parse(state.runAt) - T0, 10_000);
    clock.advance(9_999);
    assert.equal((await jobs.poll()).claimed, 0, 'not before its backoff is over');
    clock.advance(1);
    assert.equal((await jobs.poll()).retrying, 1);
    state = await job('f');
    assert.equal(Date.parse(state.runAt) - (T0 + 10_000), 20_000, 'the delay doubled');
    clock.advance(20_000);
    assert.equal((await jobs.poll()).dead, 1);
    state = await job('f');
    assert.equal(state.state, 'dead');
    assert.equal(state.attempts, 3);
    clock.advance(3_600_000);
    assert.equal((await jobs.poll()).claimed, 0, 'a dead job is not run again');
    assert.equal(runs.length, 3);
    assert.equal(errors.length, 3, 'each failed attempt is reported');
  });

  it('spreads retries with jitter: half the delay is fixed, half random', async () => {
    const { handler } = recorder('test.flaky', async () => {
      throw new Error('no');
    });
    await enqueue('test.flaky', 'low');
    await runner([handler], { random: () => 0 }).poll();
    assert.equal(Date.parse((await job('low')).runAt) - T0, 5_000);
  });

  it('marks a job dead at once when its handler says retrying cannot help', async () => {
    const { handler, runs } = recorder('test.bad', async () => {
      throw new PermanentJobFailure('payload names no release');
    });
    await enqueue('test.bad', 'b', { maxAttempts: 5 });
    assert.equal((await runner([handler]).poll()).dead, 1);
    const state = await job('b');
    assert.equal(state.state, 'dead');
    assert.equal(state.attempts, 1);
    assert.match(state.lastError ?? '', /payload names no release/);
    assert.equal(runs.length, 1);
  });

  it("runs a killed worker's job again once its lease expires, and ignores the dead worker", async () => {
    const { handler, runs } = recorder('test.ok');
    await enqueue('test.ok', 'k');
    // A worker claims the job and is killed before finishing: nothing but its lease is left.
    const [claimed] = await store.transaction((tx) =>
      tx.claimJobs({
        owner: 'killed-worker',
        now: clock.now().toISOString(),
        leaseExpiresAt: new Date(T0 + LEASE_MS).toISOString(),
        limit: 1,
        kinds: ['test.ok'],
      }),
    );
    assert.ok(claimed);
    const survivor = runner([handler]);
    clock.advance(LEASE_MS - 1);
    assert.equal((await survivor.poll()).claimed, 0, 'a live lease is respected');
    clock.advance(1);
    const result = await survivor.poll();
    assert.equal(result.reclaimed, 1);
    assert.equal(result.done, 1);
    assert.equal(runs.length, 1);
    const state = await job('k');
    assert.equal(state.state, 'done');
    assert.equal(state.attempts, 2, 'the lost attempt counts');
    assert.equal(
      await store.transaction((tx) =>
        tx.completeJob({ id: claimed.id, owner: 'killed-worker', now: clock.now().toISOString() }),
      ),
      false,
    );
  });

  it('keeps renewing the lease of a job that runs longer than the lease', async () => {
    let finish: () => void = () => {};
    const { handler } = recorder(
      'test.slow',
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    await enqueue('test.slow', 's');
    const jobs = runner([handler], { leaseMs: 60 });
    const polling = jobs.poll();
    while ((await job('s')).state !== 'running') await sleep(5);
    const first = (await job('s')).leaseExpiresAt;
    clock.advance(50);
    await sleep(120); // several renewals (every 20 ms)
    const renewed = (await job('s')).leaseExpiresAt;
    assert.ok(renewed && first && renewed > first, `lease ${first} was not renewed (${renewed})`);
    finish();
    assert.equal((await polling).done, 1);
  });

  it('schedules a periodic kind once per interval, however many runners schedule it', async () => {
    const { handler, runs } = recorder('test.tick');
    const periodic = { ...handler, everyMs: 60_000 };
    const runners = [runner([periodic]), runner([periodic]), runner([periodic])];
    for (const each of runners) await each.poll();
    for (const each of runners) await each.poll();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.dedupeKey, 'test.tick@2026-11-23T10:00:00.000Z');
    clock.advance(59_999);
    await Promise.all(runners.map((each) => each.poll()));
    assert.equal(runs.length, 1, 'the same slot');
    clock.advance(1);
    await Promise.all(runners.map((each) => each.poll()));
    assert.equal(runs.length, 2);
    assert.equal(runs[1]?.dedupeKey, 'test.tick@2026-11-23T10:01:00.000Z');
  });

  it('runs each of many jobs exactly once with several runners polling at once', async () => {
    const counts = new Map<string, number>();
    const handler: JobHandler = {
      kind: 'test.count',
      async run(job) {
        const key = String(job.payload.key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        await sleep(1);
      },
    };
    const keys = Array.from({ length: 60 }, (_, i) => `c${i}`);
    for (const key of keys) await enqueue('test.count', key);
    const runners = Array.from({ length: 3 }, () => runner([handler], { batchSize: 4 }));
    for (const each of runners) each.start();
    while ((await store.countJobs()).done < keys.length) await sleep(10);
    await Promise.all(runners.map((each) => each.stop()));
    assert.deepEqual([...counts.keys()].sort(), [...keys].sort());
    assert.ok(
      [...counts.values()].every((n) => n === 1),
      'a job ran twice',
    );
  });

  it('on stop, lets a handler that honours the signal give its job back unfinished', async () => {
    const { handler, runs } = recorder(
      'test.abortable',
      (_job, _run, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    await enqueue('test.abortable', 'a');
    const jobs = runner([handler]);
    jobs.start();
    // Started, not only claimed: a committed claim is visible a moment before it is answered.
    while (runs.length === 0) await sleep(5);
    await jobs.stop(1_000);
    const state = await job('a');
    assert.equal(state.state, 'queued');
    assert.equal(state.attempts, 0, 'stopping is not a failed attempt');
  });

  it('on stop, releases a job whose handler outlives the grace period', async () => {
    let finish: () => void = () => {};
    const { handler, runs } = recorder(
      'test.stubborn',
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    await enqueue('test.stubborn', 's');
    const jobs = runner([handler]);
    jobs.start();
    while (runs.length === 0) await sleep(5);
    await jobs.stop(20);
    const state = await job('s');
    assert.equal(state.state, 'queued');
    assert.equal(state.leaseOwner, null);
    finish();
    await sleep(20);
    assert.equal((await job('s')).state, 'queued', 'the late finish does not mark it done');
  });

  it('gives back what it claimed when stopped before the claim was answered, running none', async () => {
    const { handler, runs } = recorder('test.ok');
    await enqueue('test.ok', 'late');
    // The claim commits, but its answer is held until the runner has been told to stop.
    let answer: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let claimed = false;
    const slowStore: Store = Object.create(store, {
      transaction: {
        value: <T>(work: Parameters<Store['transaction']>[0]) =>
          store.transaction(work).then(async (value) => {
            if (!claimed && Array.isArray(value) === false && (value as { jobs?: unknown }).jobs) {
              claimed = true;
              await held;
            }
            return value as T;
          }),
      },
    });
    const jobs = runner([handler], { store: slowStore });
    const polling = jobs.poll();
    while ((await job('late')).state !== 'running') await sleep(1);
    const stopping = jobs.stop(1_000);
    answer();
    const result = await polling;
    await stopping;
    assert.equal(result.claimed, 1);
    assert.equal(runs.length, 0);
    const state = await job('late');
    assert.equal(state.state, 'queued');
    assert.equal(state.attempts, 0);
  });

  it('refuses two handlers for one kind', () => {
    assert.throws(
      () => runner([recorder('test.x').handler, recorder('test.x').handler]),
      /two job handlers for kind test\.x/,
    );
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

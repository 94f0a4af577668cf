import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { afterFailure, type BackoffPolicy, type Job, periodicSlot } from '../../core/job.ts';
import type { Store } from '../../store/store.ts';
import type { Clock } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import { enqueueJob } from './enqueue-job.ts';
import { type JobHandler, PermanentJobFailure } from './job-handler.ts';

export interface JobRunnerOptions {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  handlers: readonly JobHandler[];
  /** Pause between polls that found less than a full batch, in ms. */
  pollIntervalMs: number;
  /** How long a claim holds a job, in ms; renewed every third of it while the handler runs. */
  leaseMs: number;
  /** Jobs claimed and run at once per poll. Default 8. */
  batchSize?: number;
  backoff?: BackoffPolicy;
  /** Names this runner in leases; default host/pid/random, unique per process start. */
  owner?: string;
  /** In [0, 1): the jitter source. */
  random?: () => number;
  /** Told about every failed attempt and every store failure; the runner carries on. */
  onError?: (error: unknown, job?: Job) => void;
}

export interface PollResult {
  /** Expired leases of any runner taken back. */
  reclaimed: number;
  claimed: number;
  done: number;
  /** Failed and queued to run again after a backoff. */
  retrying: number;
  dead: number;
  /** Finished, but this runner no longer held the lease (or could not record the outcome). */
  lost: number;
}

/** First retry after about 5 s, doubling, never more than an hour apart. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 60 * 60 * 1000 };
const DEFAULT_BATCH = 8;
const MAX_ERROR_TEXT = 2000;

type Outcome = 'done' | 'retrying' | 'dead' | 'lost' | 'released';

interface InFlight {
  job: Job;
  controller: AbortController;
  finished?: Promise<Outcome>;
}

/**
 * Polls the store's job queue and runs what it claims. Several runners, in one process or many
 * sharing a database, may poll one queue: a claim is exclusive while its lease lasts, and a job
 * whose lease runs out (its runner was killed) is reclaimed by whichever runner polls next.
 */
export class JobRunner {
  readonly owner: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #handlers: Map<string, JobHandler>;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #backoff: BackoffPolicy;
  readonly #random: () => number;
  readonly #onError: (error: unknown, job?: Job) => void;
  readonly #inFlight = new Map<string, InFlight>();
  /** The slot each periodic kind was last scheduled for by this runner. */
  readonly #scheduled = new Map<string, string>();
  #loop: Promise<void> | undefined;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: JobRunnerOptions) {
    this.#handlers = new Map();
    for (const handler of options.handlers) {
      if (this.#handlers.has(handler.kind)) {
        throw new Error(`two job handlers for kind ${handler.kind}`);
      }
      if (handler.everyMs !== undefined && !(handler.everyMs > 0)) {
        throw new Error(`job kind ${handler.kind}: everyMs must be positive`);
      }
      this.#handlers.set(handler.kind, handler);
    }
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#leaseMs = options.leaseMs;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    this.#onError = options.onError ?? (() => undefined);
    this.owner = options.owner ?? `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  }

  /** Polls until `stop`: at once again after a full batch, else after the poll interval. */
  start(): void {
    if (this.#loop || this.#stopping) return;
    this.#loop = (async () => {
      while (!this.#stopping) {
        let claimed = 0;
        try {
          claimed = (await this.poll()).claimed;
        } catch (error) {
          this.#onError(error);
        }
        if (this.#stopping) break;
        if (claimed < this.#batchSize) await this.#pause(this.#pollIntervalMs);
      }
    })();
  }

  /**
   * One round: take back expired leases, schedule periodic jobs whose slot has begun, claim up
   * to a batch of due jobs, run them at once and record each outcome. Resolves when all are
   * recorded.
   */
  async poll(): Promise<PollResult> {
    const now = this.#clock.now();
    const { reclaimed, jobs } = await this.#store.transaction(async (tx) => {
      const reclaimed = await tx.reclaimExpiredJobs(now.toISOString());
      for (const handler of this.#handlers.values()) {
        if (handler.everyMs === undefined) continue;
        const slot = periodicSlot(handler.kind, handler.everyMs, now);
        if (this.#scheduled.get(handler.kind) === slot.dedupeKey) continue;
        await enqueueJob(
          tx,
          { clock: this.#clock, ids: this.#ids },
          {
            kind: handler.kind,
            dedupeKey: slot.dedupeKey,
            runAt: new Date(slot.runAt),
          },
        );
      }
      const jobs = this.#stopping
        ? []
        : await tx.claimJobs({
            owner: this.owner,
            now: now.toISOString(),
            leaseExpiresAt: new Date(now.getTime() + this.#leaseMs).toISOString(),
            limit: this.#batchSize,
            kinds: [...this.#handlers.keys()],
          });
      return { reclaimed, jobs };
    });
    // Only once committed: a rolled-back schedule is tried again next poll.
    for (const handler of this.#handlers.values()) {
      if (handler.everyMs === undefined) continue;
      this.#scheduled.set(handler.kind, periodicSlot(handler.kind, handler.everyMs, now).dedupeKey);
    }
    if (this.#stopping) {
      // Stopped while claiming: give the jobs back rather than start handlers nobody waits for.
      await this.#releaseAll(jobs);
      return { reclaimed, claimed: jobs.length, done: 0, retrying: 0, dead: 0, lost: jobs.length };
    }
    const outcomes = await Promise.all(jobs.map((job) => this.#start(job)));
    const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
    return {
      reclaimed,
      claimed: jobs.length,
      done: count('done'),
      retrying: count('retrying'),
      dead: count('dead'),
      lost: count('lost') + count('released'),
    };
  }

  /**
   * Stops polling and asks running handlers to stop (their signal aborts). Jobs that finish
   * within `graceMs` are recorded as usual; the rest are released, queued again for any runner,
   * their attempt not counted.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    for (const running of this.#inFlight.values()) running.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), graceMs);
    });
    const settled = Promise.all([
      this.#loop,
      ...[...this.#inFlight.values()].map((r) => r.finished),
    ]);
    const first = await Promise.race([settled, graceOver]);
    clearTimeout(timer);
    if (first !== 'grace over') return;
    const unfinished = [...this.#inFlight.values()].map(({ job }) => job);
    for (const job of unfinished) this.#inFlight.delete(job.id);
    await this.#releaseAll(unfinished);
  }

  async #releaseAll(jobs: readonly Job[]): Promise<void> {
    const now = this.#clock.now().toISOString();
    await Promise.all(
      jobs.map(async (job) => {
        try {
          await this.#store.transaction((tx) =>
            tx.releaseJob({ id: job.id, owner: this.owner, now }),
          );
        } catch (error) {
          // Its lease still expires; another runner takes it then.
          this.#onError(error, job);
        }
      }),
    );
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }

  #start(job: Job): Promise<Outcome> {
    const controller = new AbortController();
    if (this.#stopping) controller.abort();
    // In flight before the handler starts, so a handler that fails at once is still recorded.
    const running: InFlight = { job, controller };
    this.#inFlight.set(job.id, running);
    running.finished = this.#run(job, controller);
    return running.finished;
  }

  async #run(job: Job, controller: AbortController): Promise<Outcome> {
    const handler = this.#handlers.get(job.kind) as JobHandler;
    const heartbeat = setInterval(() => void this.#renew(job, controller), this.#leaseMs / 3);
    // A handler that never settles must not keep the process alive after stop().
    heartbeat.unref();
    let failure: { error: unknown } | undefined;
    try {
      await handler.run(job, { signal: controller.signal });
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(heartbeat);
    }
    // Released by stop(): the job is someone else's now.
    if (!this.#inFlight.delete(job.id)) return 'released';
    const lease = { id: job.id, owner: this.owner, now: this.#clock.now().toISOString() };
    try {
      if (failure && this.#stopping && controller.signal.aborted) {
        // It gave up because we are stopping, which says nothing about the job: give it back.
        await this.#store.transaction((tx) => tx.releaseJob(lease));
        return 'released';
      }
      if (!failure) {
        return (await this.#store.transaction((tx) => tx.completeJob(lease))) ? 'done' : 'lost';
      }
      this.#onError(failure.error, job);
      const next = afterFailure(job, new Date(lease.now), {
        policy: this.#backoff,
        random: this.#random(),
        permanent: failure.error instanceof PermanentJobFailure,
      });
      const recorded = await this.#store.transaction((tx) =>
        tx.failJob({
          ...lease,
          error: describe(failure.error),
          retryAt: next.state === 'failed' ? next.runAt : null,
        }),
      );
      if (!recorded) return 'lost';
      return next.state === 'failed' ? 'retrying' : 'dead';
    } catch (error) {
      // The outcome is not recorded: the lease expires and the job runs again.
      this.#onError(error, job);
      return 'lost';
    }
  }

  async #renew(job: Job, controller: AbortController): Promise<void> {
    const now = this.#clock.now();
    try {
      const held = await this.#store.transaction((tx) =>
        tx.extendJobLease({
          id: job.id,
          owner: this.owner,
          now: now.toISOString(),
          leaseExpiresAt: new Date(now.getTime() + this.#leaseMs).toISOString(),
        }),
      );
      if (!held) controller.abort(new Error(`lost the lease on job ${job.id}`));
    } catch (error) {
      this.#onError(error, job);
    }
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

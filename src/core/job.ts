/**
 * Background jobs: a unit of work queued in the store and run at least once by whichever
 * instance claims it. A claim holds a lease; a worker that dies mid-job loses its lease when it
 * expires and the job runs again, so every handler must be safe to run twice.
 */

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'dead'] as const;
/**
 * `queued`: waiting for `runAt`. `running`: claimed, under a lease. `done`: finished.
 * `failed`: the last attempt failed; it runs again at `runAt`. `dead`: gave up (attempts used up,
 * or the handler refused it for good); an operator looks at `lastError`.
 */
export type JobState = (typeof JOB_STATES)[number];

/** A count of zero for every state. */
export function emptyJobCounts(): Record<JobState, number> {
  return Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
}

export interface Job {
  id: string;
  kind: string;
  /**
   * One logical job, one key: enqueuing a key that exists is a no-op, whatever that job's state.
   * Periodic jobs put their time slot in it, so N instances scheduling the same slot make one job.
   */
  dedupeKey: string;
  payload: Record<string, unknown>;
  state: JobState;
  /** ISO 8601 UTC: not claimed before this time. */
  runAt: string;
  /** Claims made so far, the current one included. */
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  /** ISO 8601 UTC; after it, a `running` job is reclaimed as if its worker had died. */
  leaseExpiresAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BackoffPolicy {
  /** Delay before the second attempt, in ms; each later one doubles it. */
  baseMs: number;
  /** No delay exceeds this, in ms. */
  maxMs: number;
}

/**
 * Delay before the next attempt after `attempts` failed ones: exponential, capped, with "equal
 * jitter" (half fixed, half random) so instances that failed together do not retry together, yet
 * the delay still grows with every attempt. `random` is a number in [0, 1).
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}

export type AfterFailure = { state: 'failed'; runAt: string } | { state: 'dead' };

/**
 * What becomes of a job whose attempt failed at `now`: another try after a backoff, or `dead`
 * once its attempts are used up or the failure is `permanent` (retrying cannot help).
 */
export function afterFailure(
  job: Pick<Job, 'attempts' | 'maxAttempts'>,
  now: Date,
  options: { policy: BackoffPolicy; random: number; permanent?: boolean },
): AfterFailure {
  if (options.permanent || job.attempts >= job.maxAttempts) return { state: 'dead' };
  const delay = retryDelayMs(job.attempts, options.policy, options.random);
  return { state: 'failed', runAt: new Date(now.getTime() + delay).toISOString() };
}

/**
 * The dedupe key of a periodic job's run for the slot holding `now`: every instance that
 * schedules `kind` every `everyMs` computes the same key for the same slot.
 */
export function periodicSlot(
  kind: string,
  everyMs: number,
  now: Date,
): { dedupeKey: string; runAt: string } {
  const start = new Date(Math.floor(now.getTime() / everyMs) * everyMs).toISOString();
  return { dedupeKey: `${kind}@${start}`, runAt: start };
}

import type { Job } from '../../core/job.ts';

/**
 * Runs one kind of background job. Delivery is at least once: a job whose worker dies, stalls
 * past its lease or loses its database connection after finishing runs again, possibly on another
 * instance. So `run` must be idempotent by design: check whether its effect is already there
 * (a checkpoint of that size, a webhook delivery id the receiver dedupes on) before making it.
 *
 * `run` makes its changes in its own store transactions, each with its audit entry, as any use
 * case does; the runner records only the job's own state.
 */
export interface JobHandler {
  kind: string;
  /**
   * If set, every instance schedules one job of this kind per interval of this many ms; the
   * interval's start is in the job's dedupe key, so however many instances schedule it, it is
   * queued once.
   */
  everyMs?: number | undefined;
  run(job: Job, context: JobContext): Promise<void>;
}

export interface JobContext {
  /** Aborted when the runner stops or this worker loses the job's lease: stop early if you can. */
  signal: AbortSignal;
}

/** Thrown by a handler when retrying cannot help (bad payload): the job goes straight to dead. */
export class PermanentJobFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobFailure';
  }
}

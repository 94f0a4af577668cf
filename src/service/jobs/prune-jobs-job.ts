import type { ServiceDeps } from '../deps.ts';
import type { JobHandler } from './job-handler.ts';

export const PRUNE_JOBS_JOB = 'jobs.prune';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Done jobs are kept this long for operators to read, then deleted; failed and dead ones stay. */
export const KEEP_DONE_JOBS_MS = 30 * DAY_MS;

/**
 * Daily: deletes jobs finished more than 30 days ago, so a queue that runs a checkpoint a minute
 * does not grow without bound. Safe to repeat. Dedupe keys of pruned jobs are never queued again
 * (periodic keys name a past slot; notices name a recorded decision or signature).
 */
export function pruneJobsJob(deps: Pick<ServiceDeps, 'store' | 'clock'>): JobHandler {
  return {
    kind: PRUNE_JOBS_JOB,
    everyMs: DAY_MS,
    async run() {
      const before = new Date(deps.clock.now().getTime() - KEEP_DONE_JOBS_MS).toISOString();
      await deps.store.transaction((tx) => tx.pruneDoneJobs(before));
    },
  };
}

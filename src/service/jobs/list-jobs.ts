import type { Actor } from '../../core/actor.ts';
import { DossierError } from '../../core/errors.ts';
import { JOB_STATES, type Job, type JobState } from '../../core/job.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../../core/page.ts';
import { decodeSeqCursor } from '../../store/cursor.ts';
import type { ServiceDeps } from '../deps.ts';

export interface ListJobsOptions {
  state?: string | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface JobList extends Page<Job> {
  /** Jobs in each state, over the whole queue (not just this page). */
  counts: Record<JobState, number>;
}

/** The operator's view of the queue, newest first: admins only (payloads may name anything). */
export async function listJobs(
  deps: Pick<ServiceDeps, 'store'>,
  actor: Actor,
  options: ListJobsOptions = {},
): Promise<JobList> {
  if (!actor.roles.includes('admin')) {
    throw new DossierError('FORBIDDEN', 'only an admin may list background jobs');
  }
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalid('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (options.state !== undefined && !(JOB_STATES as readonly string[]).includes(options.state)) {
    throw invalid('state', `must be one of ${JOB_STATES.join(', ')}`);
  }
  if (options.cursor !== undefined) {
    try {
      decodeSeqCursor(options.cursor);
    } catch {
      throw invalid('cursor', 'not a cursor from a previous page');
    }
  }
  const [page, counts] = await Promise.all([
    deps.store.listJobs({
      limit,
      cursor: options.cursor,
      state: options.state as JobState | undefined,
      kind: options.kind,
    }),
    deps.store.countJobs(),
  ]);
  return { ...page, counts };
}

function invalid(path: string, message: string): DossierError {
  return new DossierError('INVALID_INPUT', `${path} ${message}`, { issues: [{ path, message }] });
}

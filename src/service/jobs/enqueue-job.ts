import type { StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../deps.ts';

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface EnqueueJobRequest {
  kind: string;
  /** Names the logical job: enqueuing an existing key changes nothing. */
  dedupeKey: string;
  payload?: Record<string, unknown>;
  /** Not before this time; default now. */
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Queues a job inside the caller's transaction, so it commits with the change that needs it or
 * not at all. Returns false when a job with this dedupe key already exists.
 */
export function enqueueJob(
  tx: StoreTx,
  deps: Pick<ServiceDeps, 'clock' | 'ids'>,
  request: EnqueueJobRequest,
): Promise<boolean> {
  const now = deps.clock.now();
  return tx.enqueueJob({
    id: deps.ids.next('job'),
    kind: request.kind,
    dedupeKey: request.dedupeKey,
    payload: request.payload ?? {},
    runAt: (request.runAt ?? now).toISOString(),
    maxAttempts: request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    createdAt: now.toISOString(),
  });
}

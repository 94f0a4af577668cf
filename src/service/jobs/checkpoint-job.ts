import { latestCheckpoint } from '../audit-log.ts';
import type { ServiceDeps } from '../deps.ts';
import type { JobHandler } from './job-handler.ts';

export const CHECKPOINT_JOB = 'log.checkpoint';

/**
 * Publishes a signed checkpoint of the audit log every `everyMs`, if the log grew since the last
 * one, so the log is sealed regularly even when nobody asks for a checkpoint.
 *
 * Idempotent: it signs only a size that has no checkpoint yet, and checkpoints are write-once
 * (a second signer of the same size keeps the first). It appends no audit entry: the checkpoint
 * is itself the signed record of the log, and an entry about it would grow the log it seals, so
 * every run would find something new to sign.
 */
export function checkpointJob(
  deps: Pick<ServiceDeps, 'store' | 'signer' | 'clock'>,
  everyMs: number | undefined,
): JobHandler {
  return {
    kind: CHECKPOINT_JOB,
    everyMs,
    async run() {
      await latestCheckpoint(deps);
    },
  };
}

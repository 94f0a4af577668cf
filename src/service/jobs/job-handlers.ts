import type { ServiceDeps } from '../deps.ts';
import {
  deliverJob,
  eventFanOutJob,
  exceptionsExpiringJob,
  gateChangedJob,
  type OutboundSettings,
} from '../outbound/outbound-jobs.ts';
import { checkpointJob } from './checkpoint-job.ts';
import type { JobHandler } from './job-handler.ts';
import { pruneJobsJob } from './prune-jobs-job.ts';

export interface JobSettings extends OutboundSettings {
  /** Periodic checkpoint publishing, in ms; 0 schedules none (queued ones still run). */
  checkpointIntervalMs: number;
}

/**
 * The one list of job kinds Dossier runs. A new kind is a file exporting a `JobHandler` factory
 * and a line here; services queue its jobs with `enqueueJob` inside their own transactions.
 */
export function builtInJobHandlers(deps: ServiceDeps, settings: JobSettings): JobHandler[] {
  return [
    checkpointJob(deps, settings.checkpointIntervalMs || undefined),
    gateChangedJob(deps, settings),
    eventFanOutJob(deps),
    deliverJob(deps, settings),
    exceptionsExpiringJob(deps),
    pruneJobsJob(deps),
  ];
}

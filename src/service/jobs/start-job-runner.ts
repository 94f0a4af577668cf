import type { Job } from '../../core/job.ts';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import type { JobHandler } from './job-handler.ts';
import { builtInJobHandlers } from './job-handlers.ts';
import { JobRunner } from './job-runner.ts';

export interface JobRunnerSetup {
  /** Kinds an embedding program adds to Dossier's own. */
  extraHandlers?: readonly JobHandler[];
  onError?: (error: unknown, job?: Job) => void;
}

/**
 * The runner `dossier serve` starts: Dossier's job kinds over the services' store. Undefined
 * when the configuration turns background jobs off in this instance (poll interval 0); other
 * instances sharing the database then run them.
 */
export function createJobRunner(
  services: Services,
  config: Pick<
    Config,
    | 'jobPollIntervalMs'
    | 'jobLeaseMs'
    | 'checkpointIntervalMs'
    | 'publicUrl'
    | 'githubApiUrl'
    | 'githubToken'
    | 'gitlabApiUrl'
    | 'gitlabToken'
    | 'webhookAllowPrivate'
  >,
  setup: JobRunnerSetup = {},
): JobRunner | undefined {
  if (config.jobPollIntervalMs === 0) return undefined;
  const { deps } = services;
  return new JobRunner({
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    handlers: [...builtInJobHandlers(deps, config), ...(setup.extraHandlers ?? [])],
    pollIntervalMs: config.jobPollIntervalMs,
    leaseMs: config.jobLeaseMs,
    ...(setup.onError ? { onError: setup.onError } : {}),
  });
}

/**
 * A job kind for the scale-out tests only: each run of a `test.probe` job records one row (its
 * dedupe key, the process that ran it) in `job_probe_runs`, outside the job's own bookkeeping, so
 * a test can count how often each job really ran.
 */
import pg from 'pg';
import type { JobHandler } from '../../src/service/jobs/job-handler.ts';

export const PROBE_KIND = 'test.probe';

export const probeTableSql = (schema: string) => `CREATE TABLE "${schema}".job_probe_runs (
  dedupe_key text NOT NULL,
  pid        integer NOT NULL,
  ran_at     timestamptz NOT NULL DEFAULT clock_timestamp()
)`;

/** Runs in a server process: the database and schema come from its environment. */
export function probeJobHandler(env: NodeJS.ProcessEnv): JobHandler {
  const schema = env.DOSSIER_DATABASE_SCHEMA ?? 'public';
  let pool: pg.Pool | undefined;
  return {
    kind: PROBE_KIND,
    async run(job) {
      pool ??= new pg.Pool({ connectionString: env.DOSSIER_DATABASE_URL, max: 2 });
      // Long enough that both instances' batches overlap in time.
      const sleepMs = Number(job.payload.sleepMs ?? 5);
      await new Promise((resolve) => setTimeout(resolve, sleepMs));
      await pool.query(`INSERT INTO "${schema}".job_probe_runs (dedupe_key, pid) VALUES ($1, $2)`, [
        job.dedupeKey,
        process.pid,
      ]);
    },
  };
}

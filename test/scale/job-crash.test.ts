/**
 * SIGKILL of an instance while it runs background jobs: once their leases expire, the other
 * instance takes those jobs back and runs them, so every job is done, and (because the probe
 * records a run only at its end) each was recorded exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/service/clock.ts';
import { ulidGenerator } from '../../src/service/ids.ts';
import { enqueueJob } from '../../src/service/jobs/enqueue-job.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import {
  adminQuery,
  TEST_DATABASE_URL,
  whenPostgresReachable,
} from '../../src/store/postgres/test-database.ts';
import type { Store } from '../../src/store/store.ts';
import type { StartedServer } from '../support/start-server.ts';
import { PROBE_KIND, probeTableSql } from './job-probe.ts';
import { type PostgresCluster, sleep, startPostgresCluster } from './support.ts';

const JOBS = 16;
/** Each probe job takes this long, so the victim is killed while running its batch. */
const JOB_MS = 1500;
const LEASE_MS = 1500;

await whenPostgresReachable('SIGKILL of an instance running background jobs', () => {
  describe('two instances on PostgreSQL, one killed with SIGKILL while running jobs', () => {
    let cluster: PostgresCluster;
    let queue: Store;
    before(async () => {
      cluster = await startPostgresCluster(2, {
        entry: new URL('./serve-with-probe.ts', import.meta.url).pathname,
        env: {
          DOSSIER_JOB_POLL_INTERVAL_MS: '20',
          DOSSIER_JOB_LEASE_MS: String(LEASE_MS),
          DOSSIER_CHECKPOINT_INTERVAL_MS: '0',
        },
      });
      await adminQuery(probeTableSql(cluster.schema.name));
      queue = await openPostgresStore({
        url: TEST_DATABASE_URL,
        schema: cluster.schema.name,
        poolSize: 2,
      });
    });
    after(async () => {
      await queue?.close();
      await cluster?.stop();
    });

    it("runs the killed instance's jobs on the other once their leases expire", async () => {
      const [victim, survivor] = cluster.servers as [StartedServer, StartedServer];
      const ids = ulidGenerator(systemClock);
      await queue.transaction(async (tx) => {
        for (let n = 0; n < JOBS; n++) {
          await enqueueJob(
            tx,
            { clock: systemClock, ids },
            { kind: PROBE_KIND, dedupeKey: `crash-${n}`, payload: { n, sleepMs: JOB_MS } },
          );
        }
      });
      const ownedBy = (server: StartedServer) => (owner: string | null) =>
        owner?.split('/')[1] === String(server.process.pid);
      let victimJobs: string[] = [];
      const deadline = Date.now() + 10_000;
      while (victimJobs.length === 0) {
        assert.ok(Date.now() < deadline, 'the victim claimed no job within 10 s');
        const running = await queue.listJobs({ limit: 100, kind: PROBE_KIND, state: 'running' });
        victimJobs = running.items
          .filter((job) => ownedBy(victim)(job.leaseOwner))
          .map((job) => job.id);
        await sleep(10);
      }
      const exited = new Promise((resolve) => victim.process.once('exit', resolve));
      victim.process.kill('SIGKILL');
      await exited;

      const finishBy = Date.now() + 30_000;
      for (;;) {
        const done = await queue.listJobs({ limit: 100, kind: PROBE_KIND, state: 'done' });
        if (done.items.length === JOBS) break;
        assert.ok(Date.now() < finishBy, `only ${done.items.length} of ${JOBS} jobs done in 30 s`);
        await sleep(50);
      }
      for (const id of victimJobs) {
        const job = await queue.getJob(id);
        assert.equal(job?.state, 'done');
        assert.equal(job?.attempts, 2, 'run again after the lost attempt');
      }
      const runs = await adminQuery(
        `SELECT dedupe_key, pid FROM "${cluster.schema.name}".job_probe_runs`,
      );
      const keys = (runs.rows as { dedupe_key: string }[]).map((row) => row.dedupe_key);
      assert.equal(keys.length, JOBS, 'each job recorded its run exactly once');
      assert.equal(new Set(keys).size, JOBS);
      assert.ok(
        (runs.rows as { pid: number }[]).every((row) => row.pid === survivor.process.pid),
        'the killed instance finished nothing',
      );
    });
  });
});

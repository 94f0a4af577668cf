/**
 * `dossier serve` runs background jobs (the periodic checkpoint) in-process on the embedded
 * store, and `dossier jobs list` shows the queue to an operator, over HTTP and with --local.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { JobPageJson } from '../../src/core/wire-schemas.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import { describeRun, runDossier, serverEnv } from './run-dossier.ts';

describe('dossier serve runs background jobs; dossier jobs list shows them', () => {
  let server: StartedServer;
  let dataDir: string;
  before(async () => {
    dataDir = await makeTempDir();
    server = await startServer({
      dataDir,
      args: ['--job-poll-interval-ms', '20', '--checkpoint-interval-ms', '200'],
    });
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const jobs = async (...args: string[]) => {
    const run = await runDossier(['jobs', 'list', ...args], { env: serverEnv(server) });
    assert.equal(run.code, 0, describeRun(run));
    return run;
  };

  it('publishes a signed checkpoint by itself once the log has grown', async () => {
    const created = await runDossier(
      [
        'release',
        'create',
        '--service',
        'jobs-cli',
        '--version',
        '1.0.0',
        '--commit',
        'a'.repeat(40),
      ],
      { env: serverEnv(server) },
    );
    assert.equal(created.code, 0, describeRun(created));
    const deadline = Date.now() + 15_000;
    let sizes: number[] = [];
    while (Date.now() < deadline) {
      const response = await fetch(`${server.url}/v1/log/checkpoints`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      sizes = ((await response.json()) as { items: { size: number }[] }).items.map((c) => c.size);
      if (sizes.includes(2)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // token.created and release.created: a checkpoint nobody asked for covers both.
    assert.ok(sizes.includes(2), `no checkpoint of size 2 was published: ${sizes}`);
  });

  it('lists the done checkpoint jobs with counts, as a table and as JSON', async () => {
    const page = JSON.parse(
      (await jobs('--state', 'done', '--kind', 'log.checkpoint', '--json')).stdout,
    ) as JobPageJson;
    assert.ok(page.items.length > 0);
    for (const job of page.items) {
      assert.equal(job.state, 'done');
      assert.equal(job.kind, 'log.checkpoint');
      assert.equal(job.attempts, 1);
      assert.match(job.dedupeKey, /^log\.checkpoint@\d{4}-\d\d-\d\dT/);
    }
    assert.ok((page.counts.done ?? 0) >= page.items.length);
    const table = (await jobs('--kind', 'log.checkpoint', '--limit', '1')).stdout;
    assert.match(table, /^queued \d+ {2}running \d+ {2}done \d+ {2}failed \d+ {2}dead \d+$/m);
    assert.match(table, /STATE\s+KIND\s+ATTEMPTS/);
    assert.match(table, /log\.checkpoint/);
  });

  it('refuses an unknown state with exit code 2, naming the states', async () => {
    const run = await runDossier(['jobs', 'list', '--state', 'stuck'], {
      env: serverEnv(server),
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /state/);
  });

  it('stops cleanly on SIGTERM with its runner', async () => {
    await server.stop();
    assert.equal(server.process.exitCode, 0, server.output());
    assert.doesNotMatch(server.output(), /background job/);
  });

  it('lists the jobs of a stopped server with --local', async () => {
    const run = await runDossier(['--local', dataDir, 'jobs', 'list', '--json']);
    assert.equal(run.code, 0, describeRun(run));
    const page = JSON.parse(run.stdout) as JobPageJson;
    assert.ok(page.items.some((job) => job.kind === 'log.checkpoint'));
    assert.equal(page.counts.running, 0, 'nothing left running after a clean stop');
  });
});

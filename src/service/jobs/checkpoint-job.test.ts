import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../core/actor.ts';
import { parseVerifierKey, verifySignedNote } from '../../core/audit-log/signed-note.ts';
import { openDataDir } from '../open-data-dir.ts';
import type { Services } from '../services.ts';
import { CHECKPOINT_JOB } from './checkpoint-job.ts';
import { createJobRunner } from './start-job-runner.ts';

const admin: Actor = { id: 'token:admin', roles: ['admin'] };
const MINUTE = 60_000;
const settings = {
  jobPollIntervalMs: 1000,
  jobLeaseMs: MINUTE,
  checkpointIntervalMs: MINUTE,
  githubApiUrl: 'https://api.github.com',
  gitlabApiUrl: 'https://gitlab.com/api/v4',
  webhookAllowPrivate: false,
};

describe('the periodic checkpoint job', () => {
  let dataDir: string;
  let services: Services;
  let now = Date.parse('2026-11-23T10:00:30.000Z');
  let version = 0;
  const addRelease = () =>
    services.releases.create(admin, {
      service: 'jobs-test',
      version: `1.0.${version++}`,
      commit: 'c'.repeat(40),
    });
  const checkpoints = () => services.deps.store.listCheckpoints({ fromSize: 0, limit: 100 });
  const checkpointJobs = async () =>
    (await services.deps.store.listJobs({ limit: 100, kind: CHECKPOINT_JOB })).items;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-checkpoint-job-'));
    services = await openDataDir(
      { dataDir, maxUploadBytes: 1024 },
      { clock: { now: () => new Date(now) } },
    );
  });
  after(async () => {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs a checkpoint of the whole log when it has grown', async () => {
    await addRelease();
    await addRelease();
    const runner = createJobRunner(services, settings);
    assert.ok(runner);
    const result = await runner.poll();
    // The other periodic kinds (exception notices, pruning) run in the same first poll.
    assert.ok(result.done >= 1);
    const [checkpoint] = await checkpoints();
    assert.equal(checkpoint?.size, 2);
    const keys = services.log.keys().keys.map((key) => parseVerifierKey(key.verifierKey));
    assert.equal(checkpoint && verifySignedNote(checkpoint.note, keys).ok, true);
    const [job] = await checkpointJobs();
    assert.equal(job?.state, 'done');
    assert.equal(job?.dedupeKey, `${CHECKPOINT_JOB}@2026-11-23T10:00:00.000Z`);
  });

  it('publishes once per interval, however many instances run it', async () => {
    const others = [createJobRunner(services, settings), createJobRunner(services, settings)];
    await addRelease();
    now += 10_000; // still the same minute
    for (const runner of others) assert.equal((await runner?.poll())?.claimed, 0);
    assert.equal((await checkpoints()).length, 1, 'the log grew, but its slot has run');
    now += MINUTE;
    const results = await Promise.all(others.map((runner) => runner?.poll()));
    assert.equal(
      results.reduce((sum, result) => sum + (result?.done ?? 0), 0),
      1,
    );
    assert.deepEqual(
      (await checkpoints()).map((checkpoint) => checkpoint.size),
      [2, 3],
    );
    assert.equal((await checkpointJobs()).length, 2);
  });

  it('signs nothing new in an interval in which the log did not grow', async () => {
    now += MINUTE;
    const result = await createJobRunner(services, settings)?.poll();
    assert.equal(result?.done, 1);
    assert.equal((await checkpoints()).length, 2);
  });

  it('is not scheduled with an interval of 0, and no runner starts with a poll interval of 0', async () => {
    await addRelease();
    now += MINUTE;
    const result = await createJobRunner(services, {
      ...settings,
      checkpointIntervalMs: 0,
    })?.poll();
    assert.equal(result?.claimed, 0);
    assert.equal((await checkpoints()).length, 2);
    assert.equal(createJobRunner(services, { ...settings, jobPollIntervalMs: 0 }), undefined);
  });
});

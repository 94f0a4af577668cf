/**
 * Two `dossier serve` processes on one PostgreSQL schema (blobs in PostgreSQL too, the shared
 * data directory holding only the log's keys), driven at once through both: releases, evidence
 * uploads (distinct files and the same bytes racing through both instances), checkpoint and log
 * reads. Afterwards nothing is lost or duplicated, the log is one gap-free sequence that
 * `dossier log verify` accepts through either instance, and every checkpoint either instance
 * signed belongs to that one log.
 *
 * Both instances also run their background job runners on the shared queue: a batch of probe jobs
 * (enqueued twice over while the uploads run) and the periodic checkpoint job. Every job runs
 * exactly once, by one of the two, and both take part.
 *
 * Then two people sign the same release at the same instant through both instances while gate
 * queries run through both: each signature counts once, a duplicate is refused, both instances
 * answer the same decision, and each distinct decision is recorded once.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/core/audit-log/audit-entry.ts';
import type { CheckpointJson, EvidenceJson, JobPageJson } from '../../src/core/wire-schemas.ts';
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
import {
  allLogEntries,
  assertCheckpointsConsistent,
  assertGapFree,
  checkpointOf,
  createRelease,
  download,
  getJson,
  type Instance,
  inPool,
  junitReport,
  type LogKeys,
  listEvidence,
  type PostgresCluster,
  sha256Hex,
  sleep,
  startPostgresCluster,
  storedCheckpoints,
  type UploadAnswer,
  upload,
  verifyLogWithCli,
} from './support.ts';

const RELEASES = 10;
const UPLOADS = 200;
const CONCURRENCY = 8;
/** Files each uploaded RACERS times at once, half through each instance, to one release. */
const SHARED_FILES = 5;
const RACERS = 6;
/** Probe jobs queued (each twice) while the uploads run. */
const JOBS = 200;
const JOB_BATCH = 20;

await whenPostgresReachable('two dossier serve processes on one PostgreSQL schema', () => {
  describe('two instances on one PostgreSQL schema, under concurrent work', () => {
    let cluster: PostgresCluster;
    let a: Instance;
    let b: Instance;
    const both = () => [a, b];

    /** The test's own connection to the queue: it enqueues as a service would. */
    let queue: Store;

    before(async () => {
      cluster = await startPostgresCluster(2, {
        entry: new URL('./serve-with-probe.ts', import.meta.url).pathname,
        env: { DOSSIER_JOB_POLL_INTERVAL_MS: '20', DOSSIER_CHECKPOINT_INTERVAL_MS: '500' },
      });
      [a, b] = cluster.servers as [StartedServer, StartedServer];
      await adminQuery(probeTableSql(cluster.schema.name));
      queue = await openPostgresStore({
        url: TEST_DATABASE_URL,
        schema: cluster.schema.name,
        poolSize: 4,
      });
    });
    after(async () => {
      await queue?.close();
      await cluster?.stop();
    });

    const releaseIds: string[] = [];
    /** Every acknowledged upload of a distinct file, by evidence id. */
    const acknowledged = new Map<string, { answer: UploadAnswer; sha256: string }>();
    const shared: { sha256: string; releaseId: string; answers: UploadAnswer[] }[] = [];
    const observedCheckpoints: CheckpointJson[] = [];

    it('creates releases through alternating instances; a repeat through the other is idempotent', async () => {
      const created = await Promise.all(
        Array.from({ length: RELEASES }, (_, i) =>
          createRelease(both()[i % 2] as Instance, `svc-${i}`, '1.0.0'),
        ),
      );
      for (const release of created) assert.equal(release.status, 201);
      releaseIds.push(...created.map((release) => release.id));
      // The identical request through the other instance, both racing at once.
      const raced = await Promise.all(
        Array.from({ length: RELEASES }, (_, i) =>
          Promise.all([
            createRelease(a, `svc-race-${i}`, '2.0.0'),
            createRelease(b, `svc-race-${i}`, '2.0.0'),
          ]),
        ),
      );
      for (const [first, second] of raced) {
        assert.equal(first.id, second.id, 'one release, the same id through both instances');
        assert.deepEqual(
          [first.status, second.status].sort(),
          [200, 201],
          'exactly one of two racing identical creates is 201',
        );
      }
      const listed = await getJson<{ items: { id: string }[] }>(a, '/v1/releases?limit=500');
      assert.equal(listed.items.length, 2 * RELEASES);
      assert.equal(new Set(listed.items.map((release) => release.id)).size, 2 * RELEASES);
    });

    it('takes distinct uploads, racing duplicates and log reads through both at once', async () => {
      let uploading = true;
      const readers = both().map(async (instance) => {
        let reads = 0;
        while (uploading) {
          observedCheckpoints.push(await checkpointOf(instance));
          const { items } = await getJson<{ items: AuditEntry[] }>(
            instance,
            '/v1/log/entries?from=0&limit=10000',
          );
          assert.deepEqual(
            items.map((entry) => entry.seq),
            items.map((_, index) => index),
            'a log read mid-run shows a gap',
          );
          reads++;
        }
        return reads;
      });

      const distinct = inPool(
        Array.from({ length: UPLOADS }, (_, i) => i),
        CONCURRENCY,
        async (i) => {
          const body = junitReport(`u${i}`);
          const releaseId = releaseIds[i % RELEASES] as string;
          const answer = await upload(
            both()[i % 2] as Instance,
            releaseId,
            'junit',
            `TEST-u${i}.xml`,
            body,
          );
          assert.equal(answer.status, 201);
          assert.equal(answer.created, true);
          assert.equal(answer.evidence.sha256, sha256Hex(body));
          assert.equal(answer.evidence.releaseId, releaseId);
          assert.ok(!acknowledged.has(answer.evidence.id), 'an evidence id answered twice');
          acknowledged.set(answer.evidence.id, { answer, sha256: sha256Hex(body) });
        },
      );

      const racing = Promise.all(
        Array.from({ length: SHARED_FILES }, async (_, f) => {
          const body = junitReport(`shared${f}`);
          const releaseId = releaseIds[f % RELEASES] as string;
          const answers = await Promise.all(
            Array.from({ length: RACERS }, (_, r) =>
              upload(both()[r % 2] as Instance, releaseId, 'junit', `TEST-shared-${f}.xml`, body),
            ),
          );
          shared.push({ sha256: sha256Hex(body), releaseId, answers });
        }),
      );

      const ids = ulidGenerator(systemClock);
      const enqueueBatch = (first: number) =>
        queue.transaction(async (tx) => {
          const added: boolean[] = [];
          for (let n = first; n < Math.min(first + JOB_BATCH, JOBS); n++) {
            added.push(
              await enqueueJob(
                tx,
                { clock: systemClock, ids },
                { kind: PROBE_KIND, dedupeKey: `probe-${n}`, payload: { n, sleepMs: 10 } },
              ),
            );
          }
          return added;
        });
      const batches = Array.from({ length: JOBS / JOB_BATCH }, (_, i) => i * JOB_BATCH);
      const enqueuing = (async () => {
        const first = await Promise.all(batches.map(enqueueBatch));
        assert.ok(first.flat().every(Boolean), 'a fresh key was taken as a duplicate');
        const second = await Promise.all(batches.map(enqueueBatch));
        assert.ok(
          second.flat().every((added) => !added),
          'a key enqueued twice made two jobs',
        );
      })();

      try {
        await Promise.all([distinct, racing, enqueuing]);
      } finally {
        uploading = false;
      }
      const reads = await Promise.all(readers);
      assert.ok(
        reads.every((n) => n > 0),
        `each instance served log reads during the run (${reads})`,
      );
      assert.equal(acknowledged.size, UPLOADS);

      for (const file of shared) {
        const created = file.answers.filter((answer) => answer.created);
        assert.equal(created.length, 1, `exactly one of ${RACERS} racing uploads created it`);
        assert.equal(created[0]?.status, 201);
        const id = created[0]?.evidence.id;
        for (const answer of file.answers.filter((other) => !other.created)) {
          assert.equal(answer.status, 200);
          assert.equal(answer.evidence.id, id, 'a duplicate is answered with the same evidence');
        }
      }
    });

    it('lists exactly the acknowledged evidence through either instance, bytes intact', async () => {
      const sharedIds = new Map(
        shared.map((file) => [file.answers.find((answer) => answer.created)?.evidence.id, file]),
      );
      const expectedIds = new Set([...acknowledged.keys(), ...sharedIds.keys()]);
      const listedThroughA: EvidenceJson[] = [];
      for (const releaseId of releaseIds) {
        const [throughA, throughB] = await Promise.all([
          listEvidence(a, releaseId),
          listEvidence(b, releaseId),
        ]);
        assert.deepEqual(throughB, throughA, 'both instances list the same evidence');
        const release = await getJson<{ evidenceCount: number }>(b, `/v1/releases/${releaseId}`);
        assert.equal(release.evidenceCount, throughA.length);
        listedThroughA.push(...throughA);
      }
      const listedIds = listedThroughA.map((evidence) => evidence.id);
      assert.equal(new Set(listedIds).size, listedIds.length, 'an evidence record is listed twice');
      assert.deepEqual(new Set(listedIds), expectedIds, 'listed evidence ≠ acknowledged uploads');
      const keys = listedThroughA.map((e) => `${e.releaseId}/${e.kind}/${e.sha256}`);
      assert.equal(new Set(keys).size, keys.length, 'the same bytes recorded twice on a release');
      for (const evidence of listedThroughA) {
        const expected =
          acknowledged.get(evidence.id)?.sha256 ?? sharedIds.get(evidence.id)?.sha256;
        assert.equal(evidence.sha256, expected);
      }
      // Every record's bytes, through the instance that did not necessarily store them.
      await inPool(listedThroughA, CONCURRENCY, async (evidence, i) => {
        const bytes = await download(both()[i % 2] as Instance, evidence.sha256);
        assert.equal(sha256Hex(bytes), evidence.sha256);
        assert.equal(bytes.byteLength, evidence.size);
      });
    });

    it('keeps one gap-free audit log: each record logged exactly once', async () => {
      const [throughA, throughB] = await Promise.all([allLogEntries(a), allLogEntries(b, 50)]);
      assert.deepEqual(throughB, throughA);
      assertGapFree(throughA);
      // token.created, 2 × RELEASES releases, every distinct evidence record.
      assert.equal(throughA.length, 1 + 2 * RELEASES + UPLOADS + SHARED_FILES);
      const attached = throughA
        .filter((entry) => entry.action === 'evidence.attached')
        .map((entry) => String((entry.details as { evidence?: unknown }).evidence));
      assert.equal(new Set(attached).size, attached.length, 'an evidence record logged twice');
      assert.equal(attached.length, UPLOADS + SHARED_FILES);
      for (const id of acknowledged.keys()) assert.ok(attached.includes(id), `${id} not logged`);
      const created = throughA.filter((entry) => entry.action === 'release.created');
      assert.equal(created.length, 2 * RELEASES);
    });

    it('signs checkpoints through both instances that all belong to the one log', async () => {
      const finals = await Promise.all(both().map(checkpointOf));
      assert.equal(finals[0]?.size, finals[1]?.size);
      assert.equal(finals[0]?.note, finals[1]?.note, 'the same size, the same stored checkpoint');
      const entries = await allLogEntries(b);
      assert.equal(finals[0]?.size, entries.length);
      const stored = await storedCheckpoints(a);
      assert.deepEqual(await storedCheckpoints(b), stored);
      // Every checkpoint an instance answered with is the one stored for that size.
      const storedBySize = new Map(stored.map((checkpoint) => [checkpoint.size, checkpoint]));
      for (const seen of [...observedCheckpoints, ...finals]) {
        assert.equal(storedBySize.get(seen.size)?.note, seen.note, `checkpoint ${seen.size}`);
      }
      assert.ok(stored.length >= 2, `only ${stored.length} checkpoints were signed`);
      const published = await getJson<LogKeys>(a, '/v1/log/keys');
      assert.deepEqual(await getJson<LogKeys>(b, '/v1/log/keys'), published);
      assertCheckpointsConsistent(
        [...stored, ...observedCheckpoints],
        entries,
        published.keys.map((key) => key.verifierKey),
        published.origin,
      );
    });

    it('runs every job exactly once, on one instance or the other, both taking part', async () => {
      const deadline = Date.now() + 60_000;
      let done = 0;
      while (Date.now() < deadline) {
        done = (await queue.listJobs({ limit: 500, kind: PROBE_KIND, state: 'done' })).items.length;
        if (done === JOBS) break;
        await sleep(50);
      }
      assert.equal(done, JOBS, 'not every probe job finished within 60 s');

      const runs = await adminQuery(
        `SELECT dedupe_key, pid FROM "${cluster.schema.name}".job_probe_runs`,
      );
      const perKey = new Map<string, number>();
      for (const row of runs.rows as { dedupe_key: string }[]) {
        perKey.set(row.dedupe_key, (perKey.get(row.dedupe_key) ?? 0) + 1);
      }
      assert.equal(perKey.size, JOBS, 'every probe job ran');
      const twice = [...perKey].filter(([, count]) => count !== 1);
      assert.deepEqual(twice, [], 'a probe job ran more than once');
      const pids = new Set((runs.rows as { pid: number }[]).map((row) => row.pid));
      assert.deepEqual(
        pids,
        new Set(cluster.servers.map((server) => server.process.pid)),
        'both instances ran probe jobs',
      );

      // The periodic checkpoint job: one per interval however many instances schedule it, each
      // finished on its first attempt; nothing failed anywhere.
      const all = await getJson<JobPageJson>(b, '/v1/jobs?limit=500');
      assert.equal(all.nextCursor, null);
      assert.deepEqual(await getJson<JobPageJson>(a, '/v1/jobs?limit=500'), all);
      assert.equal(all.counts.failed, 0);
      assert.equal(all.counts.dead, 0);
      const checkpointJobs = all.items.filter((job) => job.kind === 'log.checkpoint');
      assert.ok(checkpointJobs.length >= 2, `${checkpointJobs.length} checkpoint jobs`);
      const slots = checkpointJobs.map((job) => job.dedupeKey);
      assert.equal(new Set(slots).size, slots.length);
      for (const job of [...checkpointJobs, ...all.items.filter((j) => j.kind === PROBE_KIND)]) {
        if (job.state === 'done') assert.equal(job.attempts, 1, `${job.dedupeKey} ran twice`);
      }
    });

    it('counts approvals signed at the same instant through both, and answers gate queries through both', async () => {
      const send = (
        instance: Instance,
        method: string,
        path: string,
        body: unknown,
        token?: string,
      ) =>
        fetch(`${instance.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token ?? instance.token}`,
            'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json',
          },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
      const policy = await readFile(
        new URL('../fixtures/policies/approvals.yaml', import.meta.url),
        'utf8',
      );
      assert.equal((await send(a, 'PUT', '/v1/policies/default', policy)).status, 200);
      const sessions: Record<string, string> = {};
      for (const [who, instance] of [
        ['erin', a],
        ['frank', b],
      ] as const) {
        const created = await send(a, 'POST', '/v1/users', {
          username: who,
          fullName: `${who} Example`,
          password: `${who} password 1`,
          roles: ['engineering'],
        });
        assert.equal(created.status, 201, await created.clone().text());
        const login = await fetch(`${instance.url}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: who, password: `${who} password 1` }),
        });
        sessions[who] = (await login.json()).token;
      }
      const releaseId = releaseIds[0] as string;
      const sign = (instance: Instance, who: string) =>
        send(
          instance,
          'POST',
          `/v1/releases/${releaseId}/approvals`,
          { role: 'engineering', meaning: 'Code reviewed', password: `${who} password 1` },
          sessions[who],
        );
      const gate = (instance: Instance) =>
        getJson<{
          decision: {
            decisionHash: string;
            outcomes: { id: string; status: string; reason: string }[];
          };
        }>(instance, `/v1/releases/${releaseId}/gate?env=production`);
      const [signed, gates] = await Promise.all([
        Promise.all([sign(a, 'erin'), sign(b, 'erin'), sign(b, 'frank')]),
        Promise.all(Array.from({ length: 10 }, (_, i) => gate(both()[i % 2] as Instance))),
      ]);
      assert.deepEqual(
        signed.map((response) => response.status).sort(),
        [201, 201, 403],
        'erin once, frank once; erin again is refused',
      );
      assert.ok(gates.length === 10);
      const [viewA, viewB] = await Promise.all(
        [a, b].map((instance) =>
          getJson<{ signatures: { signer: { username: string }; status: string }[] }>(
            instance,
            `/v1/releases/${releaseId}/approvals`,
          ),
        ),
      );
      assert.deepEqual(viewA, viewB);
      assert.deepEqual(viewA?.signatures.map((s) => s.signer.username).sort(), ['erin', 'frank']);
      const [finalA, finalB] = await Promise.all([gate(a), gate(b)]);
      assert.equal(finalA.decision.decisionHash, finalB.decision.decisionHash);
      const engineering = finalA.decision.outcomes.find((o) => o.id === 'approval:engineering');
      assert.equal(engineering?.status, 'passed', engineering?.reason);
      // Each decision the gate gave was recorded once: no two recorded in a row are the same.
      const history = await getJson<{ items: { environment: string; decisionHash: string }[] }>(
        a,
        `/v1/releases/${releaseId}/gate/history`,
      );
      const production = history.items.filter((item) => item.environment === 'production');
      for (let i = 1; i < production.length; i++) {
        assert.notEqual(production[i]?.decisionHash, production[i - 1]?.decisionHash);
      }
    });

    it('passes `dossier log verify` with the pinned key through either instance', async () => {
      const expected = (await checkpointOf(a)).size;
      assert.equal(await verifyLogWithCli(a), expected);
      assert.equal(await verifyLogWithCli(b), expected);
    });
  });
});

/**
 * SIGKILL of a server process in the middle of evidence uploads: every upload it acknowledged
 * (201) is there afterwards with its exact bytes, no evidence record points at missing bytes, the
 * audit log still verifies, and (on PostgreSQL) the other instance keeps serving throughout.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { EvidenceJson } from '../../src/core/wire-schemas.ts';
import { whenPostgresReachable } from '../../src/store/postgres/test-database.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import {
  allLogEntries,
  assertGapFree,
  call,
  createRelease,
  download,
  type Instance,
  inPool,
  junitReport,
  listEvidence,
  type PostgresCluster,
  sha256Hex,
  sleep,
  startPostgresCluster,
  TOKEN,
  UnexpectedAnswer,
  upload,
  verifyLogWithCli,
} from './support.ts';

/** The victim is killed once it has acknowledged this many uploads. */
const ACKED_BEFORE_KILL = 40;

interface Sent {
  name: string;
  body: Buffer;
  /** The answer's evidence, when the server acknowledged the upload with 201. */
  acknowledged?: EvidenceJson;
}

/**
 * Keeps `concurrency` uploads of distinct files in flight to `instance` until `stop()` returns
 * true or the connection fails (the process died). An HTTP answer other than 201 fails the test.
 */
async function uploadStream(
  instance: Instance,
  releaseId: string,
  prefix: string,
  concurrency: number,
  stop: () => boolean,
  sent: Sent[],
): Promise<{ connectionFailures: number }> {
  let connectionFailures = 0;
  let counter = 0;
  const worker = async () => {
    while (!stop()) {
      const name = `TEST-${prefix}-${counter++}.xml`;
      const item: Sent = { name, body: junitReport(name) };
      sent.push(item);
      try {
        const answer = await upload(instance, releaseId, 'junit', name, item.body);
        assert.equal(answer.status, 201, `${name}: ${JSON.stringify(answer)}`);
        assert.equal(answer.evidence.sha256, sha256Hex(item.body));
        item.acknowledged = answer.evidence;
      } catch (error) {
        if (error instanceof UnexpectedAnswer || error instanceof assert.AssertionError) {
          throw error;
        }
        // The process went away mid-request: that upload is unacknowledged, and so is the rest.
        connectionFailures++;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connectionFailures };
}

/**
 * What must hold after the crash, checked through `survivor`: every acknowledged upload listed
 * with its id and exact bytes; every listed record's bytes downloadable and matching; nothing
 * listed that was never sent.
 */
async function assertNothingLost(survivor: Instance, releaseId: string, sent: readonly Sent[]) {
  const listed = await listEvidence(survivor, releaseId);
  const byId = new Map(listed.map((evidence) => [evidence.id, evidence]));
  const byName = new Map(sent.map((item) => [item.name, item]));
  const acknowledged = sent.filter((item) => item.acknowledged);
  for (const item of acknowledged) {
    const evidence = byId.get(item.acknowledged?.id ?? '');
    assert.ok(evidence, `acknowledged upload ${item.name} (${item.acknowledged?.id}) was lost`);
    assert.equal(evidence.sha256, sha256Hex(item.body));
  }
  const names = listed.map((evidence) => evidence.name);
  assert.equal(new Set(names).size, names.length, 'an upload was recorded twice');
  await inPool(listed, 8, async (evidence) => {
    const item = byName.get(evidence.name);
    assert.ok(item, `evidence ${evidence.name} was never sent`);
    const bytes = await download(survivor, evidence.sha256);
    assert.equal(sha256Hex(bytes), sha256Hex(item.body), `${evidence.name}: bytes differ`);
    assert.equal(evidence.size, item.body.byteLength);
  });
  const release = await call(survivor, `/v1/releases/${releaseId}`);
  assert.equal(((await release.json()) as { evidenceCount: number }).evidenceCount, listed.length);
  const entries = await allLogEntries(survivor);
  assertGapFree(entries);
  const logged = entries
    .filter((entry) => entry.action === 'evidence.attached')
    .map((entry) => String((entry.details as { evidence?: unknown }).evidence));
  assert.deepEqual(
    new Set(logged),
    new Set(listed.map((evidence) => evidence.id)),
    'every evidence record has exactly its one log entry',
  );
  assert.equal(logged.length, listed.length);
  return { listed: listed.length, acknowledged: acknowledged.length };
}

function killWhen(server: StartedServer, ready: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = setInterval(() => {
      if (ready() || Date.now() > deadline) {
        clearInterval(poll);
        if (!ready()) reject(new Error('the victim acknowledged too few uploads in 30 s'));
        const exited = new Promise((done) => server.process.once('exit', done));
        server.process.kill('SIGKILL');
        exited.then(() => resolve(), reject);
      }
    }, 2);
  });
}

await whenPostgresReachable('SIGKILL of one of two instances on PostgreSQL', () => {
  describe('two instances on PostgreSQL, one killed with SIGKILL mid-uploads', () => {
    let cluster: PostgresCluster;
    let victim: StartedServer;
    let survivor: StartedServer;
    before(async () => {
      cluster = await startPostgresCluster(2);
      [victim, survivor] = cluster.servers as [StartedServer, StartedServer];
    });
    after(async () => {
      await cluster?.stop();
    });

    it('loses no acknowledged upload, leaves no half-written record, and B keeps serving', async (t) => {
      const release = await createRelease(survivor, 'crash-pg', '1.0.0');
      const sent: Sent[] = [];
      let killed = false;
      let stopSurvivor = false;
      const ackedByVictim = () =>
        sent.filter((item) => item.name.includes('-a-') && item.acknowledged).length;

      // B answers health checks and list requests the whole time.
      const probeFailures: string[] = [];
      let probes = 0;
      let probesAfterKill = 0;
      const prober = (async () => {
        while (!stopSurvivor) {
          try {
            const health = await call(survivor, '/healthz');
            const list = await call(survivor, `/v1/releases/${release.id}/evidence`);
            await list.arrayBuffer();
            if (health.status !== 200 || list.status !== 200) {
              probeFailures.push(`healthz ${health.status}, list ${list.status}`);
            }
          } catch (error) {
            probeFailures.push(String(error));
          }
          probes++;
          if (killed) probesAfterKill++;
          await sleep(20);
        }
      })();

      const victimStream = uploadStream(victim, release.id, 'a', 6, () => false, sent);
      const survivorStream = uploadStream(survivor, release.id, 'b', 2, () => stopSurvivor, sent);
      await killWhen(victim, () => ackedByVictim() >= ACKED_BEFORE_KILL);
      killed = true;
      const victimResult = await victimStream;
      const ackedAtKill = sent.filter((item) => item.acknowledged).length;
      // B goes on taking uploads after A died (its advisory lock, if held, went with it).
      const deadline = Date.now() + 10_000;
      while (sent.filter((item) => item.acknowledged).length < ackedAtKill + 30) {
        assert.ok(Date.now() < deadline, 'B took fewer than 30 uploads in 10 s after the kill');
        await sleep(10);
      }
      stopSurvivor = true;
      const survivorResult = await survivorStream;
      await prober;

      assert.equal(victim.process.signalCode, 'SIGKILL');
      assert.ok(victimResult.connectionFailures > 0, 'the kill cut off uploads in flight to A');
      assert.equal(survivorResult.connectionFailures, 0, 'an upload to B failed');
      assert.deepEqual(probeFailures, [], 'B failed a request while A was killed');
      assert.ok(probesAfterKill > 0 && probes > probesAfterKill);

      const counts = await assertNothingLost(survivor, release.id, sent);
      t.diagnostic(
        `sent ${sent.length}, acknowledged ${counts.acknowledged}, recorded ${counts.listed}; ` +
          `${victimResult.connectionFailures} uploads cut off by the kill; B answered ${probes} probes`,
      );
      assert.ok(counts.acknowledged >= ACKED_BEFORE_KILL + 30);
      assert.ok(counts.listed >= counts.acknowledged);
      await verifyLogWithCli(survivor);
    });
  });
});

describe('one instance on a data directory (SQLite), killed with SIGKILL mid-uploads', () => {
  let dataDir: string;
  let servers: StartedServer[] = [];
  before(async () => {
    dataDir = await makeTempDir('dossier-crash-');
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged upload across the restart, and the log verifies', async (t) => {
    const first = await startServer({ dataDir, token: TOKEN });
    servers = [first];
    const release = await createRelease(first, 'crash-sqlite', '1.0.0');
    const sent: Sent[] = [];
    const stream = uploadStream(first, release.id, 'a', 8, () => false, sent);
    await killWhen(first, () => sent.filter((item) => item.acknowledged).length >= 60);
    const result = await stream;
    assert.equal(first.process.signalCode, 'SIGKILL');
    assert.ok(result.connectionFailures > 0, 'the kill cut off uploads in flight');

    const second = await startServer({ dataDir, token: TOKEN });
    servers = [second];
    const counts = await assertNothingLost(second, release.id, sent);
    t.diagnostic(
      `sent ${sent.length}, acknowledged ${counts.acknowledged}, recorded ${counts.listed}; ` +
        `${result.connectionFailures} uploads cut off by the kill`,
    );
    assert.ok(counts.acknowledged >= 60);
    // The restarted server takes new work and signs over the whole log.
    const more = junitReport('after-restart');
    const answer = await upload(second, release.id, 'junit', 'TEST-after.xml', more);
    assert.equal(answer.status, 201);
    assert.equal(await verifyLogWithCli(second), (await allLogEntries(second)).length);
  });
});

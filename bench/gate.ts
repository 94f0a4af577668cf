import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Actor } from '../src/core/actor.ts';
import type { Evidence, EvidenceKind } from '../src/core/evidence-record.ts';
import { GOOD_SUMMARIES } from '../src/core/policy/fixtures/gate-inputs.ts';
import type { Release } from '../src/core/release.ts';
import { openDataDir } from '../src/service/open-data-dir.ts';
import { startServer } from '../test/support/start-server.ts';
import type { Benchmark, ResultRow } from './benchmark.ts';

const RELEASES = 100_000;
const EVIDENCE_PER_RELEASE = 10;
/** Releases per change request: a change usually ships in a few builds. */
const RELEASES_PER_CHANGE = 4;
const REQUESTS = 2_000;
const REPETITIONS = 3;
const ENVIRONMENT = 'production';
const admin: Actor = { id: 'token:bench', roles: ['admin'] };

const KINDS: readonly EvidenceKind[] = [
  'junit',
  'junit',
  'coverage',
  'sarif',
  'sbom',
  'vuln-scan',
  'provenance',
  'rollback-plan',
  'validation',
  'review',
];

/**
 * Gate latency: `GET /v1/releases/{id}/gate?env=production` over HTTP (keep-alive, one request
 * at a time) on an embedded store holding 100,000 releases and 1,000,000 evidence records, under
 * examples/policies/regulated.yaml, next to the same server's `GET /healthz` in the same run.
 * Two gate figures: a repeat ask (the decision is already recorded: read, evaluate, compare hash)
 * and a first ask (the decision is new: it is recorded with its audit entry, one durable commit).
 * Goal: p99 under 5 ms and under 3× the /healthz p99.
 */
export const gateBenchmark: Benchmark = {
  name: 'gate',
  async run({ tempDir, progress }) {
    const dataDir = join(tempDir, 'gate');
    const ids = await populate(dataDir, progress);
    const server = await startServer({ dataDir });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) => timedGet(server.url, server.token, path, agent);
    try {
      const pick = (i: number) => ids[(i * 7919) % ids.length] as string;
      const rows = {
        healthz: [] as Latencies[],
        repeat: [] as Latencies[],
        first: [] as Latencies[],
      };
      // Warm up, and record the decisions the repeat asks will find.
      const warm = Array.from({ length: REQUESTS }, (_, i) => pick(i));
      for (const id of warm) await get(`/v1/releases/${id}/gate?env=${ENVIRONMENT}`);
      let fresh = REQUESTS * 2;
      for (let rep = 0; rep < REPETITIONS; rep++) {
        progress(`gate: repetition ${rep + 1}/${REPETITIONS}`);
        rows.healthz.push(await measure(REQUESTS, () => get('/healthz')));
        rows.repeat.push(
          await measure(REQUESTS, (i) => get(`/v1/releases/${warm[i]}/gate?env=${ENVIRONMENT}`)),
        );
        rows.first.push(
          await measure(REQUESTS, () =>
            get(`/v1/releases/${pick(fresh++)}/gate?env=${ENVIRONMENT}`),
          ),
        );
      }
      const workload = `${RELEASES.toLocaleString('en')} releases, ${(RELEASES * EVIDENCE_PER_RELEASE).toLocaleString('en')} evidence; ${REQUESTS} sequential requests × ${REPETITIONS}`;
      const row = (
        id: string,
        label: string,
        values: Latencies[],
        key: 'p50' | 'p99',
        baseline?: string,
        note?: string,
      ): ResultRow => ({
        id,
        label,
        workload,
        unit: 'ms',
        runs: values.map((v) => v[key]),
        ...(baseline ? { baseline } : {}),
        ...(note ? { note } : {}),
      });
      return [
        row('gate.healthz.p50', 'GET /healthz p50', rows.healthz, 'p50'),
        row('gate.healthz.p99', 'GET /healthz p99', rows.healthz, 'p99'),
        row(
          'gate.repeat.p50',
          'gate p50, decision already recorded',
          rows.repeat,
          'p50',
          'gate.healthz.p50',
        ),
        row(
          'gate.repeat.p99',
          'gate p99, decision already recorded',
          rows.repeat,
          'p99',
          'gate.healthz.p99',
          'goal: < 5 ms and < 3× /healthz p99',
        ),
        row(
          'gate.first.p50',
          'gate p50, new decision recorded',
          rows.first,
          'p50',
          'gate.healthz.p50',
        ),
        row(
          'gate.first.p99',
          'gate p99, new decision recorded',
          rows.first,
          'p99',
          'gate.healthz.p99',
          'includes a durable commit (fsync) of the decision and its audit entry',
        ),
      ];
    } finally {
      agent.destroy();
      await server.stop();
    }
  },
};

interface Latencies {
  p50: number;
  p99: number;
}

async function measure(count: number, send: (i: number) => Promise<number>): Promise<Latencies> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await send(i));
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

function timedGet(base: string, token: string, path: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(
      `${base}${path}`,
      { agent, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        response.on('end', () => {
          if ((response.statusCode ?? 0) !== 200) {
            reject(new Error(`${path}: HTTP ${response.statusCode}`));
            return;
          }
          resolve(Number(process.hrtime.bigint() - start) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Writes the data set straight through the store (releases and evidence records, no blobs and
 * no per-record audit entries: a fixture, not a history), then applies the policy and assesses
 * the change requests through the services, as a user would.
 */
async function populate(dataDir: string, progress: (m: string) => void): Promise<string[]> {
  const services = await openDataDir({ dataDir, maxUploadBytes: 1024 * 1024 });
  const store = services.deps.store;
  const ids: string[] = [];
  try {
    await services.policies.apply(
      admin,
      await readFile(new URL('../examples/policies/regulated.yaml', import.meta.url), 'utf8'),
    );
    await services.services.put(admin, 'svc-0', { criticality: 3 });
    const changes = Math.ceil(RELEASES / RELEASES_PER_CHANGE);
    const batch = 2_000;
    for (let start = 0; start < RELEASES; start += batch) {
      if (start % 20_000 === 0) progress(`gate: writing releases ${start}/${RELEASES}`);
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(RELEASES, start + batch); i++) {
          const change = `CHG-${(i % changes) + 1}`;
          const release = benchRelease(i, change);
          ids.push(release.id);
          await tx.insertRelease(release);
          for (let k = 0; k < EVIDENCE_PER_RELEASE; k++) {
            await tx.insertEvidence(benchEvidence(release.id, k));
          }
        }
      });
    }
    progress('gate: change requests and risk assessments');
    const riskChanges = Math.min(changes, 500);
    for (let n = 1; n <= riskChanges; n++) {
      await services.changes.create(admin, {
        id: `CHG-${n}`,
        service: `svc-${n % 50}`,
        title: `Change ${n}`,
        type: 'code',
        reason: 'benchmark',
      });
      await services.services.put(admin, `svc-${n % 50}`, { criticality: 3 });
    }
    for (let n = 1; n <= riskChanges; n++) {
      await services.changes.assessRisk(admin, `CHG-${n}`, {
        scope: 1 + (n % 3),
        customerImpact: 1 + (n % 4),
        rollbackComplexity: 2,
      });
    }
  } finally {
    await services.close();
  }
  return ids;
}

function benchRelease(i: number, change: string): Release {
  return {
    id: `rel_${String(i).padStart(26, '0')}`,
    tag: `svc-${i % 50}@1.${i}.0+${change.toLowerCase()}`,
    service: `svc-${i % 50}`,
    version: `1.${i}.0`,
    commit: randomBytes(20).toString('hex'),
    change,
    artifacts: [],
    state: 'draft',
    createdAt: '2026-11-23T10:00:00.000Z',
    createdBy: 'token:bench',
    evidenceCount: 0,
  };
}

function benchEvidence(releaseId: string, k: number): Evidence {
  const kind = KINDS[k] ?? 'custom';
  return {
    id: `evd_${releaseId.slice(4)}${String(k).padStart(2, '0')}`,
    releaseId,
    kind,
    name: `${kind}-${k}`,
    size: 1000 + k,
    sha256: randomBytes(32).toString('hex'),
    mediaType: 'application/octet-stream',
    format: null,
    summary: GOOD_SUMMARIES[kind],
    submittedBy: 'token:bench',
    submittedAt: '2026-11-23T10:00:01.000Z',
    ciContext: null,
  };
}

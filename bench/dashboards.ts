import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { SignatureRecord } from '../src/core/approval/signature.ts';
import type { ChangeRequest } from '../src/core/change/change-request.ts';
import type { Deployment } from '../src/core/deployment/deployment.ts';
import type { ExceptionRecord } from '../src/core/exception/exception.ts';
import type { GateOutcome } from '../src/core/policy/evaluate-gate.ts';
import type { GateDecisionRecord } from '../src/core/policy/gate-record.ts';
import type { Release } from '../src/core/release.ts';
import type { RiskRecord } from '../src/core/risk/risk-record.ts';
import { openDataDir } from '../src/service/open-data-dir.ts';
import { releaseListingSql } from '../src/store/release-listing-sql.ts';
import { startServer } from '../test/support/start-server.ts';
import type { Benchmark, ResultRow } from './benchmark.ts';

const RELEASES = 100_000;
const SERVICES = 50;
const RELEASES_PER_CHANGE = 4;
const CLASSES = ['low', 'medium', 'high', 'critical'];
/** The data spans a year; a release every ~5 minutes. */
const END = Date.parse('2026-11-23T00:00:00.000Z');
const SPAN_MS = 365 * 86_400_000;
const REQUESTS = 100;
const REPETITIONS = 3;

const PERIODS = {
  year: `from=${new Date(END - SPAN_MS).toISOString()}&to=${new Date(END).toISOString()}`,
  quarter: `from=${new Date(END - 91 * 86_400_000).toISOString()}&to=${new Date(END).toISOString()}`,
};

const ENDPOINTS = [
  ['throughput', '/v1/dashboards/throughput'],
  ['evidence', '/v1/dashboards/evidence'],
  ['delivery', '/v1/dashboards/delivery?env=production'],
  ['approval-cycles', '/v1/dashboards/approval-cycles'],
  ['approvals', '/v1/dashboards/approvals'],
  ['exceptions', '/v1/dashboards/exceptions'],
] as const;
/** Exceptions requested over the year, a half of them approved. */
const EXCEPTIONS = 2_000;

/**
 * Dashboard latency: each `GET /v1/dashboards/…` over HTTP (keep-alive, one request at a time) on
 * an embedded store holding 100,000 releases over a year, 25,000 assessed change requests, a
 * latest gate decision per release (a fifth missing evidence), and ~190,000 deployments, for a
 * quarter and for the whole year (every release), next to `GET /healthz` in the same run.
 * Goal: p99 under 100 ms. The approval dashboards read ~72,000 qa approval cycles (each allowed
 * release waited for qa from its first decision to a signature 1 h to 3 d later) and ~28,000
 * releases still waiting; exception aging reads 2,000 exceptions. Also the release list filtered
 * by latest production gate, and by "pending my approval" (blocked releases wait for qa) for a qa
 * approver and for a role nothing waits for; for the latter the store's query is also timed
 * directly under both plans (a probe per release in sort order, as before; driven from the
 * waiting rows, as now) in the same run.
 */
export const dashboardsBenchmark: Benchmark = {
  name: 'dashboards',
  async run({ tempDir, progress }) {
    const dataDir = join(tempDir, 'dashboards');
    await populate(dataDir, progress);
    const server = await startServer({ dataDir });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // "Pending my approval" is asked as a person: one who holds qa (a fifth-odd of releases wait
      // for qa) and one whose role nothing waits for (the query then finds no row at all).
      const sessions = {
        qa: await signedIn(server.url, server.token, 'bench-qa', 'qa'),
        product: await signedIn(server.url, server.token, 'bench-product', 'product'),
      };
      const tokenFor = (path: string) =>
        path.includes('pending=mine&as=qa')
          ? sessions.qa
          : path.includes('pending=mine&as=product')
            ? sessions.product
            : server.token;
      const get = (path: string) => timedGet(server.url, tokenFor(path), path, agent);
      const paths: Array<[string, string, string]> = [['healthz', 'GET /healthz', '/healthz']];
      for (const [name, path] of ENDPOINTS) {
        for (const [periodName, query] of Object.entries(PERIODS)) {
          const joiner = path.includes('?') ? '&' : '?';
          paths.push([
            `${name}.${periodName}`,
            `${path} (${periodName})`,
            `${path}${joiner}${query}`,
          ]);
        }
      }
      paths.push([
        'list.blocked',
        'GET /v1/releases?env=production&gate=blocked (first page)',
        '/v1/releases?env=production&gate=blocked&limit=50',
      ]);
      paths.push([
        'list.risk-sorted',
        'GET /v1/releases?riskClass=high&sort=tag&order=asc (first page)',
        '/v1/releases?riskClass=high&sort=tag&order=asc&limit=50',
      ]);
      // `as` is ignored by the server (unknown query keys are); it picks the session here.
      paths.push([
        'list.pending-qa',
        'GET /v1/releases?pending=mine as a qa approver (first page)',
        '/v1/releases?pending=mine&as=qa&limit=50',
      ]);
      paths.push([
        'list.pending-none',
        'GET /v1/releases?pending=mine, nothing waits for the role (empty)',
        '/v1/releases?pending=mine&as=product&limit=50',
      ]);
      for (const [, , path] of paths) for (let i = 0; i < 10; i++) await get(path);
      const results = new Map<string, Latencies[]>();
      for (let rep = 0; rep < REPETITIONS; rep++) {
        progress(`dashboards: repetition ${rep + 1}/${REPETITIONS}`);
        for (const [id, , path] of paths) {
          const list = results.get(id) ?? [];
          list.push(await measure(REQUESTS, () => get(path)));
          results.set(id, list);
        }
      }
      const plans = await measurePendingPlans(join(dataDir, 'dossier.db'), progress);
      const workload = `${RELEASES.toLocaleString('en')} releases over a year; ${REQUESTS} sequential requests × ${REPETITIONS}`;
      const rows: ResultRow[] = [...plans];
      for (const [id, label] of paths) {
        for (const key of ['p50', 'p99'] as const) {
          rows.push({
            id: `dashboards.${id}.${key}`,
            label: `${label} ${key}`,
            workload,
            unit: 'ms',
            runs: (results.get(id) ?? []).map((v) => v[key]),
            ...(id === 'healthz' ? {} : { baseline: `dashboards.healthz.${key}` }),
            ...(key === 'p99' && id !== 'healthz' && !id.startsWith('list')
              ? { note: 'goal: < 100 ms' }
              : {}),
          });
        }
      }
      return rows;
    } finally {
      agent.destroy();
      await server.stop();
    }
  },
};

/** Creates a person with one role through the API and signs them in: their session token. */
async function signedIn(base: string, admin: string, username: string, role: string) {
  const password = `${username} bench password`;
  const created = await fetch(`${base}/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, fullName: username, password, roles: [role] }),
  });
  if (created.status !== 201) throw new Error(`create ${username}: ${await created.text()}`);
  const session = await fetch(`${base}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (session.status !== 201) throw new Error(`sign in ${username}: ${await session.text()}`);
  return ((await session.json()) as { token: string }).token;
}

interface Latencies {
  p50: number;
  p99: number;
}

async function measure(count: number, send: () => Promise<number>): Promise<Latencies> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await send());
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

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Writes the data set straight through the store in large transactions: a fixture, not a
 * history (no audit entries), but every read model kept as the services would keep it.
 */
async function populate(dataDir: string, progress: (m: string) => void): Promise<void> {
  const services = await openDataDir({ dataDir, maxUploadBytes: 1024 * 1024 });
  const store = services.deps.store;
  const next = random(42);
  const changes = Math.ceil(RELEASES / RELEASES_PER_CHANGE);
  try {
    progress('dashboards: change requests and risk assessments');
    await store.transaction(async (tx) => {
      for (let n = 1; n <= changes; n++) {
        await tx.insertChange(benchChange(n));
        await tx.insertRiskRecord(
          benchRisk(n, CLASSES[Math.floor(next() * CLASSES.length)] ?? 'low'),
        );
      }
    });
    const batch = 5_000;
    for (let start = 0; start < RELEASES; start += batch) {
      if (start % 20_000 === 0) progress(`dashboards: writing releases ${start}/${RELEASES}`);
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(RELEASES, start + batch); i++) {
          const created = END - SPAN_MS + Math.floor((i / RELEASES) * SPAN_MS);
          const release = benchRelease(i, created);
          await tx.insertRelease(release);
          const missing = next() < 0.2;
          const failing = next() < 0.1;
          const blocked = missing || failing;
          if (!blocked) {
            // It waited for qa first: a decision asking for it, then the signature.
            await tx.insertGateDecision(gate(release, true, false, false, created + 300_000));
            const signedAt = created + 3_600_000 + Math.floor(next() * 3 * 86_400_000);
            await tx.insertSignature(qaSignature(release, signedAt));
            await tx.insertGateDecision(gate(release, false, false, false, signedAt + 60_000));
          } else {
            await tx.insertGateDecision(
              gate(release, blocked, missing, failing, created + 600_000),
            );
          }
          await tx.insertDeployment(deploy(release, 'staging', 'succeeded', created + 1_800_000));
          if (blocked) continue;
          const roll = next();
          const status = roll < 0.05 ? 'failed' : roll < 0.08 ? 'rolled-back' : 'succeeded';
          const lead = 3_600_000 + Math.floor(next() * 3 * 86_400_000);
          await tx.insertDeployment(deploy(release, 'production', status, created + lead));
        }
      });
    }
    progress('dashboards: exceptions');
    await store.transaction(async (tx) => {
      for (let n = 0; n < EXCEPTIONS; n++) {
        const requested = END - SPAN_MS + Math.floor((n / EXCEPTIONS) * SPAN_MS);
        const exception = benchException(n, requested, requested + (1 + (n % 60)) * 86_400_000);
        await tx.insertException(exception);
        if (n % 2 === 0) {
          await tx.insertExceptionApproval(exception.id, {
            approvedBy: 'user:bench-approver',
            role: 'qa',
            approvedAt: new Date(requested + 3_600_000).toISOString(),
          });
        }
      }
    });
  } finally {
    await services.close();
  }
}

/**
 * The release list's pending filter as the store runs it, timed on the database directly under
 * both plans for a role nothing waits for and for qa (~28,000 waiting rows): the probing scan in
 * sort order (the only plan before) and the plan driven from the waiting rows (chosen now when
 * fewer than PENDING_DRIVE_LIMIT rows wait). Each plan's median over REQUESTS runs, per repetition.
 */
async function measurePendingPlans(
  path: string,
  progress: (m: string) => void,
): Promise<ResultRow[]> {
  progress('dashboards: pending filter, both plans on the database');
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows: ResultRow[] = [];
    for (const role of ['product', 'qa']) {
      for (const pendingFirst of [false, true]) {
        const params: SQLInputValue[] = [];
        const sql = releaseListingSql(
          { limit: 50, pendingRoles: [role] },
          {
            tables: {
              releases: 'releases',
              changes: 'changes',
              gateLatest: 'gate_latest',
              gatePending: 'gate_latest_pending',
            },
            param(value) {
              params.push(value);
              return `?${params.length}`;
            },
            text: (column) => column,
          },
          { pendingFirst },
        );
        const statement = db.prepare(sql);
        for (let i = 0; i < 5; i++) statement.all(...params);
        const runs: number[] = [];
        for (let rep = 0; rep < REPETITIONS; rep++) {
          const times: number[] = [];
          for (let i = 0; i < REQUESTS; i++) {
            const start = process.hrtime.bigint();
            statement.all(...params);
            times.push(Number(process.hrtime.bigint() - start) / 1e6);
          }
          times.sort((a, b) => a - b);
          runs.push(times[Math.floor(times.length / 2)] ?? 0);
        }
        const plan = pendingFirst ? 'drive' : 'scan';
        rows.push({
          id: `dashboards.sql.pending-${role}.${plan}`,
          label: `pending filter SQL for ${role === 'qa' ? 'qa (~28,000 waiting)' : 'a role nothing waits for'}, ${pendingFirst ? 'driven from the waiting rows' : 'probing scan in sort order'} (median)`,
          workload: `${RELEASES.toLocaleString('en')} releases; ${REQUESTS} queries × ${REPETITIONS}, node:sqlite`,
          unit: 'ms',
          runs,
          ...(pendingFirst ? { baseline: `dashboards.sql.pending-${role}.scan` } : {}),
          note:
            (role === 'qa') === pendingFirst
              ? 'not chosen for this role'
              : 'the plan the store chooses',
        });
      }
    }
    return rows;
  } finally {
    db.close();
  }
}

function qaSignature(release: Release, at: number): SignatureRecord {
  return {
    id: `sig_${release.id.slice(4)}`,
    releaseId: release.id,
    kind: 'approval',
    role: 'qa',
    meaning: 'QA evidence reviewed',
    signer: { username: 'bench-qa', fullName: 'Bench QA' },
    delegation: null,
    authMethod: 'password',
    signedAt: new Date(at).toISOString(),
    contentHash: 'a'.repeat(64),
    content: {
      release: { id: release.id, tag: release.tag, commit: release.commit, artifacts: [] },
      evidence: [],
      policySha256: 'b'.repeat(64),
    },
    withdraws: null,
    condition: null,
  };
}

function benchException(n: number, requested: number, expires: number): ExceptionRecord {
  return {
    id: `exc_${String(n).padStart(26, '0')}`,
    ruleId: 'tests-pass',
    scope: { service: `svc-${n % SERVICES}` },
    reason: 'benchmark',
    compensatingControl: 'benchmark',
    requestedBy: 'user:bench',
    requestedAt: new Date(requested).toISOString(),
    expiresAt: new Date(expires).toISOString(),
    approval: null,
  };
}

function benchChange(n: number): ChangeRequest {
  return {
    id: `CHG-${n}`,
    service: `svc-${n % SERVICES}`,
    title: `Change ${n}`,
    type: 'code',
    reason: 'benchmark',
    requirements: [],
    author: 'bench',
    createdAt: new Date(END - SPAN_MS).toISOString(),
    createdBy: 'token:bench',
  };
}

function benchRisk(n: number, baselineClass: string): RiskRecord {
  return {
    changeId: `CHG-${n}`,
    version: 1,
    event: 'assessed',
    stated: { scope: 2, customerImpact: 2, rollbackComplexity: 2 },
    assessment: {
      score: 10,
      baselineClass,
      baselineReason: 'benchmark',
      factors: {} as RiskRecord['assessment']['factors'],
      classes: CLASSES,
    },
    chosenClass: null,
    justification: null,
    narrativeDraft: '',
    narrative: '',
    policySha256: 'b'.repeat(64),
    recordedAt: new Date(END - SPAN_MS).toISOString(),
    recordedBy: 'token:bench',
  };
}

function benchRelease(i: number, created: number): Release {
  const change = `CHG-${Math.floor(i / RELEASES_PER_CHANGE) + 1}`;
  return {
    id: `rel_${String(i).padStart(26, '0')}`,
    tag: `svc-${i % SERVICES}@1.${i}.0+${change.toLowerCase()}`,
    service: `svc-${i % SERVICES}`,
    version: `1.${i}.0`,
    commit: randomBytes(20).toString('hex'),
    change,
    artifacts: [],
    state: 'draft',
    createdAt: new Date(created).toISOString(),
    createdBy: 'token:bench',
    evidenceCount: 0,
  };
}

function gate(
  release: Release,
  blocked: boolean,
  missing: boolean,
  failing: boolean,
  at: number,
): Omit<GateDecisionRecord, 'seq'> {
  const outcomes: GateOutcome[] = [
    {
      id: 'evidence:junit',
      requirement: 'evidence',
      status: 'passed',
      reason: 'present',
      evidenceIds: [],
    },
    {
      id: 'evidence:sbom',
      requirement: 'evidence',
      status: missing ? 'missing-evidence' : 'passed',
      reason: missing ? 'no sbom evidence' : 'present',
      evidenceIds: [],
    },
    {
      id: 'tests-pass',
      requirement: 'rule',
      status: failing ? 'failed' : 'passed',
      reason: failing ? 'junit.failed 3 > 0' : 'ok',
      evidenceIds: [],
    },
    {
      id: 'approval:qa',
      requirement: 'approval',
      status: blocked ? 'pending-approval' : 'passed',
      reason: blocked ? 'qa: 0 of 1 approval' : 'qa: 1 of 1 approval',
      evidenceIds: [],
    },
  ];
  const decision = blocked ? 'blocked' : 'allowed';
  const decisionHash = randomBytes(32).toString('hex');
  return {
    releaseId: release.id,
    service: release.service,
    environment: 'production',
    decision,
    decisionHash,
    policySha256: 'b'.repeat(64),
    decidedAt: new Date(at).toISOString(),
    decidedBy: 'token:bench',
    body: {
      decision,
      releaseId: release.id,
      environment: 'production',
      outcomes,
      decisionHash,
    } as never,
  };
}

function deploy(
  release: Release,
  environment: string,
  status: Deployment['status'],
  at: number,
): Deployment {
  return {
    id: `dep_${release.id.slice(4)}${environment[0]}`,
    releaseId: release.id,
    environment,
    status,
    at: new Date(at).toISOString(),
    source: 'bench',
    url: null,
    recordedAt: new Date(at).toISOString(),
    recordedBy: 'token:bench',
  };
}

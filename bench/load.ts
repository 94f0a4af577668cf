import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import {
  adminQuery,
  createTestSchema,
  TEST_DATABASE_URL,
} from '../src/store/postgres/test-database.ts';
import { makeTempDir, type StartedServer, startServer } from '../test/support/start-server.ts';
import type { BenchContext, Benchmark, ResultRow } from './benchmark.ts';
import { median, secondsSince } from './stats.ts';

/** Connections (and requests in flight), shared out over the instances of a setup. */
const CONNECTIONS = 16;
const MEASURE_SECONDS = 4;
const WARM_UP_SECONDS = 1;
const REPETITIONS = 3;
/** Uploads go round-robin to this many releases, as pipelines of many services would. */
const RELEASES = 16;

const GOALS: Record<SetupId, number> = { sqlite: 0.15, pg1: 0.2, pg2: 0.2 };

type SetupId = 'sqlite' | 'pg1' | 'pg2';
type Workload = 'healthz' | 'json' | 'junit';
const WORKLOADS: readonly Workload[] = ['healthz', 'json', 'junit'];

interface Setup {
  id: SetupId;
  label: string;
  servers: StartedServer[];
  stop(): Promise<void>;
}

/**
 * Evidence submissions per second over HTTP on 127.0.0.1, durable (every answer a 201 sent after
 * the commit), for SQLite, PostgreSQL with one instance and PostgreSQL with two (the load spread
 * over both), each next to the same servers' empty-route rate (GET /healthz) measured in the same
 * run with the same client and concurrency; with the CPU time every process spent meanwhile:
 * each server, every PostgreSQL process, and this load generator. All of them share the
 * machine's cores, so the CPU figures name what bounds each rate.
 */
export const loadBenchmark: Benchmark = {
  name: 'load',
  async run(context) {
    const only = selectedSetups(process.env.DOSSIER_BENCH_LOAD_SETUPS);
    const setups: (() => Promise<Setup>)[] = [];
    if (only.has('sqlite')) setups.push(() => sqliteSetup());
    if (only.has('pg1') || only.has('pg2')) {
      const unreachable = await adminQuery('SELECT 1').then(
        () => undefined,
        (error: Error) => error.message || error.name,
      );
      if (unreachable === undefined) {
        if (only.has('pg1')) setups.push(() => postgresSetup(1));
        if (only.has('pg2')) setups.push(() => postgresSetup(2));
      } else context.progress(`load: PostgreSQL unreachable (${unreachable}); skipping it`);
    }

    const measured: Measured[] = [];
    for (const open of setups) {
      const setup = await open();
      try {
        measured.push(await measureSetup(setup, context));
      } finally {
        await setup.stop();
      }
    }
    return rowsOf(measured);
  },
};

// --- Setups -----------------------------------------------------------------------------------

const SETUP_IDS: readonly SetupId[] = ['sqlite', 'pg1', 'pg2'];

/** `DOSSIER_BENCH_LOAD_SETUPS=pg1,pg2` measures only those setups; unset, all of them. */
function selectedSetups(list: string | undefined): Set<SetupId> {
  if (!list) return new Set(SETUP_IDS);
  const named = list.split(',').map((name) => name.trim());
  const unknown = named.filter((name) => !SETUP_IDS.includes(name as SetupId));
  if (unknown.length > 0) {
    throw new Error(
      `DOSSIER_BENCH_LOAD_SETUPS names ${unknown.join(', ')}; known: ${SETUP_IDS.join(', ')}`,
    );
  }
  return new Set(named as SetupId[]);
}

async function sqliteSetup(): Promise<Setup> {
  const server = await startServer();
  return {
    id: 'sqlite',
    label: 'SQLite, 1 instance',
    servers: [server],
    stop: () => server.stop(),
  };
}

async function postgresSetup(instances: 1 | 2): Promise<Setup> {
  const schema = await createTestSchema();
  // Shared: the data directory holds the log's signing keys, which every instance must share.
  const dataDir = await makeTempDir('dossier-bench-load-');
  const servers: StartedServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await schema.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startServer({
          dataDir,
          env: {
            DOSSIER_DATABASE_URL: TEST_DATABASE_URL,
            DOSSIER_DATABASE_SCHEMA: schema.name,
            DOSSIER_BLOB_STORE: 'postgres',
          },
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    id: instances === 1 ? 'pg1' : 'pg2',
    label: `PostgreSQL, ${instances} instance${instances === 1 ? '' : 's'}`,
    servers,
    stop,
  };
}

// --- Measuring --------------------------------------------------------------------------------

interface Run {
  rate: number;
  /** CPU seconds per wall-clock second (cores busy), by process name. */
  cores: Record<string, number>;
}

interface Measured {
  setup: Setup;
  runs: Record<Workload, Run[]>;
}

async function measureSetup(setup: Setup, { progress }: BenchContext): Promise<Measured> {
  const targets = setup.servers.map((server) => ({
    server,
    agent: new Agent({ keepAlive: true, maxSockets: CONNECTIONS }),
  }));
  try {
    const releases: string[] = [];
    for (let i = 0; i < RELEASES; i++) {
      releases.push(await createRelease(setup.servers[i % setup.servers.length] as StartedServer));
    }
    const drive = (workload: Workload, seconds: number) =>
      driveLoad(targets, workload, releases, seconds);
    for (const workload of WORKLOADS) await drive(workload, WARM_UP_SECONDS);

    const runs: Record<Workload, Run[]> = { healthz: [], json: [], junit: [] };
    const names = [
      ...setup.servers.map((_, i) => serverName(setup, i)),
      'postgres',
      'load generator',
      ...(HAS_PROC ? [OTHER] : []),
    ];
    for (let repetition = 1; repetition <= REPETITIONS; repetition++) {
      // Interleaved, so a drift of the machine over the run touches every workload alike.
      for (const workload of WORKLOADS) {
        const before = cpuSnapshot(setup);
        const start = process.hrtime.bigint();
        const requests = await drive(workload, MEASURE_SECONDS);
        const seconds = secondsSince(start);
        const after = cpuSnapshot(setup);
        const cores: Record<string, number> = {};
        for (const name of names) {
          cores[name] = ((after.get(name) ?? 0) - (before.get(name) ?? 0)) / seconds;
        }
        const run = { rate: requests / seconds, cores };
        runs[workload].push(run);
        progress(
          `load ${setup.id} ${workload} ${repetition}/${REPETITIONS}: ${run.rate.toFixed(0)} req/s; cores ` +
            names.map((name) => `${name} ${(cores[name] ?? 0).toFixed(2)}`).join(', '),
        );
      }
    }
    return { setup, runs };
  } finally {
    for (const target of targets) target.agent.destroy();
  }
}

function serverName(setup: Setup, index: number): string {
  return setup.servers.length === 1 ? 'server' : `server ${String.fromCharCode(65 + index)}`;
}

/**
 * CONNECTIONS workers, spread evenly over the targets, each sending one request after another
 * until `seconds` have passed; returns how many were answered (each checked). A request that
 * fails or is answered otherwise than expected ends the benchmark.
 */
async function driveLoad(
  targets: { server: StartedServer; agent: Agent }[],
  workload: Workload,
  releases: readonly string[],
  seconds: number,
): Promise<number> {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let answered = 0;
  const worker = async (index: number) => {
    const target = targets[index % targets.length] as (typeof targets)[number];
    while (process.hrtime.bigint() < deadline) {
      const n = sequence++;
      if (workload === 'healthz') {
        const answer = await send(target.server, target.agent, 'GET', '/healthz');
        if (answer.status !== 200) throw new Error(`/healthz answered ${answer.status}`);
      } else {
        const release = releases[n % releases.length] as string;
        const body = workload === 'json' ? cycloneDxBom() : junitReport(n);
        const kind = workload === 'json' ? 'sbom' : 'junit';
        const name = workload === 'json' ? `bom-${n}.cdx.json` : `TEST-load-${n}.xml`;
        const answer = await send(
          target.server,
          target.agent,
          'POST',
          `/v1/releases/${release}/evidence?kind=${kind}&name=${name}`,
          body,
          workload === 'json' ? 'application/json' : 'application/xml',
        );
        // Durable means acknowledged after the commit: 201 and a new record, nothing less.
        if (answer.status !== 201 || !answer.body.includes('"created":true')) {
          throw new Error(`uploading ${name} answered ${answer.status}: ${answer.body}`);
        }
      }
      answered++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, index) => worker(index)));
  return answered;
}

function send(
  server: StartedServer,
  agent: Agent,
  method: 'GET' | 'POST',
  path: string,
  body?: Buffer,
  contentType?: string,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {};
  if (body) {
    headers.authorization = `Bearer ${server.token}`;
    headers['content-type'] = contentType ?? 'application/octet-stream';
    headers['content-length'] = String(body.byteLength);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(`${server.url}${path}`, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function createRelease(server: StartedServer): Promise<string> {
  const response = await fetch(`${server.url}/v1/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      service: `load-${randomUUID().slice(0, 8)}`,
      version: '1.0.0',
      commit: createHash('sha1').update(randomUUID()).digest('hex'),
    }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`creating a release answered ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

// --- Inputs: small, valid and each one distinct, so nothing is de-duplicated ----------------------

function cycloneDxBom(): Buffer {
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${randomUUID()}`,
      version: 1,
      components: [
        {
          type: 'library',
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/left-pad@1.3.0',
          licenses: [{ license: { id: 'MIT' } }],
        },
      ],
    }),
  );
}

const RUN_NONCE = randomUUID();
/** Numbers every request of the run: no two uploads send the same bytes. */
let sequence = 0;

function junitReport(n: number): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<testsuite name="load" tests="3" failures="0" errors="0" skipped="0" time="0.003">\n' +
      '  <testcase classname="load.Suite" name="parses" time="0.001"/>\n' +
      '  <testcase classname="load.Suite" name="stores" time="0.001"/>\n' +
      '  <testcase classname="load.Suite" name="answers" time="0.001"/>\n' +
      `  <system-out>${RUN_NONCE} ${n}</system-out>\n</testsuite>\n`,
  );
}

// --- CPU time (Linux /proc) ---------------------------------------------------------------------

const HAS_PROC = existsSync('/proc/self/stat');
const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU seconds so far: each server, all PostgreSQL processes together, and this process. */
function cpuSnapshot(setup: Setup): Map<string, number> {
  const snapshot = new Map<string, number>();
  const own = process.cpuUsage();
  snapshot.set('load generator', (own.user + own.system) / 1e6);
  if (!HAS_PROC) return snapshot;
  setup.servers.forEach((server, index) => {
    const stat = server.process.pid === undefined ? undefined : readStat(server.process.pid);
    if (stat) snapshot.set(serverName(setup, index), stat.own);
  });
  snapshot.set('postgres', postgresCpuSeconds());
  // Whatever else ran meanwhile (other people's work on a shared machine) takes cores too.
  const tracked = [...snapshot.values()].reduce((sum, value) => sum + value, 0);
  snapshot.set(OTHER, machineBusySeconds() - tracked);
  return snapshot;
}

const OTHER = 'other processes';

/** CPU seconds the whole machine has been busy (not idle, not waiting on I/O) since boot. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = [user, nice, system, irq, softirq, steal].reduce(
    (sum: number, value) => sum + (value ?? 0),
    0,
  );
  return busy / TICKS_PER_SECOND;
}

/**
 * Every `postgres` process's own CPU time plus what its exited, reaped children used (cutime,
 * cstime): a backend that ends is reaped by the postmaster and its time moves there, so the sum
 * only grows. PostgreSQL's own CPU for the whole machine, not only for Dossier's schemas.
 */
function postgresCpuSeconds(): number {
  let seconds = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // gone meanwhile
    }
    const stat = readStat(Number(name));
    if (stat) seconds += stat.own + stat.children;
  }
  return seconds;
}

function readStat(pid: number): { own: number; children: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after "(comm)", which may itself hold spaces: state is field 3, utime field 14.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]) / TICKS_PER_SECOND;
  return { own: at(14) + at(15), children: at(16) + at(17) };
}

// --- Rows ---------------------------------------------------------------------------------------

const WORKLOAD_LABELS: Record<Workload, string> = {
  healthz: 'empty route GET /healthz',
  json: 'evidence submissions, small JSON',
  junit: 'evidence submissions, small JUnit',
};

function rowsOf(measured: readonly Measured[]): ResultRow[] {
  const rows: ResultRow[] = [];
  const uploadMedian = (id: SetupId, workload: Workload) => {
    const runs = measured.find((m) => m.setup.id === id)?.runs[workload];
    return runs ? median(runs.map((run) => run.rate)) : undefined;
  };
  for (const { setup, runs } of measured) {
    const instances = setup.servers.length;
    const perInstance = CONNECTIONS / instances;
    const workloadText = (workload: Workload) => {
      const connections =
        instances === 1
          ? `${CONNECTIONS} connections`
          : `${instances} × ${perInstance} connections`;
      const what =
        workload === 'healthz'
          ? 'no body'
          : workload === 'json'
            ? `CycloneDX 1.6 JSON ${cycloneDxBom().byteLength} B (sbom)`
            : `JUnit XML ${junitReport(0).byteLength} B (junit)`;
      return `${setup.label}; ${what}; ${connections}, keep-alive, ${MEASURE_SECONDS} s`;
    };
    const healthzId = `load.${setup.id}.healthz`;
    const healthzRate = median(runs.healthz.map((run) => run.rate));
    for (const workload of WORKLOADS) {
      const id = `load.${setup.id}.${workload}`;
      const workloadRuns = runs[workload];
      const rate = median(workloadRuns.map((run) => run.rate));
      const cores = medianCores(workloadRuns);
      const notes = [`bound: ${boundingResource(cores)}`, `CPU ${cpuPerRequest(cores, rate)}`];
      if (rows.length === 0) notes.push(CPU_ROWS_EXPLAINED);
      if (workload !== 'healthz') {
        // On cores that are all busy, the rates can differ by no more than the CPU each request
        // costs the processes measured: this ratio is the ceiling the CPU cost alone allows.
        const ceiling =
          ownCpuSeconds(medianCores(runs.healthz)) / healthzRate / (ownCpuSeconds(cores) / rate);
        notes.unshift(
          `CPU-bound ceiling ${ceiling.toFixed(3)}× /healthz (its CPU per request over this one's)`,
        );
        const goal = GOALS[setup.id];
        const ratio = rate / healthzRate;
        notes.unshift(
          `${ratio.toFixed(3)}× /healthz, goal ≥ ${goal}: ${ratio >= goal ? 'met' : 'NOT met'}`,
        );
        if (setup.id === 'pg2') {
          const one = uploadMedian('pg1', workload);
          if (one !== undefined) {
            const scale = rate / one;
            notes.splice(
              1,
              0,
              `${scale.toFixed(2)}× one instance, goal ≥ 1: ${scale >= 1 ? 'met' : 'NOT met'}`,
            );
          }
        }
      }
      rows.push({
        id,
        label: WORKLOAD_LABELS[workload],
        workload: workloadText(workload),
        unit: 'req/s',
        runs: workloadRuns.map((run) => run.rate),
        ...(workload === 'healthz' ? {} : { baseline: healthzId }),
        note: `${setup.id} ${workload}: ${notes.join('; ')}`,
      });
      for (const name of Object.keys(workloadRuns[0]?.cores ?? {})) {
        rows.push({
          id: `${id}.cpu.${name.replaceAll(' ', '-')}`,
          label: `  CPU, ${name}`,
          workload: `during ${setup.id} ${workload}`,
          unit: 'cores',
          runs: workloadRuns.map((run) => run.cores[name] ?? Number.NaN),
        });
      }
    }
  }
  return rows;
}

const CPU_ROWS_EXPLAINED =
  'CPU rows are CPU seconds per wall-clock second (1.00 = one core busy), from /proc: postgres ' +
  'is every postgres process on the machine (exited backends included), other processes is the ' +
  "machine's busy time minus the processes named";

function medianCores(runs: readonly Run[]): Record<string, number> {
  const cores: Record<string, number> = {};
  for (const name of Object.keys(runs[0]?.cores ?? {})) {
    cores[name] = median(runs.map((run) => run.cores[name] ?? 0));
  }
  return cores;
}

/** Cores the measured processes kept busy: servers, PostgreSQL and the load generator. */
function ownCpuSeconds(cores: Record<string, number>): number {
  return Object.entries(cores)
    .filter(([name]) => name !== OTHER)
    .reduce((sum, [, value]) => sum + value, 0);
}

function cpuPerRequest(cores: Record<string, number>, rate: number): string {
  const ours = Object.entries(cores).filter(([name]) => name !== OTHER);
  const total = ownCpuSeconds(cores);
  const parts = ours
    .filter(([, value]) => value >= 0.01)
    .map(([name, value]) => `${name} ${((value / rate) * 1e6).toFixed(0)}`);
  return `per request ${((total / rate) * 1e6).toFixed(0)} µs (${parts.join(', ')})`;
}

/**
 * The resource the CPU figures point at. All processes share the machine's cores; a Node process
 * (a server, the load generator) runs its JavaScript on one thread, so near 1 core it is the
 * limit whatever the others do; if nothing is near its limit, the requests spend their time
 * waiting (commit to disk, locks).
 */
function boundingResource(cores: Record<string, number>): string {
  const available = availableParallelism();
  const total = Object.values(cores).reduce((sum, value) => sum + value, 0);
  const ranked = Object.entries(cores).sort(([, a], [, b]) => b - a);
  const shares = ranked
    .filter(([, value]) => value >= 0.05)
    .map(([name, value]) => `${name} ${value.toFixed(2)}`)
    .join(', ');
  const saturatedThread = ranked.find(
    ([name, value]) => name !== 'postgres' && name !== OTHER && value >= 0.85,
  )?.[0];
  if (total >= 0.85 * available) {
    const thread = saturatedThread ? `; ${saturatedThread} is near one full core` : '';
    return `the machine's ${available} cores, all busy (${shares})${thread}`;
  }
  if (saturatedThread) {
    return `${saturatedThread}'s single JavaScript thread (${shares}; ${total.toFixed(2)} of ${available} cores in use)`;
  }
  return (
    `no process near a full core (${shares}; ${total.toFixed(2)} of ${available} cores): ` +
    'requests wait — on commits (fsync) or on serialized writes'
  );
}

import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type StartedServer, startServer } from '../test/support/start-server.ts';
import type { BenchContext, Benchmark, ResultRow } from './benchmark.ts';
import { MiB, secondsSince } from './stats.ts';

const SMALL_FILES = 300;
const SMALL_FILE_BYTES = 2 * 1024;
const SMALL_CONCURRENCY = 8;
const SMALL_REPETITIONS = 5;
/** One unmeasured pass first, so the server's JIT, statement cache and page cache are warm. */
const SMALL_WARM_UP_FILES = SMALL_FILES;

const LARGE_FILE_BYTES = 100 * MiB;
const LARGE_REPETITIONS = 3;
/** Uploaded once after the large runs: the server's peak RSS should not follow the file size. */
const MEMORY_CHECK_BYTES = 3 * LARGE_FILE_BYTES;

/**
 * Evidence upload over real HTTP on 127.0.0.1 against a `dossier serve` child process: many small
 * JUnit files over keep-alive connections, then one large file streamed from disk, then a file
 * three times that size once. Every repetition sends bytes the server has not seen, so nothing is
 * de-duplicated; every answer is checked (201, created, size and SHA-256 as sent). The server's
 * peak RSS (VmHWM, reset before each repetition) at each size shows whether its memory grows with
 * the file size.
 */
export const uploadBenchmark: Benchmark = {
  name: 'upload',
  async run(context) {
    const server = await startServer();
    try {
      const pid = server.process.pid;
      if (pid === undefined) throw new Error('the server process has no pid');
      const small = await smallFiles(server, pid, context);
      const large = await largeFile(server, pid, context);
      return [...small, ...large];
    } finally {
      await server.stop();
    }
  },
};

async function smallFiles(
  server: StartedServer,
  pid: number,
  { progress }: BenchContext,
): Promise<ResultRow[]> {
  const release = await createRelease(server, 'bench-small');
  const agent = new Agent({ keepAlive: true, maxSockets: SMALL_CONCURRENCY });
  const rates: number[] = [];
  const peaks: number[] = [];
  try {
    const send = async (count: number, tag: string) => {
      const nonce = randomUUID();
      const files = Array.from({ length: count }, (_, index) => {
        const body = junitBody(`${tag}.${index}`, nonce);
        return { name: `TEST-bench-${tag}-${index}.xml`, body, sha256: sha256Hex(body) };
      });
      let next = 0;
      const worker = async () => {
        for (let index = next++; index < files.length; index = next++) {
          const file = files[index] as (typeof files)[number];
          const answer = await postEvidence(server, release, 'junit', file.name, {
            agent,
            body: file.body,
            contentType: 'application/xml',
          });
          checkAttached(answer, file.body.byteLength, file.sha256, file.name);
        }
      };
      const start = process.hrtime.bigint();
      await Promise.all(Array.from({ length: SMALL_CONCURRENCY }, worker));
      return secondsSince(start);
    };

    progress(`upload: ${SMALL_WARM_UP_FILES} small files to warm up`);
    await send(SMALL_WARM_UP_FILES, 'warmup');
    for (let repetition = 1; repetition <= SMALL_REPETITIONS; repetition++) {
      const resetOk = resetPeakRss(pid);
      const seconds = await send(SMALL_FILES, `r${repetition}`);
      rates.push(SMALL_FILES / seconds);
      if (resetOk) peaks.push(readStatusMiB(pid, 'VmHWM'));
      progress(
        `upload small ${repetition}/${SMALL_REPETITIONS}: ${rates.at(-1)?.toFixed(0)} files/s`,
      );
    }
  } finally {
    agent.destroy();
  }

  const workload = `${SMALL_FILES} × ${SMALL_FILE_BYTES / 1024} KiB JUnit XML, ${SMALL_CONCURRENCY} concurrent, keep-alive`;
  const rows: ResultRow[] = [
    {
      id: 'upload.small',
      label: 'evidence upload, small files',
      workload,
      unit: 'files/s',
      runs: rates,
      note: `after ${SMALL_WARM_UP_FILES} unmeasured warm-up uploads; each file is a separate request answered 201 after fsync`,
    },
  ];
  if (peaks.length === SMALL_REPETITIONS) {
    rows.push({
      id: 'upload.small.server-peak-rss',
      label: 'server peak RSS (VmHWM)',
      workload: `during ${SMALL_FILES} × ${SMALL_FILE_BYTES / 1024} KiB`,
      unit: 'MiB',
      runs: peaks,
    });
  }
  return rows;
}

async function largeFile(
  server: StartedServer,
  pid: number,
  { tempDir, progress }: BenchContext,
): Promise<ResultRow[]> {
  const release = await createRelease(server, 'bench-large');
  const uploadOnce = async (bytes: number, name: string) => {
    const path = join(tempDir, name);
    try {
      const sha256 = await writeRandomFile(path, bytes);
      const resetOk = resetPeakRss(pid);
      const start = process.hrtime.bigint();
      // custom: stored unparsed, so this measures transport, hashing and storage, not a parser.
      const answer = await postEvidence(server, release, 'custom', name, {
        agent: false,
        body: createReadStream(path),
        size: bytes,
        contentType: 'application/octet-stream',
      });
      const seconds = secondsSince(start);
      const peak = readStatusMiB(pid, 'VmHWM');
      checkAttached(answer, bytes, sha256, name);
      return { mibPerSecond: bytes / MiB / seconds, peak, resetOk };
    } finally {
      await rm(path, { force: true });
    }
  };

  const rates: number[] = [];
  const peaks: number[] = [];
  let resetOk = true;
  for (let repetition = 1; repetition <= LARGE_REPETITIONS; repetition++) {
    const run = await uploadOnce(LARGE_FILE_BYTES, `bench-large-${repetition}.bin`);
    rates.push(run.mibPerSecond);
    peaks.push(run.peak);
    resetOk &&= run.resetOk;
    progress(
      `upload large ${repetition}/${LARGE_REPETITIONS}: ${run.mibPerSecond.toFixed(0)} MiB/s, server peak RSS ${run.peak.toFixed(0)} MiB`,
    );
  }
  const size = `${LARGE_FILE_BYTES / MiB} MiB`;
  const rows: ResultRow[] = [
    {
      id: 'upload.large',
      label: 'evidence upload, one large file',
      workload: `1 × ${size} (kind custom), streamed from disk`,
      unit: 'MiB/s',
      runs: rates,
      baseline: 'sha256',
      note: 'request start to 201 answer: the server hashes, writes and fsyncs every byte',
    },
  ];
  if (!HAS_PROC) return rows;

  const check = await uploadOnce(MEMORY_CHECK_BYTES, 'bench-memory-check.bin');
  resetOk &&= check.resetOk;
  progress(
    `upload ${MEMORY_CHECK_BYTES / MiB} MiB memory check: ${check.mibPerSecond.toFixed(0)} MiB/s, server peak RSS ${check.peak.toFixed(0)} MiB`,
  );
  rows.push(
    {
      id: 'upload.large.server-peak-rss',
      label: 'server peak RSS (VmHWM)',
      workload: `during 1 × ${size}`,
      unit: 'MiB',
      runs: peaks,
      note: resetOk
        ? 'peak resident memory of the server process while that upload ran (VmHWM reset through /proc/<pid>/clear_refs just before it)'
        : 'VmHWM could not be reset: these are lifetime peaks of the server process',
    },
    {
      id: 'upload.memory-check.server-peak-rss',
      label: 'server peak RSS (VmHWM)',
      workload: `during 1 × ${MEMORY_CHECK_BYTES / MiB} MiB (1 run)`,
      unit: 'MiB',
      runs: [check.peak],
      note: `a ${MEMORY_CHECK_BYTES / LARGE_FILE_BYTES}× larger file: a server that held uploads in memory would peak above its size; ${check.mibPerSecond.toFixed(0)} MiB/s`,
    },
  );
  return rows;
}

// --- HTTP -------------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: string;
}

function call(
  server: StartedServer,
  method: string,
  path: string,
  options: {
    agent: Agent | false;
    body: Buffer | Readable;
    size?: number;
    contentType: string;
  },
): Promise<Answer> {
  const { body } = options;
  const size = Buffer.isBuffer(body) ? body.byteLength : options.size;
  if (size === undefined) throw new Error('a streamed body needs its size');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(path, server.url),
      {
        method,
        agent: options.agent,
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: 'application/json',
          'content-type': options.contentType,
          'content-length': String(size),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    if (Buffer.isBuffer(body)) {
      outgoing.end(body);
    } else {
      body.on('error', (error) => outgoing.destroy(error));
      body.pipe(outgoing);
    }
  });
}

function postEvidence(
  server: StartedServer,
  release: string,
  kind: 'junit' | 'custom',
  name: string,
  options: { agent: Agent | false; body: Buffer | Readable; size?: number; contentType: string },
): Promise<Answer> {
  const query = new URLSearchParams({ kind, name });
  return call(
    server,
    'POST',
    `/v1/releases/${encodeURIComponent(release)}/evidence?${query}`,
    options,
  );
}

async function createRelease(server: StartedServer, service: string): Promise<string> {
  const body = Buffer.from(
    JSON.stringify({
      service,
      version: `1.0.${Date.now()}`,
      commit: createHash('sha1').update(randomUUID()).digest('hex'),
    }),
  );
  const answer = await call(server, 'POST', '/v1/releases', {
    agent: false,
    body,
    contentType: 'application/json',
  });
  if (answer.status !== 201) {
    throw new Error(`creating a release answered ${answer.status}: ${answer.body}`);
  }
  const id = (JSON.parse(answer.body) as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error(`release without an id: ${answer.body}`);
  return id;
}

function checkAttached(answer: Answer, size: number, sha256: string, name: string): void {
  if (answer.status !== 201) {
    throw new Error(`uploading ${name} answered ${answer.status}: ${answer.body}`);
  }
  const result = JSON.parse(answer.body) as {
    created?: unknown;
    evidence?: { size?: unknown; sha256?: unknown };
  };
  if (result.created !== true || result.evidence?.size !== size) {
    throw new Error(`uploading ${name}: unexpected answer ${answer.body}`);
  }
  if (result.evidence.sha256 !== sha256) {
    throw new Error(`uploading ${name}: server stored SHA-256 ${result.evidence.sha256}`);
  }
}

// --- Inputs -----------------------------------------------------------------------------------

/** A JUnit XML report of exactly SMALL_FILE_BYTES, unique per (tag, nonce). */
function junitBody(tag: string, nonce: string): Buffer {
  const cases = 12;
  const testcases = Array.from(
    { length: cases },
    (_, index) =>
      `    <testcase classname="bench.${tag}.ReportTest" name="case ${index} returns the expected value" time="0.0${index % 10}1"/>\n`,
  ).join('');
  const head =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="dossier-bench" tests="${cases}" failures="0" errors="0" time="0.42">\n` +
    `  <testsuite name="bench.${tag}" tests="${cases}" failures="0" errors="0" skipped="0" time="0.42">\n`;
  const outputStart = `    <system-out>run ${nonce} `;
  const tail = '</system-out>\n  </testsuite>\n</testsuites>\n';
  const padding = SMALL_FILE_BYTES - (head + testcases + outputStart + tail).length;
  if (padding < 0) throw new Error(`JUnit body for ${tag} exceeds ${SMALL_FILE_BYTES} bytes`);
  return Buffer.from(head + testcases + outputStart + '.'.repeat(padding) + tail, 'utf8');
}

/** Random bytes, written in 1 MiB chunks and flushed, so no dirty pages linger into the timing. */
async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(MiB);
  const handle = await open(path, 'wx', 0o600);
  try {
    for (let written = 0; written < bytes; written += chunk.byteLength) {
      const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes - written));
      randomFillSync(part);
      hash.update(part);
      await handle.write(part);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// --- Server memory (Linux /proc) --------------------------------------------------------------

const HAS_PROC = existsSync('/proc/self/status');

/** A /proc/<pid>/status field (reported in kB) in MiB; NaN where there is no /proc. */
function readStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  if (!HAS_PROC) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Resets the process's peak RSS to its current RSS (Linux ≥ 4.0, same user); false if refused. */
function resetPeakRss(pid: number): boolean {
  if (!HAS_PROC) return false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

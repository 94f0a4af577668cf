/**
 * Helpers for the scale-out tests: several `dossier serve` processes on one PostgreSQL schema (or
 * one on a data directory), driven over real HTTP, and checks of what they recorded.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { AuditEntry } from '../../src/core/audit-log/audit-entry.ts';
import type { SignedCheckpoint } from '../../src/core/audit-log/checkpoint.ts';
import { parseVerifierKey } from '../../src/core/audit-log/signed-note.ts';
import { checkCheckpoint, LogReplay } from '../../src/core/audit-log/verify-log.ts';
import type { CheckpointJson, EvidenceJson } from '../../src/core/wire-schemas.ts';
import {
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
} from '../../src/store/postgres/test-database.ts';
import { describeRun, runDossier, serverEnv } from '../cli/run-dossier.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';

export const TOKEN = 'dsr_scale_test_bootstrap_token_0123456789abcdef';

export interface Instance {
  url: string;
  token: string;
}

export interface PostgresCluster {
  schema: TestSchema;
  /** Shared by every instance: it holds `log-keys/`, so they all sign with the same key. */
  dataDir: string;
  servers: StartedServer[];
  /** Stops every server still running, drops the schema and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `count` server processes on one fresh schema, one after the other: the first migrates
 * the schema, creates the log's keys in the shared data directory and the bootstrap token.
 */
export async function startPostgresCluster(
  count: number,
  options: { entry?: string; env?: Record<string, string> } = {},
): Promise<PostgresCluster> {
  const schema = await createTestSchema();
  const dataDir = await makeTempDir('dossier-scale-');
  const servers: StartedServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await schema.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      servers.push(
        await startServer({
          dataDir,
          token: TOKEN,
          env: {
            DOSSIER_DATABASE_URL: TEST_DATABASE_URL,
            DOSSIER_DATABASE_SCHEMA: schema.name,
            DOSSIER_BLOB_STORE: 'postgres',
            ...options.env,
          },
          ...(options.entry ? { entry: options.entry } : {}),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { schema, dataDir, servers, stop };
}

// --- HTTP -------------------------------------------------------------------------------------

export function call(instance: Instance, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${instance.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${instance.token}`, ...init.headers },
  });
}

export async function getJson<T>(instance: Instance, path: string): Promise<T> {
  const response = await call(instance, path);
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${instance.url}${path}: ${text}`);
  return JSON.parse(text) as T;
}

export interface CreatedRelease {
  status: number;
  id: string;
  tag: string;
}

export async function createRelease(
  instance: Instance,
  service: string,
  version: string,
): Promise<CreatedRelease> {
  const response = await call(instance, '/v1/releases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service, version, commit: sha1(`${service}@${version}`) }),
  });
  const text = await response.text();
  assert.ok(
    response.status === 201 || response.status === 200,
    `create ${service}@${version}: ${response.status} ${text}`,
  );
  const release = JSON.parse(text) as { id: string; tag: string };
  return { status: response.status, id: release.id, tag: release.tag };
}

export interface UploadAnswer {
  status: number;
  created: boolean;
  evidence: EvidenceJson;
}

/** POSTs evidence and insists on 201 or 200; a network failure rejects. */
export async function upload(
  instance: Instance,
  releaseId: string,
  kind: string,
  name: string,
  body: Buffer,
): Promise<UploadAnswer> {
  const query = new URLSearchParams({ kind, name });
  const response = await call(instance, `/v1/releases/${releaseId}/evidence?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: new Uint8Array(body),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 200) {
    throw new UnexpectedAnswer(`upload ${name} to ${instance.url}: ${response.status} ${text}`);
  }
  const answer = JSON.parse(text) as { created: boolean; evidence: EvidenceJson };
  return { status: response.status, ...answer };
}

/** An HTTP answer the test did not expect, as opposed to a connection that failed. */
export class UnexpectedAnswer extends Error {}

export async function listEvidence(instance: Instance, releaseId: string): Promise<EvidenceJson[]> {
  return (await getJson<{ items: EvidenceJson[] }>(instance, `/v1/releases/${releaseId}/evidence`))
    .items;
}

export async function download(instance: Instance, sha256: string): Promise<Buffer> {
  const response = await call(instance, `/v1/blobs/${sha256}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(response.status, 200, `GET blob ${sha256}: ${bytes.toString('utf8')}`);
  return bytes;
}

/** Every audit entry, paged through GET /v1/log/entries (small pages, to exercise paging). */
export async function allLogEntries(instance: Instance, page = 64): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const { items } = await getJson<{ items: AuditEntry[] }>(
      instance,
      `/v1/log/entries?from=${entries.length}&limit=${page}`,
    );
    entries.push(...items);
    if (items.length < page) return entries;
  }
}

export async function checkpointOf(instance: Instance): Promise<CheckpointJson> {
  return getJson<CheckpointJson>(instance, '/v1/log/checkpoint');
}

export async function storedCheckpoints(instance: Instance): Promise<CheckpointJson[]> {
  return (await getJson<{ items: CheckpointJson[] }>(instance, '/v1/log/checkpoints?limit=10000'))
    .items;
}

// --- Checks -----------------------------------------------------------------------------------

/** Sequence numbers run 0..n-1 without a gap or a repeat. */
export function assertGapFree(entries: readonly AuditEntry[]): void {
  const wrong = entries.findIndex((entry, index) => entry.seq !== index);
  assert.equal(
    wrong,
    -1,
    `entry at position ${wrong} has seq ${entries[wrong]?.seq}: the log has a gap or a duplicate`,
  );
}

/**
 * Checkpoints (observed through any instance) are signed by a key the log publishes, and each
 * one's root is the root of the first `size` entries of the one log, so any two are consistent.
 */
export function assertCheckpointsConsistent(
  checkpoints: readonly CheckpointJson[],
  entries: readonly AuditEntry[],
  verifierKeys: readonly string[],
  origin: string,
): void {
  const keys = verifierKeys.map(parseVerifierKey);
  const bySize = new Map<number, CheckpointJson>();
  for (const checkpoint of checkpoints) {
    const same = bySize.get(checkpoint.size);
    if (same) {
      assert.equal(checkpoint.note, same.note, `two different checkpoints of size ${same.size}`);
    }
    bySize.set(checkpoint.size, checkpoint);
  }
  const signed: SignedCheckpoint[] = [...bySize.values()].map((checkpoint) => ({
    ...checkpoint,
    rootHash: Buffer.from(checkpoint.rootHash, 'hex'),
  }));
  const problems = signed.flatMap((checkpoint) => checkCheckpoint(checkpoint, keys, origin));
  const replay = new LogReplay(signed);
  for (const entry of entries) replay.add(entry);
  problems.push(...replay.finish());
  assert.deepEqual(problems, []);
}

export interface LogKeys {
  origin: string;
  keys: { verifierKey: string; active: boolean }[];
}

/**
 * `dossier log verify` as an operator would run it against `instance`, pinning the key that
 * `dossier log keys` printed; must exit 0. Returns the verified entry count.
 */
export async function verifyLogWithCli(instance: Instance): Promise<number> {
  const env = serverEnv(instance);
  const keys = await runDossier(['log', 'keys'], { env });
  assert.equal(keys.code, 0, describeRun(keys));
  const pinned = keys.stdout
    .split('\n')
    .filter((line) => line.includes('+') && !line.startsWith('origin '))
    .map((line) => line.replace('  (active)', '').trim());
  assert.ok(pinned.length > 0, `no verifier key in:\n${keys.stdout}`);
  const verify = await runDossier(
    ['log', 'verify', ...pinned.flatMap((key) => ['--key', key]), '--json'],
    { env },
  );
  assert.equal(verify.code, 0, describeRun(verify));
  const report = JSON.parse(verify.stdout) as { verified: boolean; entries: number };
  assert.equal(report.verified, true, verify.stdout);
  return report.entries;
}

// --- Inputs and plumbing ----------------------------------------------------------------------

/** A small JUnit XML report, distinct for each tag. */
export function junitReport(tag: string): Buffer {
  const cases = Array.from(
    { length: 4 },
    (_, index) => `    <testcase classname="scale.${tag}" name="case ${index}" time="0.001"/>\n`,
  ).join('');
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<testsuite name="scale.${tag}" tests="4" failures="0" errors="0" time="0.004">\n` +
      `${cases}  <system-out>${randomUUID()}</system-out>\n</testsuite>\n`,
  );
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in item order. */
export async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

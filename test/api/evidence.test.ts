import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';
import { corpusPath } from '../support/corpus.ts';

const LIMIT = 64 * 1024;

describe('API: evidence', () => {
  let api: ApiUnderTest;
  let tag: string;
  const evidencePath = () => `/v1/releases/${encodeURIComponent(tag)}/evidence`;
  const upload = (
    body: BodyInit,
    query = 'kind=junit&name=report.xml',
    headers: Record<string, string> = {},
  ) =>
    api.call(`${evidencePath()}?${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/xml', ...headers },
      duplex: 'half',
    } as RequestInit);
  const evidenceCount = async () => (await (await api.call(evidencePath())).json()).items.length;
  const auditCount = () => api.services.deps.store.countAuditEntries();
  const tempFiles = () => readdir(join(api.dataDir, 'blobs', 'tmp'));

  before(async () => {
    api = await startApi({ maxUploadBytes: LIMIT });
    const response = await api.call('/v1/releases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'payments-api',
        version: '1.18.4',
        commit: 'a'.repeat(40),
        change: 'CHG-1842',
      }),
    });
    tag = (await response.json()).tag;
  });
  after(() => api.close());

  it('attaches a real JUnit file and serves back the identical bytes', async () => {
    const original = await readFile(corpusPath('junit', 'catch2-failure.xml'));
    const response = await upload(original, 'kind=junit&name=catch2-failure.xml');
    assert.equal(response.status, 201);
    const { evidence, created } = await response.json();
    assert.equal(created, true);
    assert.equal(evidence.sha256, createHash('sha256').update(original).digest('hex'));
    assert.equal(evidence.size, original.byteLength);
    assert.equal(evidence.name, 'catch2-failure.xml');
    assert.equal(evidence.mediaType, 'application/xml');

    const download = await api.call(`/v1/blobs/${evidence.sha256}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.equal(
      download.headers.get('repr-digest'),
      `sha-256=:${createHash('sha256').update(original).digest('base64')}:`,
    );
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), original);
  });

  it('answers a repeated upload of the same bytes with 200 and the same record', async () => {
    const original = await readFile(corpusPath('junit', 'catch2-failure.xml'));
    const before = await evidenceCount();
    const response = await upload(original, 'kind=junit&name=again.xml');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.created, false);
    assert.equal(body.evidence.name, 'catch2-failure.xml');
    assert.equal(await evidenceCount(), before);
  });

  it('lists evidence with kind, name, size, digest, submitter and time', async () => {
    const { items } = await (await api.call(evidencePath())).json();
    assert.ok(items.length >= 1);
    assert.deepEqual(Object.keys(items[0]).sort(), [
      'ciContext',
      'format',
      'id',
      'kind',
      'mediaType',
      'name',
      'releaseId',
      'sha256',
      'size',
      'submittedAt',
      'submittedBy',
      'summary',
    ]);
    assert.equal(items[0].submittedBy, 'token:bootstrap-admin');
    assert.equal(items[0].ciContext, null, 'uploaded without a CI context');
  });

  it('keeps the CI context sent in Dossier-CI-Context; refuses a malformed one, storing nothing', async () => {
    const context = {
      provider: 'buildkite',
      commit: null,
      branch: 'main',
      repository: 'acme/payments',
      runId: 'b-1',
      runUrl: 'https://buildkite.com/acme/payments/builds/1',
      actor: 'Zoë',
    };
    const header = (value: unknown) =>
      Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const junit = '<testsuite name="ci" tests="1"><testcase name="a"/></testsuite>';
    const before = (await (await api.call(evidencePath())).json()).items.length;
    for (const bad of ['%%%', header({ ...context, provider: 'travis' }), header([1])]) {
      const refused = await upload(junit, 'kind=junit&name=ci.xml', { 'dossier-ci-context': bad });
      assert.equal(refused.status, 400, bad);
      assert.equal((await refused.json()).code, 'INVALID_INPUT');
    }
    assert.equal((await (await api.call(evidencePath())).json()).items.length, before);
    const accepted = await upload(junit, 'kind=junit&name=ci.xml', {
      'dossier-ci-context': header(context),
    });
    assert.equal(accepted.status, 201);
    assert.deepEqual((await accepted.json()).evidence.ciContext, context);
  });

  for (const [label, query, body, status, code] of [
    ['an unknown kind', 'kind=unit-tests&name=r.xml', 'x', 400, 'UNKNOWN_EVIDENCE_KIND'],
    ['a missing name', 'kind=junit', 'x', 400, 'INVALID_INPUT'],
    ['an empty file', 'kind=junit&name=empty.xml', '', 400, 'EMPTY_EVIDENCE'],
    [
      'a file over the limit',
      'kind=junit&name=big.xml',
      'x'.repeat(LIMIT + 1),
      413,
      'EVIDENCE_TOO_LARGE',
    ],
  ] as const) {
    it(`answers ${status} ${code} for ${label}, storing nothing`, async () => {
      const [before, entries] = [await evidenceCount(), await auditCount()];
      const response = await upload(body, query);
      assert.equal(response.status, status);
      assert.equal((await response.json()).code, code);
      assert.equal(await evidenceCount(), before);
      assert.equal(await auditCount(), entries);
      assert.deepEqual(await tempFiles(), []);
    });
  }

  it('answers 413 for a chunked body that grows past the limit, storing nothing', async () => {
    const before = await evidenceCount();
    const chunk = new Uint8Array(16 * 1024).fill(65);
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent >= LIMIT * 4) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    // The server answers as soon as the limit is crossed, before the client has sent everything.
    const response = await upload(stream as unknown as BodyInit, 'kind=junit&name=stream.xml');
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    assert.equal((await response.json()).code, 'EVIDENCE_TOO_LARGE');
    assert.equal(await evidenceCount(), before);
    assert.deepEqual(await tempFiles(), []);
  });

  it('keeps nothing of an upload whose connection drops midway', async () => {
    const [before, entries] = [await evidenceCount(), await auditCount()];
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${evidencePath()}?kind=junit&name=cut.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${api.token}\r\nContent-Type: application/xml\r\nContent-Length: 5000\r\n\r\n`,
    );
    socket.write('<testsuite name="cut off"'.padEnd(1000, ' '));
    await sleep(50);
    socket.destroy();
    // The server notices the drop asynchronously; give it a moment, then check nothing is left.
    for (let i = 0; i < 50 && (await tempFiles()).length > 0; i++) await sleep(20);
    await sleep(50);
    assert.equal(await evidenceCount(), before);
    assert.equal(await auditCount(), entries);
    assert.deepEqual(await tempFiles(), []);
  });

  it('refuses a path-like blob name and a non-hex digest with 400, unknown bytes with 404', async () => {
    for (const name of [encodeURIComponent('../../etc/passwd'), 'xyz', 'A'.repeat(64)]) {
      const response = await api.call(`/v1/blobs/${name}`);
      assert.equal(response.status, 400, name);
      assert.equal((await response.json()).code, 'INVALID_DIGEST');
    }
    const unknown = await api.call(`/v1/blobs/${'0'.repeat(64)}`);
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).code, 'BLOB_NOT_FOUND');
  });

  it('answers 404 for evidence of an unknown release', async () => {
    const response = await api.call('/v1/releases/ghost@1/evidence?kind=junit&name=r.xml', {
      method: 'POST',
      body: 'x',
    });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 'RELEASE_NOT_FOUND');
  });
});

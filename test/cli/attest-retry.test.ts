import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { type StartedServer, startServer } from '../support/start-server.ts';
import { commitOf, describeRun, runDossier, showRelease } from './run-dossier.ts';

// Three real JUnit reports (provenance in /work/shared/corpus/SOURCES.md).
const FILES = [
  corpusPath('junit', 'catch2-failure.xml'),
  corpusPath('junit', 'swift-test-xunit.xml'),
  corpusPath('junit', 'cargo-nextest-failure.xml'),
];
const TAG = 'flaky@1.0.0';

type Fault =
  /** Answer 503 at once, without passing the request on. */
  | 'status-503'
  | 'status-502'
  /** Close the connection as soon as the request arrives: the client sees ECONNRESET. */
  | 'reset'
  /** Pass the request on, let the server store the evidence, then drop its answer. */
  | 'forward-then-drop'
  | 'forward';

/**
 * A proxy on 127.0.0.1 in front of the server that fails upload requests by plan: the faults a
 * load balancer in front of a restarting server shows a pipeline.
 */
async function startFlakyProxy(target: string, plan: Fault[]) {
  const seen: Fault[] = [];
  const server: Server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const isUpload = incoming.method === 'POST' && /\/evidence\?/.test(incoming.url ?? '');
    const fault: Fault = isUpload ? (plan.shift() ?? 'forward') : 'forward';
    if (isUpload) seen.push(fault);
    if (fault === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (fault === 'status-503' || fault === 'status-502') {
      outgoing.writeHead(fault === 'status-503' ? 503 : 502, {
        'content-type': 'text/html',
        connection: 'close',
      });
      outgoing.end('<html><body>Service Unavailable</body></html>');
      return;
    }
    const upstream = httpRequest(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (fault === 'forward-then-drop') {
            outgoing.socket?.destroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', () => outgoing.socket?.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('dossier attest through a flaky proxy', () => {
  let server: StartedServer;
  let direct: Record<string, string>;

  before(async () => {
    server = await startServer();
    direct = { DOSSIER_URL: server.url, DOSSIER_TOKEN: server.token };
    const created = await runDossier(
      ['release', 'create', '--service', 'flaky', '--version', '1.0.0', '--commit', commitOf('c')],
      { env: direct },
    );
    assert.equal(created.code, 0, describeRun(created));
  });
  after(() => server.stop());

  it('retries 503, 502, resets and a lost answer, and leaves exactly one record per file', async () => {
    const proxy = await startFlakyProxy(server.url, [
      'status-503', // file 1, attempt 1
      'forward-then-drop', // file 1, attempt 2: stored, but the answer is lost
      'forward', // file 1, attempt 3: the server answers "already attached"
      'reset', // file 2, attempt 1
      'forward', // file 2, attempt 2
      'status-502', // file 3, attempt 1
      'forward', // file 3, attempt 2
    ]);
    try {
      const run = await runDossier(['attest', 'junit', ...FILES, '--release', TAG], {
        env: {
          DOSSIER_URL: proxy.url,
          DOSSIER_TOKEN: server.token,
          // As in a GitHub Actions job: the CI context goes with every upload.
          GITHUB_ACTIONS: 'true',
          GITHUB_SHA: commitOf('c'),
          GITHUB_REF_NAME: 'main',
          GITHUB_REPOSITORY: 'acme/flaky',
          GITHUB_RUN_ID: '4242',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_ACTOR: 'octocat',
        },
      });
      assert.equal(run.code, 0, describeRun(run));
      assert.deepEqual(proxy.seen, [
        'status-503',
        'forward-then-drop',
        'forward',
        'reset',
        'forward',
        'status-502',
        'forward',
      ]);

      // Progress: one line per file on stderr (not a TTY), and one per retry.
      const stderr = run.stderr.split('\n').filter(Boolean);
      assert.deepEqual(
        stderr.filter((line) => / sending /.test(line)).map((line) => line.slice(0, 13)),
        ['[1/3] sending', '[2/3] sending', '[3/3] sending'],
      );
      const retries = stderr.filter((line) => /retrying in/.test(line));
      assert.equal(retries.length, 4, run.stderr);
      assert.match(retries[0] ?? '', /503.*attempt 2/);
      assert.match(retries[1] ?? '', /ECONNRESET|socket hang up.*attempt 3/);

      // The first file's second attempt was stored before its answer was lost: its third
      // attempt found that record instead of making another.
      const lines = run.stdout.split('\n').filter(Boolean);
      assert.equal(lines.length, 3, run.stdout);
      assert.match(lines[0] ?? '', /^already attached junit/);
      assert.match(lines[1] ?? '', /^attached junit/);

      const { evidence } = await showRelease(TAG, { env: direct });
      assert.equal(evidence.length, 3, 'one record per file, no duplicates');
      assert.equal(new Set(evidence.map((item) => item.sha256)).size, 3);

      const entries = (await (
        await fetch(`${server.url}/v1/log/entries?from=0&limit=1000`, {
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).json()) as { items: Array<{ action: string; details: Record<string, unknown> }> };
      const attached = entries.items.filter((entry) => entry.action === 'evidence.attached');
      assert.equal(attached.length, 3, 'one audit entry per record');
      assert.deepEqual(attached[0]?.details.ci, {
        provider: 'github-actions',
        commit: commitOf('c'),
        branch: 'main',
        repository: 'acme/flaky',
        runId: '4242',
        runUrl: 'https://github.com/acme/flaky/actions/runs/4242',
        actor: 'octocat',
      });
    } finally {
      await proxy.close();
    }
  });

  it('gives up after --retries with exit 3 when the server stays unavailable; nothing stored', async () => {
    const proxy = await startFlakyProxy(server.url, Array(10).fill('status-503'));
    try {
      const file = corpusPath('junit', 'gradle-test-AppTest.xml');
      const run = await runDossier(['attest', 'junit', file, '--release', TAG, '--retries', '2'], {
        env: { DOSSIER_URL: proxy.url, DOSSIER_TOKEN: server.token },
      });
      assert.equal(run.code, 3, describeRun(run));
      assert.equal(proxy.seen.length, 3, 'one attempt and two retries');
      const { evidence } = await showRelease(TAG, { env: direct });
      assert.equal(evidence.length, 3);
    } finally {
      await proxy.close();
    }
  });

  it('does not retry a refusal (a 4xx): an unknown release fails at once with exit 2', async () => {
    const proxy = await startFlakyProxy(server.url, []);
    try {
      const run = await runDossier(['attest', 'junit', FILES[0] as string, '--release', 'nope@1'], {
        env: { DOSSIER_URL: proxy.url, DOSSIER_TOKEN: server.token },
      });
      assert.equal(run.code, 2, describeRun(run));
      assert.equal(proxy.seen.length, 1);
      assert.doesNotMatch(run.stderr, /retrying/);
    } finally {
      await proxy.close();
    }
  });
});

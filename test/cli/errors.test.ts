import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import {
  closedPort,
  commitOf,
  describeRun,
  escapeRegExp,
  runDossier,
  serverEnv,
  showRelease,
} from './run-dossier.ts';

const REPORT = corpusPath('junit', 'catch2-failure.xml');

const createArgs = (version: string, commit = commitOf('1')) => [
  'release',
  'create',
  '--service',
  'orders',
  '--version',
  version,
  '--commit',
  commit,
];

describe('dossier CLI: bad input exits 2 and stores nothing', () => {
  let server: StartedServer;
  let env: Record<string, string>;

  /** Asserts the server holds no release with this tag, through `release show --json`. */
  const assertNoRelease = async (tag: string) => {
    const show = await runDossier(['release', 'show', tag, '--json'], { env });
    assert.equal(show.code, 2, describeRun(show));
    assert.match(show.stderr, new RegExp(`no release with id or tag "${escapeRegExp(tag)}"`));
  };

  before(async () => {
    server = await startServer();
    env = serverEnv(server);
  });
  after(() => server?.stop());

  it('a commit that is not a full SHA → exit 2, stderr names commit, and the release is not created', async () => {
    const run = await runDossier(createArgs('1.0.0', 'abc123'), { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^ {2}commit: must be a full git commit SHA/m);
    await assertNoRelease('orders@1.0.0');
  });

  it('an artifact that is not sha256:<64 hex> → exit 2, stderr names artifacts, and the release is not created', async () => {
    const run = await runDossier([...createArgs('1.0.1'), '--artifact', 'sha256:xyz'], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^ {2}artifacts\S*: must be "sha256:" followed by 64 hex digits/m);
    await assertNoRelease('orders@1.0.1');
  });

  it('a wrong token → exit 2, stderr says the token was not accepted, and the release is not created', async () => {
    const run = await runDossier(createArgs('1.0.2'), {
      env: { ...env, DOSSIER_TOKEN: 'dsr_not_the_right_token_0000000000' },
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /the API token was not accepted/);
    await assertNoRelease('orders@1.0.2');
  });

  it('--token on the command line overrides a wrong DOSSIER_TOKEN → exit 0', async () => {
    const run = await runDossier(['--token', server.token, ...createArgs('1.0.3')], {
      env: { ...env, DOSSIER_TOKEN: 'dsr_not_the_right_token_0000000000' },
    });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal((await showRelease('orders@1.0.3', { env })).version, '1.0.3');
  });

  it('DOSSIER_URL set but no DOSSIER_TOKEN → exit 2, stderr names DOSSIER_TOKEN, and the release is not created', async () => {
    const run = await runDossier(createArgs('1.0.4'), { env: { DOSSIER_URL: server.url } });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /no credentials: set DOSSIER_TOKEN/);
    await assertNoRelease('orders@1.0.4');
  });

  it('an unknown option on release create → exit 2, stderr names the option, and the release is not created', async () => {
    const run = await runDossier([...createArgs('1.0.5'), '--frobnicate'], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /unknown option '--frobnicate'/);
    await assertNoRelease('orders@1.0.5');
  });

  it('release create without --commit → exit 2, stderr names --commit, and the release is not created', async () => {
    const run = await runDossier(createArgs('1.0.6').slice(0, -2), { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /required option '--commit <sha>' not specified/);
    await assertNoRelease('orders@1.0.6');
  });

  it('an unknown subcommand, or an unknown command → exit 2, stderr names it', async () => {
    const [sub, top] = await Promise.all([
      runDossier(['release', 'frobnicate'], { env }),
      runDossier(['frobnicate'], { env }),
    ]);
    assert.equal(sub.code, 2, describeRun(sub));
    assert.match(sub.stderr, /unknown command 'frobnicate'/);
    assert.equal(top.code, 2, describeRun(top));
    assert.match(top.stderr, /unknown command 'frobnicate'/);
  });

  it('attest without --release → exit 2, stderr names --release', async () => {
    const run = await runDossier(['attest', 'junit', REPORT], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /required option '--release <id-or-tag>' not specified/);
  });

  it('release list --limit 0 → exit 2, stderr names limit', async () => {
    const run = await runDossier(['release', 'list', '--limit', '0'], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /limit/);
  });

  it('release show of an unknown id → exit 2, stderr names the id', async () => {
    const id = 'rel_00000000000000000000000000';
    const run = await runDossier(['release', 'show', id], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`no release with id or tag "${id}"`));
  });
});

describe('dossier CLI: where the server is', () => {
  let cwd: string;
  before(async () => {
    cwd = await makeTempDir('dossier-cli-cwd-');
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('no DOSSIER_URL and no --local → exit 2, stderr names DOSSIER_URL and --local, and nothing is written to the working directory', async () => {
    const run = await runDossier(createArgs('2.0.0'), { cwd, env: { DOSSIER_TOKEN: 'dsr_x' } });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /no server given: set DOSSIER_URL \(or --url\), or use --local DIR/);
    assert.deepEqual(await readdir(cwd), []);
  });

  it('a DOSSIER_URL that is not http(s) → exit 2, stderr names DOSSIER_URL', async () => {
    const run = await runDossier(['release', 'list'], {
      env: { DOSSIER_URL: 'ftp://127.0.0.1/', DOSSIER_TOKEN: 'dsr_x' },
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /DOSSIER_URL "ftp:\/\/127\.0\.0\.1\/" is not an http/);
  });

  it('a closed port on 127.0.0.1 → exit 3 for release list and for attest, stderr says it cannot reach the server', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const env = { DOSSIER_URL: url, DOSSIER_TOKEN: 'dsr_unused_token_0123456789' };
    const [list, attest] = await Promise.all([
      runDossier(['release', 'list'], { env }),
      runDossier(['attest', 'junit', REPORT, '--release', 'orders@1.0.0'], { env }),
    ]);
    for (const run of [list, attest]) {
      assert.equal(run.code, 3, describeRun(run));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`cannot reach Dossier at ${url} \\(ECONNREFUSED\\)`));
    }
  });

  describe('a server that fails', () => {
    let stub: Server;
    let url: string;
    before(async () => {
      // Answers like a crashed backend (500 problem) or a web page that is not Dossier (HTML).
      stub = createServer((request, response) => {
        if (request.url?.startsWith('/html/')) {
          response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
        } else {
          response
            .writeHead(500, { 'content-type': 'application/problem+json' })
            .end(JSON.stringify({ code: 'INTERNAL', detail: 'disk on fire' }));
        }
      });
      await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
      const address = stub.address();
      assert.ok(address && typeof address === 'object');
      url = `http://127.0.0.1:${address.port}`;
    });
    after(() => new Promise<void>((resolve) => stub.close(() => resolve())));

    it('an HTTP 500 answer → exit 3, stderr carries the server detail', async () => {
      const run = await runDossier(['release', 'list'], {
        env: { DOSSIER_URL: url, DOSSIER_TOKEN: 'dsr_unused_token_0123456789' },
      });
      assert.equal(run.code, 3, describeRun(run));
      assert.match(run.stderr, new RegExp(`${url} failed: disk on fire`));
    });

    it('an HTML page instead of JSON → exit 3, stderr asks whether DOSSIER_URL is a Dossier server', async () => {
      const run = await runDossier(['release', 'list'], {
        env: { DOSSIER_URL: `${url}/html/`, DOSSIER_TOKEN: 'dsr_unused_token_0123456789' },
      });
      assert.equal(run.code, 3, describeRun(run));
      assert.match(run.stderr, /is DOSSIER_URL a Dossier server\?/);
    });
  });
});

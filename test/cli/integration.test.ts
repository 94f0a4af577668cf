import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { hmacSha256Header } from '../../src/core/webhooks/verify-signature.ts';
import { corpusPath } from '../support/corpus.ts';
import { type StartedServer, startServer } from '../support/start-server.ts';
import { describeRun, runDossier, serverEnv } from './run-dossier.ts';

const SECRET = 'a github secret with spaces 0123';
const ping = readFileSync(corpusPath('webhooks-github', 'ping.go-playground.json'));

const sendPing = (server: StartedServer, secret: string, delivery: string) =>
  fetch(`${server.url}/v1/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': delivery,
      'x-hub-signature-256': hmacSha256Header(secret, ping),
    },
    body: new Uint8Array(ping),
  });

describe('dossier integration add|list|remove', () => {
  let server: StartedServer;
  let env: Record<string, string>;

  before(async () => {
    server = await startServer();
    env = serverEnv(server);
  });
  after(() => server.stop());

  it('add reads the secret from stdin; the server then verifies GitHub deliveries with it', async () => {
    assert.equal((await sendPing(server, SECRET, 'before-add')).status, 404, 'not configured yet');
    const added = await runDossier(['integration', 'add', 'github', '--secret-stdin'], {
      env,
      input: `${SECRET}\n`,
    });
    assert.equal(added.code, 0, describeRun(added));
    assert.match(added.stdout, /Set the github webhook secret/);
    assert.ok(!added.stdout.includes(SECRET) && !added.stderr.includes(SECRET));
    assert.equal((await sendPing(server, SECRET, 'after-add')).status, 202);
    assert.equal((await sendPing(server, `${SECRET}x`, 'wrong')).status, 401);
  });

  it('list shows the source and who set it, never the secret', async () => {
    const listed = await runDossier(['integration', 'list', '--json'], { env });
    assert.equal(listed.code, 0, describeRun(listed));
    const items = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      items.map((item) => [item.source, item.origin, item.createdBy]),
      [['github', 'stored', 'token:bootstrap-admin']],
    );
    assert.ok(!listed.stdout.includes(SECRET));
  });

  it('refuses a secret given without --secret-stdin, a short one and an unknown source (exit 2)', async () => {
    const noFlag = await runDossier(['integration', 'add', 'gitlab'], { env });
    assert.equal(noFlag.code, 2, describeRun(noFlag));
    assert.match(noFlag.stderr, /--secret-stdin/);
    const short = await runDossier(['integration', 'add', 'gitlab', '--secret-stdin'], {
      env,
      input: 'short',
    });
    assert.equal(short.code, 2, describeRun(short));
    assert.match(short.stderr, /at least 16 characters/);
    const unknown = await runDossier(['integration', 'add', 'bitbucket', '--secret-stdin'], {
      env,
      input: SECRET,
    });
    assert.equal(unknown.code, 2, describeRun(unknown));
    assert.match(unknown.stderr, /unknown integration "bitbucket"/);
  });

  it('remove deletes the stored secret; deliveries are refused again', async () => {
    const removed = await runDossier(['integration', 'remove', 'github'], { env });
    assert.equal(removed.code, 0, describeRun(removed));
    assert.equal((await sendPing(server, SECRET, 'after-remove')).status, 404);
    const again = await runDossier(['integration', 'remove', 'github'], { env });
    assert.equal(again.code, 2, describeRun(again));
  });
});

describe('a first setup from DOSSIER_GITHUB_WEBHOOK_SECRET', () => {
  let server: StartedServer;
  before(async () => {
    server = await startServer({ env: { DOSSIER_GITHUB_WEBHOOK_SECRET: SECRET } });
  });
  after(() => server.stop());

  it('verifies deliveries with the variable and lists it as coming from the environment', async () => {
    assert.equal((await sendPing(server, SECRET, 'env-1')).status, 202);
    const listed = await runDossier(['integration', 'list'], { env: serverEnv(server) });
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, /github\s+environment/);
  });
});

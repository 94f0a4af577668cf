import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import { verifyWebhookSignature } from '../../src/core/outbound/webhook-signature.ts';
import { createJobRunner } from '../../src/service/jobs/start-job-runner.ts';
import { bytes, openTestServices, type TestServices } from '../support/services.ts';

const SIMPLE = new URL('../fixtures/policies/simple.yaml', import.meta.url);
const admin: Actor = { id: 'user:root', roles: ['admin'] };
const ci: Actor = { id: 'token:ci', roles: ['engineering'] };
const COMMIT = 'c0ffee0123456789abcdef0123456789abcdef01';
const SECRET = 'receiver-secret-0123456789';
const GITHUB_TOKEN = 'ghs_test_token';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server on 127.0.0.1 that records what it is sent and answers with `status()`. */
async function recorder(
  status: () => number,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(status(), { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

const JUNIT = `<?xml version="1.0"?><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="a" name="one"/></testsuite>`;
const SBOM = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: [
    { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
  ],
});

describe('outbound: commit statuses and signed webhooks from the job queue', () => {
  let t: TestServices;
  let github: Awaited<ReturnType<typeof recorder>>;
  let receiver: Awaited<ReturnType<typeof recorder>>;
  let releaseId = '';
  const settings = (allowPrivate: boolean) => ({
    jobPollIntervalMs: 1000,
    jobLeaseMs: 60_000,
    checkpointIntervalMs: 0,
    publicUrl: 'https://dossier.example',
    githubApiUrl: '',
    githubToken: GITHUB_TOKEN,
    gitlabApiUrl: 'https://gitlab.invalid/api/v4',
    webhookAllowPrivate: allowPrivate,
  });
  const drain = async (allowPrivate = true) => {
    const runner = createJobRunner(t.services, {
      ...settings(allowPrivate),
      githubApiUrl: github.url,
    });
    assert.ok(runner);
    for (let i = 0; i < 10; i++) {
      const result = await runner.poll();
      if (result.claimed === 0) break;
    }
  };

  before(async () => {
    github = await recorder(() => 201);
    receiver = await recorder(() => 200);
    t = await openTestServices();
    await t.services.policies.apply(admin, await readFile(SIMPLE, 'utf8'));
    await t.services.outboundWebhooks.add(admin, {
      url: `${receiver.url}/dossier-events`,
      secret: SECRET,
      events: ['gate.changed', 'approval.given'],
    });
    const { release } = await t.services.releases.create(ci, {
      service: 'payments',
      version: '2.0.0',
      commit: COMMIT,
    });
    releaseId = release.id;
    await t.services.evidence.attach(ci, {
      release: release.id,
      kind: 'junit',
      name: 'junit.xml',
      body: bytes(JUNIT),
      ciContext: {
        provider: 'github-actions',
        commit: COMMIT,
        branch: 'main',
        repository: 'acme/payments',
        runId: '42',
        runUrl: 'https://github.com/acme/payments/actions/runs/42',
        actor: 'octocat',
      },
    });
  });
  after(async () => {
    await t.dispose();
    github.server.close();
    receiver.server.close();
  });

  it('posts a failing commit status with the reason when the gate blocks, as GitHub expects it', async () => {
    const answer = await t.services.gates.decide(ci, releaseId, 'staging');
    assert.equal(answer.decision.decision, 'blocked');
    await drain();
    assert.equal(github.received.length, 1);
    const [post] = github.received;
    assert.equal(post?.method, 'POST');
    assert.equal(post?.url, `/repos/acme/payments/statuses/${COMMIT}`);
    assert.equal(post?.headers.authorization, `Bearer ${GITHUB_TOKEN}`);
    assert.equal(post?.headers.accept, 'application/vnd.github+json');
    assert.equal(post?.headers['x-github-api-version'], '2022-11-28');
    const body = JSON.parse(post?.body ?? '{}');
    assert.equal(body.state, 'failure');
    assert.equal(body.context, 'dossier/gate: staging');
    assert.match(body.description, /^blocked: evidence:sbom: no sbom evidence/);
    assert.ok(body.description.length <= 140);
    assert.equal(body.target_url, `https://dossier.example/releases/${releaseId}`);
  });

  it('delivers gate.changed to the subscriber, signed over the body with a timestamp', async () => {
    const delivered = receiver.received.filter(
      (r) => r.headers['x-dossier-event'] === 'gate.changed',
    );
    assert.equal(delivered.length, 1);
    const [delivery] = delivered;
    const signature = String(delivery?.headers['x-dossier-signature']);
    const now = Math.floor(Date.now() / 1000);
    const timestamp = Number(/t=(\d+)/.exec(signature)?.[1]);
    assert.deepEqual(verifyWebhookSignature(SECRET, signature, delivery?.body ?? '', timestamp), {
      ok: true,
    });
    assert.equal(
      verifyWebhookSignature('wrong-secret-0123456789', signature, delivery?.body ?? '', timestamp)
        .ok,
      false,
    );
    assert.ok(Math.abs(now - timestamp) < 3600 * 24 * 365);
    const envelope = JSON.parse(delivery?.body ?? '{}');
    assert.equal(envelope.event, 'gate.changed');
    assert.equal(envelope.data.decision, 'blocked');
    assert.equal(envelope.data.release.id, releaseId);
    assert.equal(delivery?.headers['x-dossier-delivery'], envelope.id);
  });

  it('asking again changes nothing and sends nothing; fixing the evidence turns the status to success', async () => {
    await t.services.gates.decide(ci, releaseId, 'staging');
    await drain();
    assert.equal(github.received.length, 1, 'same decision: no new status');
    await t.services.evidence.attach(ci, {
      release: releaseId,
      kind: 'sbom',
      name: 'bom.json',
      body: bytes(SBOM),
    });
    const answer = await t.services.gates.decide(ci, releaseId, 'staging');
    assert.equal(answer.decision.decision, 'allowed');
    await drain();
    assert.equal(github.received.length, 2);
    assert.equal(JSON.parse(github.received[1]?.body ?? '{}').state, 'success');
    const decisions = receiver.received
      .filter((r) => r.headers['x-dossier-event'] === 'gate.changed')
      .map((r) => JSON.parse(r.body).data.decision);
    assert.deepEqual(decisions, ['blocked', 'allowed']);
  });

  it('refuses to deliver to a loopback address unless the admin allows it; the job goes dead', async () => {
    const before = receiver.received.length;
    const { release } = await t.services.releases.create(ci, {
      service: 'payments',
      version: '2.0.1',
      commit: COMMIT,
    });
    await t.services.gates.decide(ci, release.id, 'staging');
    await drain(false);
    assert.equal(receiver.received.length, before, 'nothing reached 127.0.0.1');
    const dead = (await t.services.deps.store.listJobs({ state: 'dead', limit: 50 })).items.filter(
      (job) => job.kind === 'webhook.deliver',
    );
    assert.equal(dead.length, 1);
    assert.match(dead[0]?.lastError ?? '', /resolves to an internal address \(127\.0\.0\.1\)/);
  });

  it('posts GitLab commit statuses to the project path with PRIVATE-TOKEN, as GitLab expects', async () => {
    const gitlab = await recorder(() => 201);
    try {
      const { release } = await t.services.releases.create(ci, {
        service: 'lab-portal',
        version: '1.0.0',
        commit: COMMIT,
      });
      await t.services.evidence.attach(ci, {
        release: release.id,
        kind: 'junit',
        name: 'junit.xml',
        body: bytes(JUNIT),
        ciContext: {
          provider: 'gitlab-ci',
          commit: COMMIT,
          branch: 'main',
          repository: 'lab/portal',
          runId: '77',
          runUrl: 'https://gitlab.example/lab/portal/-/pipelines/77',
          actor: 'ann',
        },
      });
      await t.services.gates.decide(ci, release.id, 'production');
      const runner = createJobRunner(t.services, {
        ...settings(true),
        githubApiUrl: github.url,
        gitlabApiUrl: `${gitlab.url}/api/v4`,
        gitlabToken: 'glpat-test',
      });
      for (let i = 0; i < 10 && (await runner?.poll())?.claimed; i++);
      assert.equal(gitlab.received.length, 1);
      const [post] = gitlab.received;
      assert.equal(post?.url, `/api/v4/projects/lab%2Fportal/statuses/${COMMIT}`);
      assert.equal(post?.headers['private-token'], 'glpat-test');
      const body = JSON.parse(post?.body ?? '{}');
      assert.equal(body.state, 'failed');
      assert.equal(body.name, 'dossier/gate: production');
      assert.match(body.description, /^blocked: /);
      assert.equal(body.target_url, `https://dossier.example/releases/${release.id}`);
    } finally {
      gitlab.server.close();
    }
  });
});

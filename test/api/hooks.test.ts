import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { hmacSha256Header } from '../../src/core/webhooks/verify-signature.ts';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';
import { corpusPath } from '../support/corpus.ts';

const GITHUB_SECRET = 'github-webhook-secret-0123456789';
const GITLAB_TOKEN = 'gitlab-webhook-token-0123456789';
const CDEVENTS_SECRET = 'cdevents-shared-secret-0123456789';

const workflowRun = readFileSync(corpusPath('webhooks-github', 'workflow_run.go-playground.json'));
const push = readFileSync(corpusPath('webhooks-github', 'push.go-playground.json'));
const deploymentStatus = readFileSync(
  corpusPath('webhooks-github', 'deployment-status.go-playground.json'),
);
const gitlabPipeline = readFileSync(
  corpusPath('webhooks-gitlab', 'pipeline-event.go-playground.json'),
);
const serviceDeployed = readFileSync(corpusPath('cdevents', 'v0.4.1-service_deployed.json'));

const RUN_COMMIT = 'd6b80f8411bdc1a44407ff20619a74068b03ea5a';
const PIPELINE_COMMIT = 'bcbb5ec396a2c0f828686f14fac9b80b780504f2';
const DEPLOYED_DIGEST = 'sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427';

describe('POST /v1/hooks/* over real HTTP', () => {
  let api: ApiUnderTest;
  let releaseId: string;
  let gitlabReleaseId: string;
  let cdReleaseId: string;
  let delivery = 0;

  const github = (
    event: string,
    body: Buffer,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    api.call('/v1/hooks/github', {
      method: 'POST',
      auth: false,
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': `gh-delivery-${++delivery}`,
        'x-hub-signature-256': hmacSha256Header(GITHUB_SECRET, body),
        ...headers,
      },
      body: new Uint8Array(body),
    });

  const auditSize = async () =>
    (await (await api.call('/v1/log/checkpoint')).json()).size as number;
  const evidenceOf = async (release: string) =>
    (await (await api.call(`/v1/releases/${release}/evidence`)).json()).items as Array<
      Record<string, unknown>
    >;

  before(async () => {
    api = await startApi();
    for (const [source, secret] of [
      ['github', GITHUB_SECRET],
      ['gitlab', GITLAB_TOKEN],
      ['cdevents', CDEVENTS_SECRET],
    ]) {
      const response = await api.call(`/v1/integrations/${source}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret }),
      });
      assert.equal(response.status, 200, await response.text());
    }
    const create = async (input: Record<string, unknown>) => {
      const response = await api.call('/v1/releases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return ((await response.json()) as { id: string }).id;
    };
    releaseId = await create({ service: 'payments', version: '1.0.0', commit: RUN_COMMIT });
    gitlabReleaseId = await create({
      service: 'ledger',
      version: '2.0.0',
      commit: PIPELINE_COMMIT,
    });
    cdReleaseId = await create({
      service: 'myapp',
      version: '3.0.0',
      commit: 'a'.repeat(40),
      artifacts: [DEPLOYED_DIGEST],
    });
  });
  after(() => api.close());

  it('lists the three integrations without their secrets', async () => {
    const response = await api.call('/v1/integrations');
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.deepEqual(
      (JSON.parse(text).items as Array<{ source: string; origin: string }>).map(
        (item) => `${item.source}:${item.origin}`,
      ),
      ['github:stored', 'gitlab:stored', 'cdevents:stored'],
    );
    for (const secret of [GITHUB_SECRET, GITLAB_TOKEN, CDEVENTS_SECRET]) {
      assert.ok(!text.includes(secret), 'a secret was returned');
    }
  });

  it('a signed workflow_run becomes pipeline-run evidence on the release with its commit, bytes kept', async () => {
    const response = await github('workflow_run', workflowRun, {
      'x-github-delivery': 'run-delivery-1',
    });
    assert.equal(response.status, 201);
    const result = await response.json();
    assert.equal(result.status, 'recorded');
    assert.equal(result.deliveryId, 'run-delivery-1');
    assert.equal(result.evidence.length, 1);
    const [evidence] = await evidenceOf(releaseId);
    assert.equal(evidence?.kind, 'pipeline-run');
    assert.equal(evidence?.submittedBy, 'webhook:github');
    assert.equal((evidence?.ciContext as { runId: string } | undefined)?.runId, '565676767');
    assert.equal((evidence?.summary as { runId: string } | undefined)?.runId, '565676767');
    const blob = await api.call(`/v1/blobs/${evidence?.sha256}`);
    assert.deepEqual(Buffer.from(await blob.arrayBuffer()), workflowRun, 'the body byte for byte');
  });

  it('the same delivery again is a duplicate: 200, nothing new in the log or on the release', async () => {
    const before = await auditSize();
    const count = (await evidenceOf(releaseId)).length;
    const again = await github('workflow_run', workflowRun, {
      'x-github-delivery': 'run-delivery-1',
    });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).status, 'duplicate');
    // A captured body replayed under a new delivery id is refused the same way.
    const replayed = await github('workflow_run', workflowRun, {
      'x-github-delivery': 'forged-new-id',
    });
    assert.equal(replayed.status, 200);
    assert.equal((await replayed.json()).status, 'duplicate');
    assert.equal(await auditSize(), before);
    assert.equal((await evidenceOf(releaseId)).length, count);
  });

  it('refuses a wrong signature, a missing one and a tampered body with 401; nothing changes', async () => {
    const before = await auditSize();
    const body = Buffer.from(workflowRun);
    body[body.indexOf('"completed"') + 1] = 'C'.charCodeAt(0);
    const cases: Array<[string, Promise<Response>]> = [
      [
        'wrong secret',
        github('workflow_run', workflowRun, {
          'x-hub-signature-256': hmacSha256Header('another-secret-0123456789', workflowRun),
        }),
      ],
      [
        'missing header',
        api.call('/v1/hooks/github', {
          method: 'POST',
          auth: false,
          headers: { 'x-github-event': 'workflow_run', 'x-github-delivery': 'no-signature' },
          body: new Uint8Array(workflowRun),
        }),
      ],
      [
        'tampered body',
        github('workflow_run', body, {
          'x-hub-signature-256': hmacSha256Header(GITHUB_SECRET, workflowRun),
        }),
      ],
    ];
    for (const [name, pending] of cases) {
      const response = await pending;
      assert.equal(response.status, 401, name);
      const problem = await response.json();
      assert.equal(problem.code, 'WEBHOOK_SIGNATURE_INVALID', name);
    }
    assert.equal(await auditSize(), before, 'a refused delivery appends nothing');
  });

  it('an unmapped event (push) is acknowledged with 202 and recorded as ignored', async () => {
    const response = await github('push', push, { 'x-github-delivery': 'push-1' });
    assert.equal(response.status, 202);
    const result = await response.json();
    assert.equal(result.status, 'ignored');
    assert.match(result.detail, /not mapped/);
    const entries = (await (await api.call('/v1/log/entries?from=0&limit=1000')).json())
      .items as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;
    const received = entries.filter((entry) => entry.action === 'webhook.received');
    assert.deepEqual(
      received.map((entry) => [entry.details.deliveryId, entry.details.outcome]),
      [
        ['run-delivery-1', 'recorded'],
        ['push-1', 'ignored'],
      ],
    );
  });

  it('a deployment of a commit no release has is acknowledged as unmatched', async () => {
    const response = await github('deployment_status', deploymentStatus);
    assert.equal(response.status, 202);
    const result = await response.json();
    assert.equal(result.status, 'unmatched');
    assert.match(result.detail, /9049f1265b7d61be4a8904a9a27120d2064dab3b/);
  });

  it('a deployment_status success for a release’s commit records the deployment (and keeps the evidence)', async () => {
    const created = await api.call('/v1/releases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'public-repo',
        version: '1.0.0',
        commit: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
      }),
    });
    const release = ((await created.json()) as { id: string }).id;
    // The same event re-serialized: other bytes than the unmatched delivery above.
    const body = Buffer.from(JSON.stringify(JSON.parse(deploymentStatus.toString('utf8'))));
    const response = await github('deployment_status', body);
    assert.equal(response.status, 201, await response.clone().text());
    const result = await response.json();
    assert.equal(result.deployments.length, 1);
    const deployments = (await (await api.call(`/v1/releases/${release}/deployments`)).json())
      .items as Array<Record<string, unknown>>;
    assert.deepEqual(
      deployments.map((d) => [d.environment, d.status, d.source, d.at, d.recordedBy]),
      [['production', 'succeeded', 'github', '2015-05-05T23:40:39.000Z', 'webhook:github']],
    );
    const [evidence] = await evidenceOf(release);
    assert.equal(evidence?.kind, 'deployment');
  });

  it('refuses a body that is not JSON, and a delivery without an id, with 400', async () => {
    const notJson = Buffer.from('payload=%7B%7D');
    const form = await github('workflow_run', notJson);
    assert.equal(form.status, 400);
    const noId = await api.call('/v1/hooks/github', {
      method: 'POST',
      auth: false,
      headers: {
        'x-github-event': 'workflow_run',
        'x-hub-signature-256': hmacSha256Header(GITHUB_SECRET, workflowRun),
      },
      body: new Uint8Array(workflowRun),
    });
    assert.equal(noId.status, 400);
    assert.match((await noId.json()).detail, /X-GitHub-Delivery/);
  });

  it('GitLab: the right token records the pipeline; a wrong token is 401', async () => {
    const send = (token: string, key: string) =>
      api.call('/v1/hooks/gitlab', {
        method: 'POST',
        auth: false,
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': 'Pipeline Hook',
          'x-gitlab-token': token,
          'idempotency-key': key,
        },
        body: new Uint8Array(gitlabPipeline),
      });
    const wrong = await send('not-the-gitlab-token-000', 'gl-1');
    assert.equal(wrong.status, 401);
    const right = await send(GITLAB_TOKEN, 'gl-1');
    assert.equal(right.status, 201);
    const [evidence] = await evidenceOf(gitlabReleaseId);
    assert.equal(evidence?.kind, 'pipeline-run');
    assert.equal((evidence?.summary as { conclusion: string } | undefined)?.conclusion, 'success');
    // GitLab retries with the same Idempotency-Key.
    assert.equal((await send(GITLAB_TOKEN, 'gl-1')).status, 200);
  });

  it('CDEvents: service.deployed signed with X-Dossier-Signature-256 lands on the release with that artifact', async () => {
    const send = (signature: string) =>
      api.call('/v1/hooks/cdevents', {
        method: 'POST',
        auth: false,
        headers: { 'content-type': 'application/json', 'x-dossier-signature-256': signature },
        body: new Uint8Array(serviceDeployed),
      });
    assert.equal((await send(hmacSha256Header(GITHUB_SECRET, serviceDeployed))).status, 401);
    const response = await send(hmacSha256Header(CDEVENTS_SECRET, serviceDeployed));
    assert.equal(response.status, 201, await response.clone().text());
    assert.equal((await response.json()).deliveryId, '271069a8-fc18-44f1-b38f-9d70a1695819');
    const [evidence] = await evidenceOf(cdReleaseId);
    assert.equal(evidence?.kind, 'deployment');
    assert.equal(
      (evidence?.summary as { environment: string } | undefined)?.environment,
      'test123',
    );
    const deployments = (await (await api.call(`/v1/releases/${cdReleaseId}/deployments`)).json())
      .items as Array<Record<string, unknown>>;
    assert.deepEqual(
      deployments.map((d) => [d.environment, d.status, d.source]),
      [['test123', 'succeeded', 'cdevents']],
    );
  });

  it('after the integration is removed, deliveries are refused as not configured (404)', async () => {
    const removed = await api.call('/v1/integrations/github', { method: 'DELETE' });
    assert.equal(removed.status, 204);
    const response = await github('workflow_run', workflowRun);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 'WEBHOOK_NOT_CONFIGURED');
  });
});

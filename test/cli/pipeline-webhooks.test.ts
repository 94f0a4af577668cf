import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hmacSha256Header } from '../../src/core/webhooks/verify-signature.ts';
import { corpusPath } from '../support/corpus.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import { describeRun, runDossier, serverEnv } from './run-dossier.ts';

// Recorded GitHub payloads from the corpus (provenance in /work/shared/corpus/SOURCES.md), edited
// only where this pipeline differs: the run succeeded; the deployment went to staging.
const SECRET = 'pipeline-webhook-secret-0123456789';
const COMMIT = 'd6b80f8411bdc1a44407ff20619a74068b03ea5a';
const workflowRun = JSON.parse(
  readFileSync(corpusPath('webhooks-github', 'workflow_run.go-playground.json'), 'utf8'),
);
workflowRun.action = 'completed';
workflowRun.workflow_run.conclusion = 'success';
const deploymentStatus = JSON.parse(
  readFileSync(corpusPath('webhooks-github', 'deployment-status.go-playground.json'), 'utf8'),
);
deploymentStatus.deployment.sha = COMMIT;
deploymentStatus.deployment.environment = 'staging';

const PASSING_JUNIT = corpusPath('junit', 'gradle-test-AppTest.xml');

describe('a pipeline played from CLI calls and recorded GitHub webhooks', () => {
  let server: StartedServer;
  let env: Record<string, string>;
  let dir: string;
  const dossier = (...args: string[]) => runDossier(args, { env });
  const deliver = (event: string, payload: unknown, id: string) => {
    const body = Buffer.from(JSON.stringify(payload));
    return fetch(`${server.url}/v1/hooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': id,
        'x-hub-signature-256': hmacSha256Header(SECRET, body),
      },
      body: new Uint8Array(body),
    });
  };

  // GitHub's statuses API, as the server reaches it: checks the path and headers, keeps the body.
  const statuses: Array<{
    path: string;
    body: { state: string; context: string; description: string };
  }> = [];
  const github = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const authorized = request.headers.authorization === 'Bearer ghs_pipeline_token';
      const json = request.headers.accept === 'application/vnd.github+json';
      if (request.method !== 'POST' || !authorized || !json) {
        response.writeHead(401).end();
        return;
      }
      statuses.push({
        path: request.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const statusCount = async (count: number) => {
    for (let i = 0; i < 200 && statuses.length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(statuses.length, count, JSON.stringify(statuses));
    return statuses[count - 1];
  };

  before(async () => {
    await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
    const address = github.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    server = await startServer({
      env: {
        DOSSIER_GITHUB_API_URL: `http://127.0.0.1:${port}`,
        DOSSIER_GITHUB_TOKEN: 'ghs_pipeline_token',
        DOSSIER_PUBLIC_URL: 'https://dossier.example',
        DOSSIER_JOB_POLL_INTERVAL_MS: '100',
      },
    });
    env = serverEnv(server);
    dir = await makeTempDir('dossier-pipeline-');
  });
  after(async () => {
    await server.stop();
    github.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gate blocked until the workflow run arrives, allowed after; the deployment webhook opens production', async () => {
    // A policy whose low tier wants passing tests and a green CI run (read from the webhook's
    // pipeline-run summary).
    const policy = (await readFile('test/fixtures/policies/simple.yaml', 'utf8'))
      .replace('name: simple', 'name: ci-green')
      .replace(
        / {2}low:\n {4}default:\n {6}evidence: \[junit\]\n {6}rules:\n/,
        [
          '  low:',
          '    default:',
          '      evidence: [junit, pipeline-run]',
          '      rules:',
          '        - id: ci-green',
          '          description: The CI workflow run for the commit succeeded.',
          '          when: "evidence.pipelineRun.passed"',
          '',
        ].join('\n'),
      );
    assert.match(policy, /ci-green/, 'the policy fixture changed shape');
    const policyFile = join(dir, 'ci-green.yaml');
    await writeFile(policyFile, policy);
    for (const args of [
      ['policy', 'apply', policyFile],
      ['service', 'set', 'hello-world', '--criticality', '1', '--owner', 'ann'],
    ]) {
      const run = await dossier(...args);
      assert.equal(run.code, 0, describeRun(run));
    }
    const added = await runDossier(['integration', 'add', 'github', '--secret-stdin'], {
      env,
      input: SECRET,
    });
    assert.equal(added.code, 0, describeRun(added));

    const change = await dossier(
      'change',
      'create',
      '--service',
      'hello-world',
      '--title',
      'Greeting',
      '--type',
      'code',
      '--reason',
      'Ticket 7',
      '--json',
    );
    assert.equal(change.code, 0, describeRun(change));
    const changeId = JSON.parse(change.stdout).id as string;
    const assessed = await dossier(
      'change',
      'assess',
      changeId,
      '--scope',
      '1',
      '--customer-impact',
      '1',
      '--rollback',
      '1',
    );
    assert.equal(assessed.code, 0, describeRun(assessed));

    // build → release → attest
    const tag = `hello-world@1.0.0+${changeId.toLowerCase()}`;
    const created = await dossier(
      'release',
      'create',
      '--service',
      'hello-world',
      '--version',
      '1.0.0',
      '--commit',
      COMMIT,
      '--change',
      changeId,
    );
    assert.equal(created.code, 0, describeRun(created));
    // attest runs in a GitHub Actions job: the CLI records the repository and run with the file.
    const attested = await runDossier(['attest', 'junit', PASSING_JUNIT, '--release', tag], {
      env: {
        ...env,
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/hello-world',
        GITHUB_SHA: COMMIT,
        GITHUB_REF_NAME: 'main',
        GITHUB_RUN_ID: '4242',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_ACTOR: 'octocat',
      },
    });
    assert.equal(attested.code, 0, describeRun(attested));

    // gate: blocked, the CI run has not reported yet
    const blocked = await dossier('gate', tag, '--env', 'staging');
    assert.equal(blocked.code, 1, describeRun(blocked));
    assert.match(blocked.stdout, /ci-green +MISSING|no pipeline-run evidence/i);
    // …and says so on the commit, as the developer sees it on the pull request
    const failing = await statusCount(1);
    assert.equal(failing?.path, `/repos/acme/hello-world/statuses/${COMMIT}`);
    assert.equal(failing?.body.state, 'failure');
    assert.equal(failing?.body.context, 'dossier/gate: staging');
    assert.match(failing?.body.description ?? '', /^blocked: evidence:pipeline-run: /);

    // GitHub reports the finished workflow run for the commit
    const run = await deliver('workflow_run', workflowRun, 'delivery-run-1');
    assert.equal(run.status, 201, await run.clone().text());

    const allowed = await dossier('gate', tag, '--env', 'staging');
    assert.equal(allowed.code, 0, describeRun(allowed));
    assert.match(allowed.stdout, /^ALLOWED: /);
    const passing = await statusCount(2);
    assert.equal(passing?.body.state, 'success');
    assert.equal(passing?.body.context, 'dossier/gate: staging');

    // production waits for a deployment to staging, which GitHub reports
    const early = await dossier('gate', tag, '--env', 'production');
    assert.equal(early.code, 1, describeRun(early));
    const deployed = await deliver('deployment_status', deploymentStatus, 'delivery-deploy-1');
    assert.equal(deployed.status, 201, await deployed.clone().text());
    assert.equal((await deployed.json()).deployments[0].environment, 'staging');
    const promoted = await dossier('gate', tag, '--env', 'production');
    assert.equal(promoted.code, 0, describeRun(promoted));

    // GitHub redelivers the deployment: nothing changes
    const redelivered = await deliver('deployment_status', deploymentStatus, 'delivery-deploy-1');
    assert.equal(redelivered.status, 200);
    const release = await dossier('release', 'show', tag, '--json');
    assert.equal(JSON.parse(release.stdout).evidence.length, 3, describeRun(release));
  });
});

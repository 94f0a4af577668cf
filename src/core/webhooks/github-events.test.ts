import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { mapGithubEvent } from './github-events.ts';
import type { MappedEvent } from './webhook-source.ts';

// Corpus file names say the event (`deployment-status` is X-GitHub-Event `deployment_status`).
const files = corpusFiles('webhooks-github');
const load = (name: string) => {
  const path = files.find((file) => basename(file) === `${name}.go-playground.json`);
  assert.ok(path, `corpus file ${name} missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
};
const eventOf = (file: string) => basename(file).split('.')[0]?.replaceAll('-', '_') ?? '';

function evidence(mapped: MappedEvent) {
  assert.equal(mapped.type, 'evidence', `expected evidence, got ${JSON.stringify(mapped)}`);
  return mapped as Extract<MappedEvent, { type: 'evidence' }>;
}

describe('mapGithubEvent over the corpus (webhooks-github/)', () => {
  it('finds the 12 GitHub payloads and maps or ignores every one without throwing', () => {
    assert.equal(files.length, 12);
    const outcomes = Object.fromEntries(
      files.map((file) => {
        const mapped = mapGithubEvent(eventOf(file), JSON.parse(readFileSync(file, 'utf8')));
        return [eventOf(file), mapped.type === 'evidence' ? mapped.kind : 'ignored'];
      }),
    );
    assert.deepEqual(outcomes, {
      check_run: 'ignored',
      check_suite: 'pipeline-run',
      code_scanning_alert: 'ignored',
      deployment_status: 'deployment',
      deployment: 'deployment',
      ping: 'ignored',
      pull_request_review: 'review',
      pull_request: 'review',
      push: 'ignored',
      release: 'ignored',
      workflow_job: 'ignored',
      workflow_run: 'pipeline-run',
    });
  });

  it('workflow_run: a completed run becomes pipeline-run evidence linked by head SHA', () => {
    const mapped = evidence(mapGithubEvent('workflow_run', load('workflow_run')));
    assert.deepEqual(mapped.link.commits, ['d6b80f8411bdc1a44407ff20619a74068b03ea5a']);
    assert.equal(mapped.summary.pipeline, 'My Workflow');
    assert.equal(mapped.summary.runId, '565676767');
    assert.equal(mapped.summary.branch, 'master');
    // The example's conclusion "finished" is not one GitHub documents: kept raw, never "success".
    assert.equal(mapped.summary.rawConclusion, 'finished');
    assert.equal(mapped.summary.conclusion, 'unknown');
    assert.equal(mapped.summary.passed, false);
    assert.equal(mapped.name, 'github-workflow-run-565676767-1.json');
    assert.deepEqual(mapped.ciContext, {
      provider: 'github-actions',
      commit: 'd6b80f8411bdc1a44407ff20619a74068b03ea5a',
      branch: 'master',
      repository: 'baxterthehacker/public-repo',
      runId: '565676767',
      runUrl: 'https://api.github.com/users/baxterthehacker/html_url',
      actor: 'baxterthehacker',
    });
  });

  it('workflow_run still in progress is acknowledged and ignored', () => {
    const payload = load('workflow_run') as { workflow_run: Record<string, unknown> };
    payload.workflow_run.status = 'in_progress';
    const mapped = mapGithubEvent('workflow_run', payload);
    assert.equal(mapped.type, 'ignored');
  });

  it('workflow_run conclusions map to shared words: timed_out is a failure, success passes', () => {
    const payload = load('workflow_run') as { workflow_run: Record<string, unknown> };
    payload.workflow_run.conclusion = 'timed_out';
    assert.equal(evidence(mapGithubEvent('workflow_run', payload)).summary.conclusion, 'failure');
    payload.workflow_run.conclusion = 'success';
    const passed = evidence(mapGithubEvent('workflow_run', payload));
    assert.equal(passed.summary.conclusion, 'success');
    assert.equal(passed.summary.passed, true);
  });

  it('check_suite: completed with conclusion neutral, linked by head SHA', () => {
    const mapped = evidence(mapGithubEvent('check_suite', load('check-suite')));
    assert.equal(mapped.kind, 'pipeline-run');
    assert.equal(mapped.summary.conclusion, 'neutral');
    assert.deepEqual(mapped.link.commits, ['d6fde92930d4715a2b49857d24b940956b26d2d3']);
  });

  it('pull_request opened: review evidence linked by the head SHA only (not merged)', () => {
    const mapped = evidence(mapGithubEvent('pull_request', load('pull-request')));
    assert.equal(mapped.kind, 'review');
    assert.equal(mapped.summary.state, 'open');
    assert.equal(mapped.summary.merged, false);
    assert.equal(mapped.summary.author, 'baxterthehacker');
    assert.equal(mapped.summary.number, '1');
    assert.deepEqual(mapped.link.commits, ['0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c']);
  });

  it('pull_request closed and merged: also linked by the merge commit', () => {
    const payload = load('pull-request') as {
      action: string;
      pull_request: Record<string, unknown>;
    };
    payload.action = 'closed';
    payload.pull_request.merged = true;
    payload.pull_request.merge_commit_sha = '9049f1265b7d61be4a8904a9a27120d2064dab3b';
    const mapped = evidence(mapGithubEvent('pull_request', payload));
    assert.equal(mapped.summary.state, 'merged');
    assert.deepEqual(mapped.link.commits, [
      '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      '9049f1265b7d61be4a8904a9a27120d2064dab3b',
    ]);
  });

  it('pull_request labeled is acknowledged and ignored', () => {
    const payload = load('pull-request') as { action: string };
    payload.action = 'labeled';
    assert.equal(mapGithubEvent('pull_request', payload).type, 'ignored');
  });

  it('pull_request_review submitted/approved: an approval by its reviewer on the head commit', () => {
    const mapped = evidence(mapGithubEvent('pull_request_review', load('pull-request-review')));
    assert.equal(mapped.kind, 'review');
    assert.equal(mapped.summary.state, 'approved');
    assert.equal(mapped.summary.approved, true);
    assert.equal(mapped.summary.reviewer, 'baxterthehacker');
    assert.equal(mapped.summary.author, 'skalnik');
    assert.deepEqual(mapped.link.commits, ['b7a1f9c27caa4e03c14a88feb56e2d4f7500aa63']);
  });

  it('deployment: a requested deployment of the SHA to the environment', () => {
    const mapped = evidence(mapGithubEvent('deployment', load('deployment')));
    assert.equal(mapped.kind, 'deployment');
    assert.deepEqual(mapped.deployment, {
      source: 'github',
      environment: 'production',
      status: 'requested',
      commit: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
      artifacts: [],
      externalId: '710692',
      url: 'https://api.github.com/repos/baxterthehacker/public-repo/deployments/710692',
      deployer: 'baxterthehacker',
      at: '2015-05-05T23:40:38Z',
    });
  });

  it('deployment_status success: the deployment succeeded', () => {
    const mapped = evidence(mapGithubEvent('deployment_status', load('deployment-status')));
    assert.equal(mapped.deployment?.status, 'succeeded');
    assert.equal(mapped.deployment?.environment, 'production');
    assert.equal(mapped.deployment?.at, '2015-05-05T23:40:39Z');
    assert.equal(mapped.summary.rawStatus, 'success');
    assert.equal(mapped.name, 'github-deployment-710692-1115122.json');
  });

  it('deployment_status failure and error both mean failed', () => {
    const payload = load('deployment-status') as { deployment_status: Record<string, unknown> };
    for (const state of ['failure', 'error']) {
      payload.deployment_status.state = state;
      assert.equal(
        evidence(mapGithubEvent('deployment_status', payload)).deployment?.status,
        'failed',
      );
    }
  });

  it('a payload of the wrong shape is mapped from what is there, never a throw', () => {
    for (const event of ['workflow_run', 'pull_request', 'deployment_status', 'check_suite']) {
      for (const payload of [null, [], 'text', 42, { workflow_run: [] }]) {
        assert.doesNotThrow(() => mapGithubEvent(event, payload));
      }
    }
    const noSha = mapGithubEvent('deployment', { deployment: { sha: 'abc', environment: 'x' } });
    assert.deepEqual(evidence(noSha).link.commits, [], 'an abbreviated SHA links nothing');
  });
});

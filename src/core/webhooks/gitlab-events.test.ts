import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { mapGitlabEvent } from './gitlab-events.ts';
import type { MappedEvent } from './webhook-source.ts';

const files = corpusFiles('webhooks-gitlab');
const load = (name: string) => {
  const path = files.find((file) => basename(file) === `${name}.json`);
  assert.ok(path, `corpus file ${name} missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
};

function evidence(mapped: MappedEvent) {
  assert.equal(mapped.type, 'evidence', `expected evidence, got ${JSON.stringify(mapped)}`);
  return mapped as Extract<MappedEvent, { type: 'evidence' }>;
}

describe('mapGitlabEvent over the corpus (webhooks-gitlab/)', () => {
  it('finds the 10 GitLab payloads and maps or ignores every one without throwing', () => {
    assert.equal(files.length, 10);
    const outcomes = Object.fromEntries(
      files.map((file) => {
        const mapped = mapGitlabEvent('', JSON.parse(readFileSync(file, 'utf8')));
        return [basename(file), mapped.type === 'evidence' ? mapped.kind : 'ignored'];
      }),
    );
    assert.deepEqual(outcomes, {
      'deployment-event.go-playground.json': 'deployment',
      'deployment.go-gitlab.json': 'deployment',
      'job-event.go-playground.json': 'ignored',
      'job.go-gitlab.json': 'ignored',
      'merge-request-event.go-playground.json': 'review',
      'merge_request.go-gitlab.json': 'review',
      'pipeline-event.go-playground.json': 'pipeline-run',
      'pipeline.go-gitlab.json': 'pipeline-run',
      'push.go-gitlab.json': 'ignored',
      'release.go-gitlab.json': 'ignored',
    });
  });

  it('pipeline success: pipeline-run evidence with the pipeline URL, linked by SHA', () => {
    const mapped = evidence(mapGitlabEvent('Pipeline Hook', load('pipeline-event.go-playground')));
    assert.equal(mapped.summary.conclusion, 'success');
    assert.equal(mapped.summary.passed, true);
    assert.equal(mapped.summary.runId, '31');
    assert.equal(
      mapped.summary.runUrl,
      'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31',
    );
    assert.equal(mapped.summary.repository, 'gitlab-org/gitlab-test');
    assert.equal(mapped.summary.actor, 'root');
    assert.deepEqual(mapped.link.commits, ['bcbb5ec396a2c0f828686f14fac9b80b780504f2']);
    assert.equal(mapped.ciContext?.provider, 'gitlab-ci');
    assert.equal(mapped.ciContext?.runId, '31');
  });

  it('pipeline without a url attribute (go-gitlab sample): the URL is built from the project', () => {
    const mapped = evidence(mapGitlabEvent('Pipeline Hook', load('pipeline.go-gitlab')));
    assert.equal(
      mapped.summary.runUrl,
      'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31',
    );
  });

  it('pipeline failed is a failure; a running pipeline is ignored', () => {
    const payload = load('pipeline-event.go-playground');
    (payload.object_attributes as Record<string, unknown>).status = 'failed';
    assert.equal(evidence(mapGitlabEvent('Pipeline Hook', payload)).summary.conclusion, 'failure');
    (payload.object_attributes as Record<string, unknown>).status = 'running';
    assert.equal(mapGitlabEvent('Pipeline Hook', payload).type, 'ignored');
  });

  it('merge request opened: review evidence linked by its last commit', () => {
    const mapped = evidence(
      mapGitlabEvent('Merge Request Hook', load('merge-request-event.go-playground')),
    );
    assert.equal(mapped.summary.state, 'opened');
    assert.equal(mapped.summary.approved, false);
    assert.equal(mapped.summary.number, '1');
    assert.deepEqual(mapped.link.commits, ['da1560886d4f094c3e6c9ef40349f7d38b5d27d7']);
  });

  it('merge request approved: an approval by the acting user', () => {
    const payload = load('merge_request.go-gitlab');
    (payload.object_attributes as Record<string, unknown>).action = 'approved';
    const mapped = evidence(mapGitlabEvent('Merge Request Hook', payload));
    assert.equal(mapped.summary.approved, true);
    assert.equal(mapped.summary.reviewer, 'user1');
  });

  it('deployment success: the full SHA is read from the commit URL', () => {
    const mapped = evidence(mapGitlabEvent('Deployment Hook', load('deployment.go-gitlab')));
    assert.equal(mapped.deployment?.status, 'succeeded');
    assert.equal(mapped.deployment?.environment, 'staging');
    assert.equal(mapped.deployment?.commit, '279484c09fbe69ededfced8c1bb6e6d24616b468');
    assert.equal(mapped.deployment?.url, 'https://staging.example.com');
    assert.equal(mapped.deployment?.deployer, 'user1');
    assert.equal(mapped.deployment?.externalId, '15');
    assert.deepEqual(mapped.link.commits, ['279484c09fbe69ededfced8c1bb6e6d24616b468']);
  });

  it('deployment failed and canceled keep their meaning', () => {
    const payload = load('deployment-event.go-playground');
    payload.status = 'failed';
    assert.equal(evidence(mapGitlabEvent('', payload)).deployment?.status, 'failed');
    payload.status = 'canceled';
    assert.equal(evidence(mapGitlabEvent('', payload)).deployment?.status, 'cancelled');
  });
});

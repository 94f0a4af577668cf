import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { cdeventId, digestFrom, mapCdevent } from './cdevents.ts';
import type { MappedEvent } from './webhook-source.ts';

const files = corpusFiles('cdevents');
const load = (name: string) => {
  const path = files.find((file) => basename(file) === `${name}.json`);
  assert.ok(path, `corpus file ${name} missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
};

function evidence(mapped: MappedEvent) {
  assert.equal(mapped.type, 'evidence', `expected evidence, got ${JSON.stringify(mapped)}`);
  return mapped as Extract<MappedEvent, { type: 'evidence' }>;
}

const DIGEST = 'sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427';

describe('mapCdevent over the corpus (cdevents/, spec 0.3.0, 0.4.1, 0.6.0-draft)', () => {
  it('finds the 12 events and maps or ignores every one without throwing', () => {
    assert.equal(files.length, 12);
    const outcomes = Object.fromEntries(
      files.map((file) => {
        const mapped = mapCdevent(JSON.parse(readFileSync(file, 'utf8')));
        return [basename(file), mapped.type === 'evidence' ? mapped.kind : 'ignored'];
      }),
    );
    assert.deepEqual(outcomes, {
      'v0.3.0-pipelinerun_finished.json': 'pipeline-run',
      'v0.3.0-service_deployed.json': 'deployment',
      'v0.4.1-artifact_published.json': 'artifact',
      'v0.4.1-pipelinerun_finished.json': 'pipeline-run',
      'v0.4.1-service_deployed.json': 'deployment',
      'v0.4.1-testcaserun_finished.json': 'test-run',
      'v0.4.1-testcaserun_skipped.json': 'test-run',
      'v0.6.0-draft-approval_created.json': 'ignored',
      'v0.6.0-draft-custom-event.json': 'ignored',
      'v0.6.0-draft-pipelinerun_finished.json': 'pipeline-run',
      'v0.6.0-draft-service_deployed.json': 'deployment',
      'v0.6.0-draft-testcaserun_finished.json': 'test-run',
    });
  });

  it('the delivery id is context.id', () => {
    assert.equal(
      cdeventId(load('v0.4.1-pipelinerun_finished')),
      '271069a8-fc18-44f1-b38f-9d70a1695819',
    );
    assert.equal(cdeventId({}), null);
  });

  it('pipelinerun.finished with outcome failure, in all three spec versions (url vs uri)', () => {
    for (const name of [
      'v0.3.0-pipelinerun_finished',
      'v0.4.1-pipelinerun_finished',
      'v0.6.0-draft-pipelinerun_finished',
    ]) {
      const mapped = evidence(mapCdevent(load(name)));
      assert.equal(mapped.summary.conclusion, 'failure', name);
      assert.equal(mapped.summary.passed, false, name);
      assert.equal(mapped.summary.pipeline, 'myPipeline', name);
      assert.equal(mapped.summary.runUrl, 'https://www.example.com/mySubject123', name);
      assert.match(String(mapped.summary.errors), /Something went wrong/);
    }
    assert.equal(
      evidence(mapCdevent(load('v0.6.0-draft-pipelinerun_finished'))).summary.specVersion,
      '0.6.0-draft',
    );
  });

  it('pipelinerun.finished links through customData.dossier (no commit in the event itself)', () => {
    const plain = evidence(mapCdevent(load('v0.4.1-pipelinerun_finished')));
    assert.deepEqual(plain.link, { commits: [], artifacts: [], releases: [] });
    const payload = load('v0.4.1-pipelinerun_finished');
    payload.customData = {
      dossier: { release: 'payments@1.2.0', commit: '9049F1265B7D61BE4A8904A9A27120D2064DAB3B' },
    };
    const linked = evidence(mapCdevent(payload));
    assert.deepEqual(linked.link, {
      commits: ['9049f1265b7d61be4a8904a9a27120d2064dab3b'],
      artifacts: [],
      releases: ['payments@1.2.0'],
    });
  });

  it('testcaserun finished (pass in 0.4.1, success in 0.6-draft) passes; skipped is skipped', () => {
    const passed = evidence(mapCdevent(load('v0.4.1-testcaserun_finished')));
    assert.equal(passed.summary.outcome, 'passed');
    assert.equal(passed.summary.name, 'Login Test');
    assert.equal(passed.summary.environment, 'dev');
    assert.equal(
      evidence(mapCdevent(load('v0.6.0-draft-testcaserun_finished'))).summary.outcome,
      'passed',
    );
    const skipped = evidence(mapCdevent(load('v0.4.1-testcaserun_skipped')));
    assert.equal(skipped.summary.outcome, 'skipped');
    assert.equal(skipped.summary.reason, 'Not running in this environment');
    assert.equal(skipped.summary.testSuiteRun, 'test-suite-111');
  });

  it('testsuiterun.finished (no corpus example; shape from the spec) is a suite-level test run', () => {
    const payload = load('v0.4.1-testcaserun_finished');
    (payload.context as Record<string, unknown>).type = 'dev.cdevents.testsuiterun.finished.0.2.0';
    payload.subject = {
      id: 'suite-run-7',
      source: '/event/source/123',
      content: { outcome: 'fail', testSuite: { id: 'smoke', name: 'Smoke suite' } },
    };
    const mapped = evidence(mapCdevent(payload));
    assert.equal(mapped.kind, 'test-run');
    assert.equal(mapped.summary.scope, 'suite');
    assert.equal(mapped.summary.outcome, 'failed');
    assert.equal(mapped.summary.name, 'Smoke suite');
  });

  it('artifact.published: the purl is kept; no digest in a git-version purl', () => {
    const mapped = evidence(mapCdevent(load('v0.4.1-artifact_published')));
    assert.equal(
      mapped.summary.artifactId,
      'pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c',
    );
    assert.equal(mapped.summary.digest, null);
    assert.equal(mapped.summary.sbomUri, 'https://sbom.repo/myorg/234fd47e07d1004f0aed9c.sbom');
    assert.deepEqual(mapped.link.artifacts, []);
  });

  it('service.deployed: a succeeded deployment of the OCI digest, linked by that digest', () => {
    for (const name of [
      'v0.3.0-service_deployed',
      'v0.4.1-service_deployed',
      'v0.6.0-draft-service_deployed',
    ]) {
      const mapped = evidence(mapCdevent(load(name)));
      assert.equal(mapped.deployment?.status, 'succeeded', name);
      assert.equal(mapped.deployment?.environment, 'test123', name);
      assert.deepEqual(mapped.deployment?.artifacts, [DIGEST], name);
      assert.deepEqual(mapped.link.artifacts, [DIGEST], name);
    }
  });

  it('service.rolledback is a rolled-back deployment', () => {
    const payload = load('v0.4.1-service_deployed');
    (payload.context as Record<string, unknown>).type = 'dev.cdevents.service.rolledback.0.2.0';
    assert.equal(evidence(mapCdevent(payload)).deployment?.status, 'rolled-back');
  });

  it('digestFrom reads percent-encoded and plain digests, and nothing else', () => {
    assert.equal(digestFrom(`pkg:oci/app@sha256%3A${DIGEST.slice(7)}`), DIGEST);
    assert.equal(
      digestFrom(`registry/app@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`),
      DIGEST,
    );
    assert.equal(digestFrom('pkg:oci/app@sha256%3Aabc'), null);
    assert.equal(digestFrom('%E0%A4%A'), null, 'malformed percent-encoding is read as it is');
  });

  it('events of the wrong shape are ignored or mapped from what is there, never a throw', () => {
    for (const payload of [
      null,
      [],
      'x',
      {},
      { context: { type: 42 } },
      { context: { type: 'dev.cdevents.service.deployed.0.2.0' } },
    ]) {
      assert.doesNotThrow(() => mapCdevent(payload));
    }
    assert.equal(
      mapCdevent({ context: { type: 'dev.cdevents.pipelinerun.started.0.2.0' } }).type,
      'ignored',
    );
  });
});

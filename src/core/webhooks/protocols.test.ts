import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WEBHOOK_PROTOCOLS } from './protocols.ts';
import { hmacSha256Header } from './verify-signature.ts';

const body = Buffer.from(
  '{"context":{"id":"evt-1/a","type":"dev.cdevents.pipelinerun.finished.0.2.0"}}',
);

describe('WEBHOOK_PROTOCOLS', () => {
  it('GitHub: the delivery id and event come from X-GitHub-Delivery and X-GitHub-Event', () => {
    const { github } = WEBHOOK_PROTOCOLS;
    const headers = {
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-github-event': 'ping',
    };
    assert.equal(github.deliveryId(headers, {}), '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    assert.equal(github.event(headers, {}), 'ping');
    assert.equal(github.deliveryId({}, {}), null);
    assert.equal(github.deliveryId({ 'x-github-delivery': 'has space' }, {}), null);
    assert.equal(github.deliveryId({ 'x-github-delivery': 'x'.repeat(201) }, {}), null);
  });

  it('GitLab: Idempotency-Key (stable across retries) wins over X-Gitlab-Event-UUID', () => {
    const { gitlab } = WEBHOOK_PROTOCOLS;
    assert.equal(
      gitlab.deliveryId({ 'idempotency-key': 'key-1', 'x-gitlab-event-uuid': 'uuid-1' }, {}),
      'key-1',
    );
    assert.equal(gitlab.deliveryId({ 'x-gitlab-event-uuid': 'uuid-1' }, {}), 'uuid-1');
    assert.equal(
      gitlab.event({ 'x-gitlab-event': 'Pipeline Hook' }, { object_kind: 'pipeline' }),
      'pipeline',
    );
    assert.equal(
      gitlab.verify('a-token-of-16-chars', body, { 'x-gitlab-token': 'a-token-of-16-chars' }),
      true,
    );
    assert.equal(
      gitlab.verify('a-token-of-16-chars', body, { 'x-hub-signature-256': 'a-token-of-16-chars' }),
      false,
    );
  });

  it('CDEvents: the id is context.id; the signature is X-Dossier-Signature-256, not GitHub’s header', () => {
    const { cdevents } = WEBHOOK_PROTOCOLS;
    const payload = JSON.parse(body.toString());
    assert.equal(cdevents.deliveryId({}, payload), 'evt-1/a');
    assert.equal(cdevents.event({}, payload), 'dev.cdevents.pipelinerun.finished.0.2.0');
    const signature = hmacSha256Header('cdevents-secret-123', body);
    assert.equal(
      cdevents.verify('cdevents-secret-123', body, { 'x-dossier-signature-256': signature }),
      true,
    );
    assert.equal(
      cdevents.verify('cdevents-secret-123', body, { 'x-hub-signature-256': signature }),
      false,
    );
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const SIMPLE = new URL('../fixtures/policies/simple.yaml', import.meta.url);
const REGULATED = new URL('../../examples/policies/regulated.yaml', import.meta.url);
const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const yaml = (method: string, text: string) => ({
  method,
  headers: { 'content-type': 'application/yaml' },
  body: text,
});

function junit(failures: number): string {
  const cases = [
    '<testcase classname="a" name="one"/>',
    failures > 0
      ? '<testcase classname="a" name="two"><failure message="expected 2, got 3"/></testcase>'
      : '<testcase classname="a" name="two"/>',
  ].join('');
  return `<?xml version="1.0"?><testsuite name="s" tests="2" failures="${failures}" errors="0">${cases}</testsuite>`;
}

describe('API: policies, change requests, risk and gates', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  const auditCount = async () => api.services.deps.store.countAuditEntries();

  it('refuses an invalid policy whole, naming the line and the reason, and applies nothing', async () => {
    const before = await auditCount();
    const broken = (await readFile(SIMPLE, 'utf8')).replace(
      'evidence.junit.failed == 0',
      'evidence.junit.failures == 0',
    );
    const response = await api.call('/v1/policies/default', yaml('PUT', broken));
    assert.equal(response.status, 422);
    const problem = await response.json();
    assert.equal(problem.code, 'INVALID_POLICY');
    const issue = problem.issues.find((i: { message: string }) => /failures/.test(i.message));
    assert.ok(issue, JSON.stringify(problem.issues));
    assert.match(issue.path, /^28:\d+ tiers\.low\.default\.rules\[0\]\.when$/);
    assert.equal(await auditCount(), before);
    assert.equal((await api.call('/v1/policies/default')).status, 409);
  });

  it('validates without applying: problems with line and column, or the hash', async () => {
    const good = await readFile(SIMPLE, 'utf8');
    const ok = await (await api.call('/v1/policies/validate', yaml('POST', good))).json();
    assert.equal(ok.valid, true);
    assert.match(ok.sha256, /^[0-9a-f]{64}$/);
    const bad = await (
      await api.call('/v1/policies/validate', yaml('POST', 'version: 1\ntiers: [\n'))
    ).json();
    assert.equal(bad.valid, false);
    assert.ok(bad.problems[0].line >= 1);
  });

  it('applies a policy to all services, records it in the audit log, and is idempotent', async () => {
    const text = await readFile(SIMPLE, 'utf8');
    const applied = await (await api.call('/v1/policies/default', yaml('PUT', text))).json();
    assert.equal(applied.scope, '*');
    assert.equal(applied.changed, true);
    assert.equal(applied.name, 'simple');
    const again = await (await api.call('/v1/policies/default', yaml('PUT', text))).json();
    assert.equal(again.changed, false);
    assert.equal(again.version, applied.version);
    const shown = await (await api.call('/v1/policies/services/lab-portal')).json();
    assert.equal(shown.sha256, applied.sha256);
    assert.equal(shown.text, text);
    const entries = await api.services.deps.store.listAuditEntriesFor('policy:*');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.details.sha256, applied.sha256);
  });

  it('gives a service its own policy over the default', async () => {
    const text = await readFile(REGULATED, 'utf8');
    const applied = await (
      await api.call('/v1/policies/services/assay-engine', yaml('PUT', text))
    ).json();
    assert.equal(applied.scope, 'assay-engine');
    const shown = await (await api.call('/v1/policies/services/assay-engine')).json();
    assert.equal(shown.name, 'ivd-regulated');
    const other = await (await api.call('/v1/policies/services/other')).json();
    assert.equal(other.name, 'simple');
    const list = await (await api.call('/v1/policies')).json();
    assert.equal(list.items.length, 2);
    assert.equal(list.activations[0].scope, 'assay-engine');
  });

  it('scores a change from stated factors, service criticality and track record', async () => {
    const missing = await api.call(
      '/v1/changes',
      json('POST', { service: 'lims-bridge', title: 'x', type: 'code', reason: 'y' }),
    );
    const change = await missing.json();
    assert.equal(missing.status, 201);
    assert.match(change.id, /^CHG-\d+$/);
    // No service record yet: criticality is unknown.
    const refused = await api.call(
      `/v1/changes/${change.id}/risk`,
      json('POST', { scope: 2, customerImpact: 2, rollbackComplexity: 2 }),
    );
    assert.equal(refused.status, 404);
    assert.equal((await refused.json()).code, 'SERVICE_NOT_FOUND');

    await api.call('/v1/services/lims-bridge', json('PUT', { criticality: 2, owners: ['ann'] }));
    const assessed = await api.call(
      `/v1/changes/${change.id}/risk`,
      json('POST', { scope: 2, customerImpact: 2, rollbackComplexity: 2 }),
    );
    assert.equal(assessed.status, 201);
    const risk = await assessed.json();
    // 2+2+2+2 and an unknown history (level 3) = 11 < 12: low.
    assert.equal(risk.assessment.score, 11);
    assert.equal(risk.assessment.baselineClass, 'low');
    assert.equal(risk.assessment.factors.criticality.level, 2);
    assert.equal(risk.assessment.factors.defectHistory.level, 3);
    assert.match(risk.narrative, new RegExp(change.id));
  });

  it('needs a justification to choose another class, and keeps baseline, choice and edits', async () => {
    const change = await (
      await api.call(
        '/v1/changes',
        json('POST', {
          service: 'lims-bridge',
          title: 'Rework result export',
          type: 'code',
          reason: 'Lab asked for HL7 v2.5',
          requirements: ['REQ-7'],
        }),
      )
    ).json();
    const early = await api.call(
      `/v1/changes/${change.id}/risk/class`,
      json('PUT', { riskClass: 'high' }),
    );
    assert.equal((await early.json()).code, 'RISK_NOT_ASSESSED');
    await api.call(
      `/v1/changes/${change.id}/risk`,
      json('POST', { scope: 1, customerImpact: 1, rollbackComplexity: 1 }),
    );
    const bare = await api.call(
      `/v1/changes/${change.id}/risk/class`,
      json('PUT', { riskClass: 'high' }),
    );
    assert.equal(bare.status, 400);
    assert.match((await bare.json()).detail, /justification/);
    const chosen = await (
      await api.call(
        `/v1/changes/${change.id}/risk/class`,
        json('PUT', {
          riskClass: 'high',
          justification: 'The export feeds patient reports; treat it as high.',
        }),
      )
    ).json();
    assert.equal(chosen.assessment.baselineClass, 'low');
    assert.equal(chosen.chosenClass, 'high');
    const edited = await (
      await api.call(
        `/v1/changes/${change.id}/risk/narrative`,
        json('PUT', { narrative: 'Owner: export format only; calculations untouched.' }),
      )
    ).json();
    assert.equal(edited.narrative, 'Owner: export format only; calculations untouched.');
    assert.notEqual(edited.narrativeDraft, edited.narrative);
    assert.equal(edited.chosenClass, 'high');
    const history = await (await api.call(`/v1/changes/${change.id}/risk`)).json();
    assert.deepEqual(
      history.items.map((r: { event: string }) => r.event),
      ['assessed', 'class-chosen', 'narrative-edited'],
    );
    const actions = (await api.services.deps.store.listAuditEntriesFor(`change:${change.id}`)).map(
      (e) => e.action,
    );
    assert.deepEqual(actions, [
      'change.created',
      'risk.assessed',
      'risk.class_chosen',
      'risk.narrative_edited',
    ]);
  });

  it('decides the gate, explains each rule, and records only decisions that change', async () => {
    const change = await (
      await api.call(
        '/v1/changes',
        json('POST', { service: 'lims-bridge', title: 'Fix', type: 'code', reason: 'Bug 12' }),
      )
    ).json();
    await api.call(
      `/v1/changes/${change.id}/risk`,
      json('POST', { scope: 1, customerImpact: 1, rollbackComplexity: 1 }),
    );
    const release = await (
      await api.call(
        '/v1/releases',
        json('POST', {
          service: 'lims-bridge',
          version: '3.1.0',
          commit: COMMIT,
          change: change.id,
        }),
      )
    ).json();
    const gate = async (env: string) =>
      (await api.call(`/v1/releases/${encodeURIComponent(release.tag)}/gate?env=${env}`)).json();

    const empty = await gate('staging');
    assert.equal(empty.decision.decision, 'blocked');
    assert.equal(empty.decision.riskClass, 'low');
    const status = (answer: typeof empty, id: string) =>
      answer.decision.outcomes.find((o: { id: string }) => o.id === id)?.status;
    assert.equal(status(empty, 'evidence:junit'), 'missing-evidence');
    assert.equal(empty.changed, true);

    const before = await auditCount();
    const repeat = await gate('staging');
    assert.equal(repeat.decision.decisionHash, empty.decision.decisionHash);
    assert.equal(repeat.changed, false);
    assert.equal(await auditCount(), before, 'asking again records nothing new');

    const failing = await api.call(
      `/v1/releases/${release.id}/evidence?kind=junit&name=junit.xml`,
      { method: 'POST', headers: { 'content-type': 'application/xml' }, body: junit(1) },
    );
    const failingId = (await failing.json()).evidence.id;
    const blocked = await gate('staging');
    assert.equal(blocked.decision.decision, 'blocked');
    const rule = blocked.decision.outcomes.find((o: { id: string }) => o.id === 'tests-pass');
    assert.equal(rule.status, 'failed');
    assert.match(rule.reason, /failed/);
    assert.deepEqual(rule.evidenceIds, [failingId]);
    assert.notEqual(blocked.decision.decisionHash, empty.decision.decisionHash);

    // Evidence is never replaced; a passing run is added, and each record is read.
    await api.call(`/v1/releases/${release.id}/evidence?kind=junit&name=junit-rerun.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: junit(0),
    });
    const staging = await gate('staging');
    assert.equal(staging.decision.decision, 'blocked', 'a failing run still counts');

    const production = await gate('production');
    assert.equal(status(production, 'promote-from:staging'), 'failed');

    const deploy = await api.call(
      `/v1/releases/${release.id}/deployments`,
      json('POST', { environment: 'staging', status: 'succeeded' }),
    );
    assert.equal(deploy.status, 201);
    const promoted = await gate('production');
    assert.equal(status(promoted, 'promote-from:staging'), 'passed');

    const history = await (await api.call(`/v1/releases/${release.id}/gate/history`)).json();
    assert.deepEqual(
      history.items.map((d: { environment: string; decision: string }) => d.environment),
      ['staging', 'staging', 'staging', 'production', 'production'],
    );
    const gateEntries = (
      await api.services.deps.store.listAuditEntriesFor(`release:${release.id}`)
    ).filter((e) => e.action === 'gate.decided');
    assert.equal(gateEntries.length, history.items.length);
    assert.equal(gateEntries.at(-1)?.details.decisionHash, promoted.decision.decisionHash);
  });

  it('allows a release whose evidence passes every rule, and promotes it', async () => {
    const change = await (
      await api.call(
        '/v1/changes',
        json('POST', { service: 'lims-bridge', title: 'Typo', type: 'code', reason: 'UI text' }),
      )
    ).json();
    await api.call(
      `/v1/changes/${change.id}/risk`,
      json('POST', { scope: 1, customerImpact: 1, rollbackComplexity: 1 }),
    );
    const release = await (
      await api.call(
        '/v1/releases',
        json('POST', {
          service: 'lims-bridge',
          version: '3.2.0',
          commit: COMMIT,
          change: change.id,
        }),
      )
    ).json();
    await api.call(`/v1/releases/${release.id}/evidence?kind=junit&name=junit.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: junit(0),
    });
    const answer = await (await api.call(`/v1/releases/${release.id}/gate?env=staging`)).json();
    assert.equal(answer.decision.decision, 'allowed', JSON.stringify(answer.decision.outcomes));
    await api.call(
      `/v1/releases/${release.id}/deployments`,
      json('POST', { environment: 'staging', status: 'succeeded' }),
    );
    const production = await (
      await api.call(`/v1/releases/${release.id}/gate?env=production`)
    ).json();
    assert.equal(production.decision.decision, 'allowed');
  });

  it('holds a release without a change request to the strictest tier', async () => {
    const release = await (
      await api.call(
        '/v1/releases',
        json('POST', { service: 'lims-bridge', version: '3.3.0', commit: COMMIT }),
      )
    ).json();
    await api.call(`/v1/releases/${release.id}/evidence?kind=junit&name=junit.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: junit(0),
    });
    const answer = await (await api.call(`/v1/releases/${release.id}/gate?env=staging`)).json();
    assert.equal(answer.decision.decision, 'blocked');
    assert.equal(answer.decision.riskClass, 'high');
    const sbom = answer.decision.outcomes.find((o: { id: string }) => o.id === 'evidence:sbom');
    assert.equal(sbom.status, 'missing-evidence');
  });

  it('answers clear errors for an unknown release, environment name or missing policy', async () => {
    const unknown = await api.call('/v1/releases/nope@1/gate?env=staging');
    assert.equal((await unknown.json()).code, 'RELEASE_NOT_FOUND');
    const release = await (
      await api.call('/v1/releases', json('POST', { service: 'x', version: '1', commit: COMMIT }))
    ).json();
    const badEnv = await api.call(`/v1/releases/${release.id}/gate?env=Prod%20!`);
    assert.equal(badEnv.status, 400);
    const noEnv = await api.call(`/v1/releases/${release.id}/gate`);
    assert.equal(noEnv.status, 400);
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const SIMPLE = new URL('../fixtures/policies/simple.yaml', import.meta.url);

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const junit = (failures: number) =>
  `<?xml version="1.0"?><testsuite name="s" tests="2" failures="${failures}" errors="0"><testcase classname="a" name="one"/>${
    failures > 0
      ? '<testcase classname="a" name="two"><failure message="expected 2, got 3"/></testcase>'
      : '<testcase classname="a" name="two"/>'
  }</testsuite>`;

describe('API: release list filters, release workspace and dashboards', () => {
  let api: ApiUnderTest;
  let blocked: { id: string; tag: string };
  let ungated: { id: string; tag: string };
  let changeId: string;

  const get = async (path: string) => {
    const response = await api.call(path);
    const body = await response.json();
    return { status: response.status, body };
  };
  const tags = async (query: string) => {
    const { status, body } = await get(`/v1/releases?${query}`);
    assert.equal(status, 200, JSON.stringify(body));
    return (body.items as Array<{ tag: string }>).map((release) => release.tag);
  };

  before(async () => {
    api = await startApi();
    await api.call('/v1/policies/default', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: await readFile(SIMPLE, 'utf8'),
    });
    await api.call('/v1/services/assay', json('PUT', { criticality: 2, owners: ['ann'] }));
    const change = await (
      await api.call(
        '/v1/changes',
        json('POST', { service: 'assay', title: 't', type: 'code', reason: 'r' }),
      )
    ).json();
    changeId = change.id;
    const assessed = await api.call(
      `/v1/changes/${changeId}/risk`,
      json('POST', { scope: 2, customerImpact: 2, rollbackComplexity: 2 }),
    );
    assert.equal(assessed.status, 201);
    blocked = await (
      await api.call(
        '/v1/releases',
        json('POST', {
          service: 'assay',
          version: '2.0.0',
          commit: 'ab'.repeat(20),
          change: changeId,
        }),
      )
    ).json();
    ungated = await (
      await api.call(
        '/v1/releases',
        json('POST', { service: 'ledger', version: '1.0.0', commit: 'cd'.repeat(20) }),
      )
    ).json();
    await api.call(`/v1/releases/${blocked.id}/evidence?kind=junit&name=junit.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: junit(1),
    });
    for (const env of ['staging', 'production']) {
      assert.equal((await api.call(`/v1/releases/${blocked.id}/gate?env=${env}`)).status, 200);
    }
  });
  after(() => api.close());

  it('filters the list by gate status, risk class, service, state and text', async () => {
    assert.deepEqual(await tags('env=production&gate=blocked'), [blocked.tag]);
    assert.deepEqual(await tags('env=production&gate=none'), [ungated.tag]);
    assert.deepEqual(await tags('env=production&gate=allowed'), []);
    assert.deepEqual(await tags('riskClass=low'), [blocked.tag]);
    assert.deepEqual(await tags('riskClass=high'), []);
    assert.deepEqual(await tags('service=ledger&state=draft'), [ungated.tag]);
    assert.deepEqual(await tags(`q=${changeId.toLowerCase()}`), [blocked.tag]);
    assert.deepEqual(await tags('q=cdcdcd'), [ungated.tag]);
    assert.deepEqual(await tags('sort=tag&order=asc'), [blocked.tag, ungated.tag]);
    assert.deepEqual(await tags('sort=tag&order=desc'), [ungated.tag, blocked.tag]);
  });

  it('pages a sorted list with its cursor and refuses bad filters and foreign cursors', async () => {
    const first = await get('/v1/releases?sort=service&order=asc&limit=1');
    assert.deepEqual(
      first.body.items.map((r: { tag: string }) => r.tag),
      [blocked.tag],
    );
    const cursor = encodeURIComponent(first.body.nextCursor);
    const second = await get(`/v1/releases?sort=service&order=asc&limit=1&cursor=${cursor}`);
    assert.deepEqual(
      second.body.items.map((r: { tag: string }) => r.tag),
      [ungated.tag],
    );
    assert.equal(second.body.nextCursor, null);

    const foreign = await get(`/v1/releases?sort=tag&order=asc&limit=1&cursor=${cursor}`);
    assert.equal(foreign.status, 400);
    assert.match(foreign.body.detail, /another sort order/);
    const noEnv = await get('/v1/releases?gate=blocked');
    assert.equal(noEnv.status, 400);
    assert.equal(noEnv.body.issues[0].path, 'gate');
    const badSort = await get('/v1/releases?sort=owner');
    assert.equal(badSort.status, 400);
    assert.equal(badSort.body.code, 'INVALID_INPUT');
  });

  it("shows the latest decision per environment of the release's policy, evaluating nothing", async () => {
    const before = await api.services.deps.store.countAuditEntries();
    const { status, body } = await get(`/v1/releases/${encodeURIComponent(blocked.tag)}/gates`);
    assert.equal(status, 200);
    assert.equal(body.policy.name, 'simple');
    assert.deepEqual(
      body.environments.map(
        (e: { environment: string; latest: { decision: { decision: string } } }) => [
          e.environment,
          e.latest?.decision.decision,
        ],
      ),
      [
        ['staging', 'blocked'],
        ['production', 'blocked'],
      ],
    );
    const production = body.environments[1].latest.decision;
    const rule = production.outcomes.find((o: { id: string }) => o.id === 'tests-pass');
    assert.equal(rule.status, 'failed');
    assert.equal(
      production.outcomes.find((o: { id: string }) => o.id === 'promote-from:staging').status,
      'failed',
    );
    assert.equal(await api.services.deps.store.countAuditEntries(), before);

    const fresh = await get(`/v1/releases/${ungated.id}/gates`);
    assert.deepEqual(
      fresh.body.environments.map((e: { latest: unknown }) => e.latest),
      [null, null],
    );
    assert.equal((await get('/v1/releases/nope@1/gates')).status, 404);
  });

  it("lists the release's audit trail with its change request's entries, in log order", async () => {
    const { status, body } = await get(`/v1/releases/${blocked.id}/audit`);
    assert.equal(status, 200);
    const actions = body.items.map((e: { action: string }) => e.action);
    for (const action of [
      'change.created',
      'risk.assessed',
      'release.created',
      'evidence.attached',
      'gate.decided',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    const seqs = body.items.map((e: { seq: number }) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.ok(
      body.items.every(
        (e: { subject: string }) =>
          e.subject === `release:${blocked.id}` || e.subject === `change:${changeId}`,
      ),
    );
  });

  it('answers the dashboards for a period from the recorded facts', async () => {
    const throughput = await get('/v1/dashboards/throughput?bucket=day');
    assert.equal(throughput.status, 200, JSON.stringify(throughput.body));
    assert.equal(throughput.body.total, 2);
    assert.deepEqual(throughput.body.totals, { low: 1, unassessed: 1 });
    assert.deepEqual(throughput.body.riskClasses, ['low', 'unassessed']);
    assert.equal(throughput.body.series.length, 31, '30 days touch 31 calendar days');

    const evidence = await get('/v1/dashboards/evidence');
    assert.equal(evidence.status, 200);
    // The blocked release has its junit; its gate found no evidence missing.
    assert.deepEqual(evidence.body.overall, { decided: 1, complete: 1, rate: 1 });

    await api.call(
      `/v1/releases/${blocked.id}/deployments`,
      json('POST', { environment: 'production', status: 'failed' }),
    );
    await api.call(
      `/v1/releases/${blocked.id}/deployments`,
      json('POST', { environment: 'production', status: 'succeeded' }),
    );
    const delivery = await get('/v1/dashboards/delivery?env=production');
    assert.equal(delivery.status, 200);
    assert.equal(delivery.body.deploymentFrequency.succeeded, 1);
    assert.deepEqual(delivery.body.changeFailureRate, { deployments: 2, failed: 1, rate: 0.5 });
    assert.equal(delivery.body.leadTime.releases, 1);
    assert.notEqual(delivery.body.leadTime.medianSeconds, null);
    assert.equal(delivery.body.timeToRestore.restored, 1);

    const backwards = await get(
      '/v1/dashboards/throughput?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.issues[0].path, 'from');
    const badEnv = await get('/v1/dashboards/delivery?env=Prod!');
    assert.equal(badEnv.status, 400);
  });
});

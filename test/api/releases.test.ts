import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('API: releases', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  it('creates a release: 201 with its tag and a Location header', async () => {
    const response = await api.call(
      '/v1/releases',
      json({ service: 'payments-api', version: '1.18.4', commit: COMMIT, change: 'CHG-1842' }),
    );
    assert.equal(response.status, 201);
    const release = await response.json();
    assert.equal(release.tag, 'payments-api@1.18.4+chg-1842');
    assert.equal(release.createdBy, 'token:bootstrap-admin');
    assert.equal(response.headers.get('location'), `/v1/releases/${release.id}`);
  });

  it('answers an identical repeat with 200 and the same release', async () => {
    const body = { service: 'repeat', version: '1.0.0', commit: COMMIT };
    const first = await (await api.call('/v1/releases', json(body))).json();
    const again = await api.call('/v1/releases', json(body));
    assert.equal(again.status, 200);
    assert.equal((await again.json()).id, first.id);
  });

  it('answers 409 for the same tag with a different commit', async () => {
    await api.call('/v1/releases', json({ service: 'conflict', version: '1', commit: COMMIT }));
    const response = await api.call(
      '/v1/releases',
      json({ service: 'conflict', version: '1', commit: 'f'.repeat(40) }),
    );
    assert.equal(response.status, 409);
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const problem = await response.json();
    assert.equal(problem.code, 'TAG_CONFLICT');
    assert.equal(problem.type, 'urn:dossier:error:TAG_CONFLICT');
    assert.match(problem.detail, /conflict@1 already exists with a different commit/);
  });

  it('answers 400 naming every malformed field, and stores nothing', async () => {
    const before = (await (await api.call('/v1/releases?limit=500')).json()).items.length;
    const response = await api.call(
      '/v1/releases',
      json({ service: 'Bad Name', commit: 'nope', artifacts: ['md5:1'] }),
    );
    assert.equal(response.status, 400);
    const problem = await response.json();
    assert.equal(problem.code, 'INVALID_INPUT');
    assert.deepEqual(
      problem.issues.map((issue: { path: string }) => issue.path),
      ['service', 'version', 'commit', 'artifacts[0]'],
    );
    assert.equal((await (await api.call('/v1/releases?limit=500')).json()).items.length, before);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await api.call('/v1/releases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"service":',
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).code, 'INVALID_INPUT');
  });

  it('finds a release by id and by tag, with "+" sent raw or percent-encoded', async () => {
    const created = await (
      await api.call(
        '/v1/releases',
        json({ service: 'lookup', version: '2.1.0', commit: COMMIT, change: 'CHG-9' }),
      )
    ).json();
    for (const path of [
      created.id,
      'lookup@2.1.0+chg-9',
      encodeURIComponent('lookup@2.1.0+chg-9'),
    ]) {
      const response = await api.call(`/v1/releases/${path}`);
      assert.equal(response.status, 200, path);
      assert.equal((await response.json()).id, created.id);
    }
  });

  it('answers 404 with a problem for an unknown release', async () => {
    const response = await api.call('/v1/releases/nothing@0.0.0');
    assert.equal(response.status, 404);
    const problem = await response.json();
    assert.equal(problem.code, 'RELEASE_NOT_FOUND');
    assert.equal(problem.detail, 'no release with id or tag "nothing@0.0.0"');
  });

  it('pages through releases newest first, filtered by service', async () => {
    for (const version of ['1', '2', '3']) {
      await api.call('/v1/releases', json({ service: 'paged', version, commit: COMMIT }));
    }
    const first = await (await api.call('/v1/releases?service=paged&limit=2')).json();
    assert.deepEqual(
      first.items.map((r: { version: string }) => r.version),
      ['3', '2'],
    );
    const second = await (
      await api.call(`/v1/releases?service=paged&limit=2&cursor=${first.nextCursor}`)
    ).json();
    assert.deepEqual(
      second.items.map((r: { version: string }) => r.version),
      ['1'],
    );
    assert.equal(second.nextCursor, null);
    assert.equal((await api.call('/v1/releases?limit=0')).status, 400);
    assert.equal((await api.call('/v1/releases?cursor=bogus')).status, 400);
  });
});

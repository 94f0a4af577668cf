import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_ROUTES } from '../../src/api/server.ts';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

describe('API: authentication, health, OpenAPI and the web UI', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi({ withWeb: true });
  });
  after(() => api.close());

  for (const [label, headers] of [
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token-at-all' }],
    ['a malformed Authorization header', { authorization: 'Basic dXNlcjpwYXNz' }],
  ] as const) {
    it(`answers 401 with a problem and WWW-Authenticate for ${label}, on reads and writes`, async () => {
      for (const [method, path] of [
        ['GET', '/v1/releases'],
        ['GET', `/v1/blobs/${'a'.repeat(64)}`],
        ['POST', '/v1/releases'],
      ] as const) {
        const response = await api.call(path, {
          method,
          headers,
          auth: false,
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="dossier"');
        assert.equal((await response.json()).code, 'UNAUTHENTICATED');
      }
    });
  }

  it('creates nothing for an unauthenticated write', async () => {
    const entries = await api.services.deps.store.countAuditEntries();
    await api.call('/v1/releases', {
      method: 'POST',
      auth: false,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'x', version: '1', commit: 'a'.repeat(40) }),
    });
    assert.equal(await api.services.deps.store.countAuditEntries(), entries);
  });

  it('answers /readyz without a token while storage answers', async () => {
    const response = await api.call('/readyz', { auth: false });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ready' });
  });

  it('answers /healthz without a token', async () => {
    const response = await api.call('/healthz', { auth: false });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('publishes an OpenAPI 3.1 document describing every route the server runs', async () => {
    const document = await (await api.call('/openapi.json', { auth: false })).json();
    assert.equal(document.openapi, '3.1.0');
    assert.ok(ALL_ROUTES.length >= 7);
    for (const { spec } of ALL_ROUTES) {
      const operation = document.paths[spec.path]?.[spec.method.toLowerCase()];
      assert.ok(operation, `${spec.method} ${spec.path} missing from the document`);
      assert.equal(operation.operationId, spec.operationId);
    }
    assert.deepEqual(
      document.paths['/v1/releases'].post.responses['201'].content['application/json'].schema,
      {
        $ref: '#/components/schemas/Release',
      },
    );
    assert.deepEqual(document.components.schemas.Release.required.sort(), [
      'artifacts',
      'change',
      'commit',
      'createdAt',
      'createdBy',
      'evidenceCount',
      'id',
      'service',
      'state',
      'tag',
      'version',
    ]);
    assert.deepEqual(document.paths['/healthz'].get.security, []);
    const upload = document.paths['/v1/releases/{idOrTag}/evidence'].post;
    assert.deepEqual(
      upload.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
      ['path:idOrTag', 'query:kind', 'query:name'],
    );
  });

  it('answers unknown API paths with a 404 problem, not the web page', async () => {
    const response = await api.call('/v1/nothing-here');
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 'NOT_FOUND');
  });

  it('serves the web UI at / and for client-side routes, same-origin only', async () => {
    for (const path of ['/', '/releases/payments-api@1.0.0']) {
      const response = await api.call(path, { auth: false });
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /<title>Dossier<\/title>/);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    }
  });
});

describe('API without a built web UI', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  it('says at / how to build the UI', async () => {
    const response = await api.call('/', { auth: false });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /npm run build:web/);
  });
});

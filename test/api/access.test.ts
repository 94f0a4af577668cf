import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API: accounts, sessions, roles, training and tokens', () => {
  let api: ApiUnderTest;
  let rootToken: string;

  const signIn = async (username: string, password: string) => {
    const response = await api.call('/v1/sessions', {
      ...post({ username, password }),
      auth: false,
    });
    return { response, body: await response.json() };
  };

  before(async () => {
    api = await startApi({
      access: {
        oidc: { issuers: [], identities: [] },
        trainingRequirements: [{ role: 'qa', course: 'GCP-101', version: '3' }],
      },
    });
    for (const [username, roles] of [
      ['root', ['admin']],
      ['alice', ['qa']],
      ['audrey', ['auditor']],
    ] as const) {
      const created = await api.call(
        '/v1/users',
        post({
          username,
          fullName: `${username} Example`,
          password: `${username} password 1`,
          roles,
        }),
      );
      assert.equal(created.status, 201, await created.clone().text());
    }
    rootToken = (await signIn('root', 'root password 1')).body.token;
  });
  after(() => api.close());

  it('signs in: 201 with a session token and an HttpOnly, SameSite=Strict cookie (Secure over https)', async () => {
    const { response, body } = await signIn('alice', 'alice password 1');
    assert.equal(response.status, 201);
    assert.match(body.token, /^dss_/);
    assert.equal(body.user.fullName, 'alice Example');
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(
      cookie,
      /^dossier_session=dss_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const viaProxy = await api.call('/v1/sessions', {
      ...post(
        { username: 'alice', password: 'alice password 1' },
        { 'x-forwarded-proto': 'https' },
      ),
      auth: false,
    });
    assert.match(viaProxy.headers.get('set-cookie') ?? '', /; Secure$/);

    const cookieValue = cookie.split(';')[0] as string;
    const me = await api.call('/v1/sessions/current', {
      auth: false,
      headers: { cookie: cookieValue },
    });
    assert.deepEqual(await me.json(), {
      id: 'user:alice',
      roles: ['qa'],
      method: 'session',
      person: 'alice',
    });
  });

  it('refuses a wrong password with 401, the same as an unknown user', async () => {
    const wrong = await signIn('alice', 'not the password');
    const unknown = await signIn('nobody', 'not the password');
    assert.equal(wrong.response.status, 401);
    assert.equal(unknown.response.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
  });

  it('signs out: 204, the cookie is cleared and the session token is refused', async () => {
    const { body } = await signIn('alice', 'alice password 1');
    const out = await api.call('/v1/sessions/current', {
      method: 'DELETE',
      auth: false,
      headers: bearer(body.token),
    });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^dossier_session=; .*Max-Age=0/);
    const after = await api.call('/v1/sessions/current', {
      auth: false,
      headers: bearer(body.token),
    });
    assert.equal(after.status, 401);
    assert.match((await after.json()).detail, /the session ended/);
  });

  it('grants roles as an admin, never to oneself (403), and lists users', async () => {
    const self = await api.call('/v1/users/root/roles', {
      ...post({ role: 'qa' }, bearer(rootToken)),
      auth: false,
    });
    assert.equal(self.status, 403);
    assert.match((await self.json()).detail, /nobody may grant a role on their own account/);

    const grant = await api.call('/v1/users/alice/roles', {
      ...post({ role: 'clinical' }, bearer(rootToken)),
      auth: false,
    });
    assert.equal(grant.status, 200);
    assert.deepEqual((await grant.json()).user.roles, ['qa', 'clinical']);
    const revoke = await api.call('/v1/users/alice/roles/clinical', {
      method: 'DELETE',
      auth: false,
      headers: bearer(rootToken),
    });
    assert.deepEqual((await revoke.json()).user.roles, ['qa']);

    const byAlice = await api.call('/v1/users/audrey/roles', {
      ...post({ role: 'qa' }, bearer((await signIn('alice', 'alice password 1')).body.token)),
      auth: false,
    });
    assert.equal(byAlice.status, 403);
    const users = await (await api.call('/v1/users')).json();
    assert.deepEqual(
      users.items.map((user: { username: string }) => user.username),
      ['alice', 'audrey', 'root'],
    );
    assert.equal((await api.call('/v1/users/ghost')).status, 404);
  });

  it('records training and answers eligibility with the reason', async () => {
    const before = await (await api.call('/v1/users/alice/eligibility?role=qa')).json();
    assert.deepEqual(before, {
      eligible: false,
      code: 'TRAINING_MISSING',
      reason: 'qa requires course GCP-101 v3, not recorded for alice',
    });
    const recorded = await api.call('/v1/users/alice/training', {
      ...post(
        { course: 'GCP-101', version: '3', completedOn: '2026-01-10', expiresOn: '2027-01-10' },
        bearer(rootToken),
      ),
      auth: false,
    });
    assert.equal(recorded.status, 201);
    assert.equal((await recorded.json()).recordedBy, 'user:root');
    assert.deepEqual(await (await api.call('/v1/users/alice/eligibility?role=qa')).json(), {
      eligible: true,
    });
    const list = await (await api.call('/v1/users/alice/training')).json();
    assert.equal(list.items.length, 1);
  });

  it('creates, uses, lists and revokes a scoped token; a revoked token gets a clear 401', async () => {
    const created = await api.call('/v1/tokens', {
      ...post(
        {
          name: 'ci-payments',
          roles: ['engineering'],
          services: ['payments-api'],
          expiresInDays: 90,
        },
        bearer(rootToken),
      ),
      auth: false,
    });
    assert.equal(created.status, 201);
    const { token, value } = await created.json();
    assert.match(value, /^dsr_/);
    assert.equal(Date.parse(token.expiresAt) - Date.parse(token.createdAt), 90 * 86_400_000);
    assert.ok(!JSON.stringify(token).includes('Hash'));

    const release = await api.call('/v1/releases', {
      ...post({ service: 'payments-api', version: '2.0.0', commit: COMMIT }, bearer(value)),
      auth: false,
    });
    assert.equal(release.status, 201);
    const other = await api.call('/v1/releases', {
      ...post({ service: 'ledger', version: '2.0.0', commit: COMMIT }, bearer(value)),
      auth: false,
    });
    assert.equal(other.status, 403);

    const listed = await (await api.call('/v1/tokens')).json();
    assert.ok(listed.items.some((item: { name: string }) => item.name === 'ci-payments'));

    const revoked = await api.call('/v1/tokens/ci-payments/revoke', {
      ...post({}, bearer(rootToken)),
      auth: false,
    });
    assert.equal(revoked.status, 200);
    assert.equal((await revoked.json()).revokedBy, 'user:root');
    const refused = await api.call('/v1/releases', { auth: false, headers: bearer(value) });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="dossier"');
    const problem = await refused.json();
    assert.equal(problem.code, 'TOKEN_REVOKED');
    assert.match(problem.detail, /the API token "ci-payments" was revoked on/);
  });

  it('lets a person read only their own account; the user list is for admins and auditors', async () => {
    const alice = bearer((await signIn('alice', 'alice password 1')).body.token);
    const call = (path: string, headers: Record<string, string>) =>
      api.call(path, { auth: false, headers });
    const everyone = await call('/v1/users', alice);
    assert.equal(everyone.status, 403);
    const refusal = await everyone.json();
    assert.equal(refusal.code, 'FORBIDDEN');
    assert.match(
      refusal.detail,
      /only an admin or an auditor may read the user list \(user:alice is neither\)/,
    );
    for (const path of [
      '/v1/users/root',
      '/v1/users/root/training',
      '/v1/users/root/eligibility?role=qa',
      // Refused before the lookup: a 404 here would tell alice which accounts exist.
      '/v1/users/ghost',
    ]) {
      const other = await call(path, alice);
      assert.equal(other.status, 403, path);
      assert.match((await other.json()).detail, /everyone may read their own account/, path);
    }
    for (const path of [
      '/v1/users/alice',
      '/v1/users/ALICE',
      '/v1/users/alice/training',
      '/v1/users/alice/eligibility?role=qa',
    ]) {
      assert.equal((await call(path, alice)).status, 200, path);
    }
    const audrey = bearer((await signIn('audrey', 'audrey password 1')).body.token);
    assert.equal((await call('/v1/users', audrey)).status, 200);
    assert.equal((await call('/v1/users/root/training', audrey)).status, 200);
    assert.equal((await call('/v1/users', bearer(rootToken))).status, 200);
  });

  it('answers the directory (username and name of enabled accounts, no roles) to anyone signed in', async () => {
    const alice = bearer((await signIn('alice', 'alice password 1')).body.token);
    const created = await api.call(
      '/v1/users',
      post({ username: 'gone', fullName: 'Gone Away', password: 'gone password 12' }),
    );
    assert.equal(created.status, 201);
    const disabled = await api.call('/v1/users/gone/disable', post({}));
    assert.equal(disabled.status, 200);
    const people = await api.call('/v1/people', { auth: false, headers: alice });
    assert.equal(people.status, 200);
    const { items } = await people.json();
    assert.deepEqual(
      items.filter((person: { username: string }) => ['alice', 'gone'].includes(person.username)),
      [{ username: 'alice', fullName: 'alice Example' }],
    );
    assert.equal((await api.call('/v1/people', { auth: false })).status, 401);
  });

  it('lets an auditor read but refuses its writes with 403', async () => {
    const token = (await signIn('audrey', 'audrey password 1')).body.token;
    const read = await api.call('/v1/releases', { auth: false, headers: bearer(token) });
    assert.equal(read.status, 200);
    const write = await api.call('/v1/releases', {
      ...post({ service: 'x', version: '1', commit: COMMIT }, bearer(token)),
      auth: false,
    });
    assert.equal(write.status, 403);
    assert.equal((await write.json()).code, 'FORBIDDEN');
  });

  it('publishes the access routes and schemas in the OpenAPI document', async () => {
    const document = await (await api.call('/openapi.json', { auth: false })).json();
    for (const path of [
      '/v1/sessions',
      '/v1/users',
      '/v1/users/{username}/roles',
      '/v1/people',
      '/v1/tokens',
    ]) {
      assert.ok(document.paths[path], path);
    }
    assert.deepEqual(document.paths['/v1/sessions'].post.security, []);
    assert.ok(document.components.schemas.User);
    assert.ok(document.components.schemas.CreatedApiToken);
    assert.ok(document.components.securitySchemes.session);
  });
});

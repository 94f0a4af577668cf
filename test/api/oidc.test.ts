import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type ApiUnderTest, startApi } from '../support/api-server.ts';

const GITHUB = 'https://token.actions.githubusercontent.com';
const GITLAB = 'https://gitlab.example.com';
/** The test services' clock starts here (test/support/services.ts). */
const NOW = Date.parse('2026-11-23T10:00:00Z') / 1000;
const COMMIT = 'b'.repeat(40);

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** Claims as GitHub Actions issues them for acme/payments on main (ids are made up). */
const githubClaims = {
  sub: 'repo:acme/payments:ref:refs/heads/main',
  repository: 'acme/payments',
  repository_id: '892345123',
  repository_owner: 'acme',
  repository_owner_id: '45012',
  ref: 'refs/heads/main',
  run_id: '123456789',
};

describe('API: CI identity from OIDC ID tokens', () => {
  let api: ApiUnderTest;
  let keyServer: Server;
  let rsaKey: Key;
  let ecKey: Key;
  let strangerKey: Key;

  const sign = (
    claims: Record<string, unknown>,
    options: {
      key?: Key;
      alg?: string;
      kid?: string;
      iss?: string;
      aud?: string;
      exp?: number;
    } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'rsa-1', typ: 'JWT' })
      .setIssuer(options.iss ?? GITHUB)
      .setAudience(options.aud ?? 'dossier')
      .setIssuedAt(NOW - 10)
      .setExpirationTime(options.exp ?? NOW + 300)
      .sign(options.key ?? rsaKey);

  const whoAmI = (jwt: string) =>
    api.call('/v1/sessions/current', { auth: false, headers: { authorization: `Bearer ${jwt}` } });

  const expectRefused = async (jwt: string, detail: RegExp) => {
    const response = await whoAmI(jwt);
    assert.equal(response.status, 401);
    const problem = await response.json();
    assert.equal(problem.code, 'UNAUTHENTICATED');
    assert.match(problem.detail, detail);
  };

  before(async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    rsaKey = rsa.privateKey;
    ecKey = ec.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig' },
    ];
    keyServer = createServer((request, response) => {
      if (request.url !== '/jwks') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const address = keyServer.address();
    const jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks`;
    api = await startApi({
      access: {
        oidc: {
          issuers: [
            { issuer: GITHUB, kind: 'github', audience: 'dossier', jwksUrl, algorithms: ['RS256'] },
            { issuer: GITLAB, kind: 'gitlab', audience: 'dossier', jwksUrl, algorithms: ['RS256'] },
          ],
          identities: [
            {
              name: 'payments-ci',
              issuer: GITHUB,
              claims: {
                repository_id: '892345123',
                repository_owner_id: '45012',
                ref: 'refs/heads/main',
              },
              roles: ['engineering'],
              services: ['payments-api'],
            },
            {
              name: 'ledger-ci',
              issuer: GITLAB,
              claims: { project_id: '77', namespace_id: '12' },
              roles: ['engineering'],
            },
          ],
        },
        trainingRequirements: [],
      },
    });
  });
  after(async () => {
    await api.close();
    await new Promise((resolve) => keyServer.close(resolve));
  });

  it('accepts a GitHub Actions token mapped on repository_id and repository_owner_id', async () => {
    const jwt = await sign(githubClaims);
    const me = await whoAmI(jwt);
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), {
      id: 'oidc:payments-ci',
      roles: ['engineering'],
      method: 'oidc',
      services: ['payments-api'],
    });
    const created = await api.call('/v1/releases', {
      method: 'POST',
      auth: false,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'payments-api', version: '3.1.0', commit: COMMIT }),
    });
    assert.equal(created.status, 201);
    assert.equal((await created.json()).createdBy, 'oidc:payments-ci');
  });

  it('accepts a GitLab ID token mapped on project_id and namespace_id (numbers)', async () => {
    const jwt = await sign(
      {
        sub: 'project_path:acme/ledger:ref_type:branch:ref:main',
        project_id: 77,
        namespace_id: 12,
      },
      { iss: GITLAB },
    );
    assert.equal((await (await whoAmI(jwt)).json()).id, 'oidc:ledger-ci');
  });

  it('refuses a token whose repository_id differs, though sub and names match', async () => {
    // A repository deleted and re-created (or renamed onto) under the same name has a new id.
    await expectRefused(
      await sign({ ...githubClaims, repository_id: '999000111' }),
      /no CI identity configured for this github token \(repository_id=999000111, repository_owner_id=45012, sub=repo:acme\/payments/,
    );
    await expectRefused(
      await sign({ ...githubClaims, repository_owner_id: '1' }),
      /no CI identity configured/,
    );
  });

  it('refuses an untrusted issuer', async () => {
    await expectRefused(
      await sign(githubClaims, { iss: 'https://evil.example.com' }),
      /issuer "https:\/\/evil.example.com" is not trusted/,
    );
  });

  it('refuses a wrong audience', async () => {
    await expectRefused(
      await sign(githubClaims, { aud: 'someone-else' }),
      /audience is not "dossier"/,
    );
  });

  it('refuses an expired token', async () => {
    await expectRefused(await sign(githubClaims, { exp: NOW - 60 }), /it has expired/);
  });

  it('refuses an algorithm the issuer is not configured for, even with a published key', async () => {
    await expectRefused(
      await sign(githubClaims, { key: ecKey, alg: 'ES256', kid: 'ec-1' }),
      /algorithm is not one of RS256/,
    );
  });

  it('refuses an unsigned ("alg": "none") token', async () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({
      ...githubClaims,
      iss: GITHUB,
      aud: 'dossier',
      iat: NOW - 10,
      exp: NOW + 300,
    })}.`;
    await expectRefused(unsigned, /algorithm is not one of RS256/);
  });

  it('refuses a token signed by a key the issuer did not publish', async () => {
    await expectRefused(
      await sign(githubClaims, { key: strangerKey }),
      /signature does not verify/,
    );
  });
});

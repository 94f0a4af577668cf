import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessConfigSchema, jwksUrlOf, matchOidcIdentity } from './access-config.ts';

const GITHUB = 'https://token.actions.githubusercontent.com';

const config = AccessConfigSchema.parse({
  oidc: {
    issuers: [
      { issuer: GITHUB, kind: 'github', audience: 'dossier' },
      { issuer: 'https://gitlab.example.com', kind: 'gitlab', audience: 'dossier' },
    ],
    identities: [
      {
        name: 'payments-ci',
        issuer: GITHUB,
        claims: { repository_id: 123456, repository_owner_id: '9000', ref: 'refs/heads/main' },
        roles: ['engineering'],
        services: ['payments-api'],
      },
      {
        name: 'ledger-ci',
        issuer: 'https://gitlab.example.com',
        claims: { project_id: '42', namespace_id: '7' },
        roles: ['engineering'],
      },
    ],
  },
});
const github = config.oidc.issuers[0];
const gitlab = config.oidc.issuers[1];

describe('access configuration', () => {
  it('fills each issuer kind’s well-known JWKS URL and the RS256 default', () => {
    assert.ok(github && gitlab);
    assert.equal(jwksUrlOf(github), `${GITHUB}/.well-known/jwks`);
    assert.equal(jwksUrlOf(gitlab), 'https://gitlab.example.com/oauth/discovery/keys');
    assert.deepEqual(github.algorithms, ['RS256']);
  });

  it('refuses a GitHub identity not pinned to repository_id and repository_owner_id', () => {
    const parsed = AccessConfigSchema.safeParse({
      oidc: {
        issuers: [{ issuer: GITHUB, kind: 'github', audience: 'dossier' }],
        identities: [
          {
            name: 'by-sub',
            issuer: GITHUB,
            claims: { sub: 'repo:acme/payments:ref:refs/heads/main' },
            roles: ['engineering'],
          },
        ],
      },
    });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((issue) => issue.path.join('.')),
      ['oidc.identities.0.claims.repository_id', 'oidc.identities.0.claims.repository_owner_id'],
    );
  });

  it('refuses plain-http key URLs except to this machine, and "none" and HMAC algorithms', () => {
    const bad = AccessConfigSchema.safeParse({
      oidc: {
        issuers: [
          { issuer: 'https://a', audience: 'x', jwksUrl: 'http://keys.example.com/jwks' },
          {
            issuer: 'https://b',
            audience: 'x',
            jwksUrl: 'http://127.0.0.1:9/jwks',
            algorithms: ['none'],
          },
          { issuer: 'https://c', audience: 'x', jwksUrl: 'https://c/jwks', algorithms: ['HS256'] },
        ],
      },
    });
    assert.equal(bad.success, false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    assert.ok(paths.includes('oidc.issuers.0.jwksUrl'), paths.join());
    assert.ok(paths.includes('oidc.issuers.1.algorithms.0'), paths.join());
    assert.ok(paths.includes('oidc.issuers.2.algorithms.0'), paths.join());
  });

  it('refuses an identity of an issuer that is not configured', () => {
    const parsed = AccessConfigSchema.safeParse({
      oidc: {
        identities: [{ name: 'x', issuer: 'https://nowhere', claims: { sub: 'x' }, roles: ['qa'] }],
      },
    });
    assert.deepEqual(
      parsed.error?.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
      ['oidc.identities.0.issuer is not one of oidc.issuers'],
    );
  });
});

describe('matchOidcIdentity', () => {
  const claims = {
    iss: GITHUB,
    sub: 'repo:acme/payments:ref:refs/heads/main',
    repository_id: '123456',
    repository_owner_id: '9000',
    ref: 'refs/heads/main',
  };

  it('maps claims to the identity whose pinned claims all match, numbers as text', () => {
    assert.ok(github);
    const match = matchOidcIdentity(claims, github, config.oidc.identities);
    assert.equal(match.matched && match.identity.name, 'payments-ci');
  });

  it('refuses a token from a repository with the same name but another repository_id', () => {
    assert.ok(github);
    const match = matchOidcIdentity(
      { ...claims, repository_id: '999999' },
      github,
      config.oidc.identities,
    );
    assert.equal(match.matched, false);
    assert.match(!match.matched ? match.reason : '', /repository_id=999999/);
  });

  it('refuses another branch, and never matches an identity of another issuer', () => {
    assert.ok(github && gitlab);
    assert.equal(
      matchOidcIdentity({ ...claims, ref: 'refs/heads/dev' }, github, config.oidc.identities)
        .matched,
      false,
    );
    const gitlabClaims = { project_id: 42, namespace_id: 7 };
    assert.equal(matchOidcIdentity(gitlabClaims, github, config.oidc.identities).matched, false);
    const match = matchOidcIdentity(gitlabClaims, gitlab, config.oidc.identities);
    assert.equal(match.matched && match.identity.name, 'ledger-ci');
  });
});

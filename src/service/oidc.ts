import { createRemoteJWKSet, decodeJwt, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { jwksUrlOf, matchOidcIdentity, type OidcIssuer } from '../core/access/access-config.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import { accessSettings } from './access-settings.ts';
import type { ServiceDeps } from './deps.ts';

/** Whether a bearer value has the shape of a JWT (three base64url parts, a JSON header). */
export function looksLikeJwt(value: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(value);
}

/**
 * Verifies CI OIDC ID tokens (GitHub Actions, GitLab) against the keys their issuer publishes,
 * and maps them to a configured CI identity. One verifier per services object: it caches each
 * issuer's key set (jose refetches on an unknown key id, at most every 30 s).
 */
export function oidcVerifier(deps: Pick<ServiceDeps, 'clock' | 'access'>) {
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keysOf = (issuer: OidcIssuer) => {
    let keys = keySets.get(issuer.issuer);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(jwksUrlOf(issuer)), { timeoutDuration: 5000 });
      keySets.set(issuer.issuer, keys);
    }
    return keys;
  };

  return async function authenticateOidc(jwt: string): Promise<Actor> {
    const { config } = accessSettings(deps);
    let claimedIssuer: unknown;
    try {
      claimedIssuer = decodeJwt(jwt).iss;
    } catch {
      throw refused('it is not a well-formed JWT');
    }
    // The unverified `iss` only chooses which trusted keys to verify with; jwtVerify checks it.
    const issuer = config.oidc.issuers.find((candidate) => candidate.issuer === claimedIssuer);
    if (!issuer) throw refused(`its issuer ${JSON.stringify(claimedIssuer)} is not trusted`);
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(jwt, keysOf(issuer), {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: issuer.algorithms,
        requiredClaims: ['exp', 'iat'],
        currentDate: deps.clock.now(),
      });
      claims = verified.payload;
    } catch (error) {
      throw refused(verificationProblem(error, issuer), error);
    }
    const match = matchOidcIdentity(claims, issuer, config.oidc.identities);
    if (!match.matched) throw refused(match.reason);
    const actor: Actor = {
      id: `oidc:${match.identity.name}`,
      roles: match.identity.roles,
      method: 'oidc',
    };
    if (match.identity.services) actor.services = match.identity.services;
    return actor;
  };
}

function refused(why: string, cause?: unknown): DossierError {
  return new DossierError('UNAUTHENTICATED', `the OIDC token was not accepted: ${why}`, { cause });
}

/** What failed, in words a pipeline author can act on; never the token itself. */
function verificationProblem(error: unknown, issuer: OidcIssuer): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `its audience is not "${issuer.audience}"`;
    if (error.claim === 'iss') return `its issuer is not ${issuer.issuer}`;
    return `claim "${error.claim}" ${error.reason === 'missing' ? 'is missing' : `failed: ${error.message}`}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `its algorithm is not one of ${issuer.algorithms.join(', ')}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'its signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) {
    return `no key of ${jwksUrlOf(issuer)} matches its key id`;
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return `the issuer's keys could not be read from ${jwksUrlOf(issuer)}`;
  }
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return `the issuer's keys could not be fetched from ${jwksUrlOf(issuer)}`;
}

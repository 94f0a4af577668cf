import { randomBytes } from 'node:crypto';
import { assertAdmin } from '../core/access/permissions.ts';
import { sortRoles } from '../core/access/roles.ts';
import { SESSION_PREFIX } from '../core/access/session.ts';
import { CreateTokenInputSchema } from '../core/access/token-input.ts';
import { personOf } from '../core/access/user.ts';
import type { Actor } from '../core/actor.ts';
import { SYSTEM_ACTOR } from '../core/actor.ts';
import {
  type ApiToken,
  chosenTokenProblem,
  hashTokenValue,
  TOKEN_PREFIX,
  tokenActor,
  tokenRefusal,
} from '../core/api-token.ts';
import { DossierError } from '../core/errors.ts';
import { StoreConflictError } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';
import { invalidInput, toInputIssues } from './input-issues.ts';
import { looksLikeJwt } from './oidc.ts';
import { authenticateSession } from './sessions.ts';

export interface BootstrapResult {
  /** Set only when this call created the token and chose its value: show it once, then forget it. */
  generatedToken?: string;
  created: boolean;
}

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/**
 * On a data directory without tokens, creates the first admin token: the operator's chosen value
 * (DOSSIER_BOOTSTRAP_TOKEN) or a random one. Only its hash is stored.
 */
export async function ensureBootstrapToken(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
  chosen: string | undefined,
): Promise<BootstrapResult> {
  checkBootstrapToken(chosen);
  try {
    return await deps.store.transaction(async (tx) => {
      if ((await tx.countTokens()) > 0) return { created: false };
      const value = chosen ?? generateTokenValue();
      const token: ApiToken = {
        id: deps.ids.next('tok'),
        name: BOOTSTRAP_TOKEN_NAME,
        tokenHash: hashTokenValue(value),
        roles: ['admin'],
        services: null,
        createdAt: deps.clock.now().toISOString(),
        createdBy: SYSTEM_ACTOR.id,
        expiresAt: null,
        revokedAt: null,
        revokedBy: null,
      };
      await tx.insertToken(token);
      await tx.appendAudit({
        time: token.createdAt,
        actor: SYSTEM_ACTOR.id,
        action: 'token.created',
        subject: `token:${token.id}`,
        details: {
          name: token.name,
          roles: token.roles,
          bootstrap: true,
          chosenByOperator: chosen !== undefined,
        },
      });
      return chosen === undefined ? { created: true, generatedToken: value } : { created: true };
    });
  } catch (error) {
    // Another instance bootstrapped the same empty store at the same moment: it created the token.
    if (error instanceof StoreConflictError) return { created: false };
    throw error;
  }
}

/** Refuses an operator-chosen bootstrap token that is too easy to guess. */
export function checkBootstrapToken(chosen: string | undefined): void {
  if (chosen === undefined) return;
  const problem = chosenTokenProblem(chosen);
  if (problem) {
    throw new DossierError('INVALID_INPUT', `DOSSIER_BOOTSTRAP_TOKEN ${problem}`, {
      issues: [{ path: 'DOSSIER_BOOTSTRAP_TOKEN', message: problem }],
    });
  }
}

export function generateTokenValue(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A token as shown to people: everything but its hash. */
export type TokenInfo = Omit<ApiToken, 'tokenHash'>;

export function tokenInfo(token: ApiToken): TokenInfo {
  const { tokenHash: _hash, ...info } = token;
  return info;
}

/** An admin creates a CI token; its value is returned once and only its hash is kept. */
export async function createToken(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
  actor: Actor,
  input: unknown,
): Promise<{ token: TokenInfo; value: string }> {
  assertAdmin(actor, 'create API tokens');
  const parsed = CreateTokenInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('token', toInputIssues(parsed.error));
  const { name, roles, services, expiresInDays } = parsed.data;
  const now = deps.clock.now();
  const value = generateTokenValue();
  const token: ApiToken = {
    id: deps.ids.next('tok'),
    name,
    tokenHash: hashTokenValue(value),
    roles: sortRoles(roles),
    services: services ? [...new Set(services)] : null,
    createdAt: now.toISOString(),
    createdBy: actor.id,
    expiresAt:
      expiresInDays === undefined
        ? null
        : new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
    revokedAt: null,
    revokedBy: null,
  };
  try {
    await deps.store.transaction(async (tx) => {
      await tx.insertToken(token);
      await tx.appendAudit({
        time: token.createdAt,
        actor: actor.id,
        action: 'token.created',
        subject: `token:${token.id}`,
        details: {
          name,
          roles: token.roles,
          services: token.services,
          expiresAt: token.expiresAt,
        },
      });
    });
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new DossierError('NAME_TAKEN', `an API token named "${name}" exists`, {
        issues: [{ path: 'name', message: 'taken' }],
      });
    }
    throw error;
  }
  return { token: tokenInfo(token), value };
}

/** Every token, revoked and expired ones too: admins and auditors review them. */
export async function listTokens(
  deps: Pick<ServiceDeps, 'store'>,
  actor: Actor,
): Promise<TokenInfo[]> {
  if (!actor.roles.includes('admin') && !actor.roles.includes('auditor')) {
    throw new DossierError(
      'FORBIDDEN',
      `only an admin or an auditor may list API tokens (${actor.id} is neither)`,
    );
  }
  return (await deps.store.listTokens()).map(tokenInfo);
}

/** Revokes a token by id or name; it is refused from then on. Revoking twice changes nothing. */
export async function revokeToken(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  actor: Actor,
  idOrName: string,
): Promise<TokenInfo> {
  assertAdmin(actor, 'revoke API tokens');
  const token = await deps.store.findToken(idOrName);
  if (!token)
    throw new DossierError('TOKEN_NOT_FOUND', `no API token with id or name "${idOrName}"`);
  if (token.revokedAt !== null) return tokenInfo(token);
  const now = deps.clock.now().toISOString();
  await deps.store.transaction(async (tx) => {
    await tx.revokeToken(token.id, now, actor.id);
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'token.revoked',
      subject: `token:${token.id}`,
      details: { name: token.name },
    });
  });
  return tokenInfo({ ...token, revokedAt: now, revokedBy: actor.id });
}

/** What a request presented: an `Authorization: Bearer` value, a session cookie, or neither. */
export interface Credentials {
  bearer?: string | undefined;
  sessionCookie?: string | undefined;
}

/**
 * Resolves a request's credentials to the actor they stand for. A bearer value may be an API
 * token, a session token (`dss_…`, from `dossier login`) or a CI OIDC ID token (a JWT); without
 * one, the web UI's session cookie.
 */
export async function authenticate(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  credentials: Credentials | string | undefined,
  verifyOidc?: (jwt: string) => Promise<Actor>,
): Promise<Actor> {
  const { bearer, sessionCookie } =
    typeof credentials === 'object'
      ? credentials
      : { bearer: credentials, sessionCookie: undefined };
  if (bearer) {
    if (bearer.startsWith(SESSION_PREFIX)) return (await authenticateSession(deps, bearer)).actor;
    if (verifyOidc && looksLikeJwt(bearer)) return verifyOidc(bearer);
    return authenticateApiToken(deps, bearer);
  }
  if (sessionCookie) return (await authenticateSession(deps, sessionCookie)).actor;
  throw new DossierError(
    'UNAUTHENTICATED',
    'this request needs credentials: send "Authorization: Bearer <token>" or sign in',
  );
}

async function authenticateApiToken(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  bearer: string,
): Promise<Actor> {
  const token = await deps.store.findTokenByHash(hashTokenValue(bearer));
  if (!token) throw new DossierError('UNAUTHENTICATED', 'the API token was not accepted');
  const refusal = tokenRefusal(token, deps.clock.now());
  if (refusal) {
    throw new DossierError(token.revokedAt !== null ? 'TOKEN_REVOKED' : 'TOKEN_EXPIRED', refusal);
  }
  const actor: Actor = { id: tokenActor(token), roles: token.roles, method: 'api-token' };
  const person = personOf(token.createdBy);
  if (person !== undefined) actor.person = person;
  if (token.services !== null) actor.services = token.services;
  return actor;
}

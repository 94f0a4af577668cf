import { randomBytes } from 'node:crypto';
import { SESSION_PREFIX, type Session } from '../core/access/session.ts';
import { LoginInputSchema, USERNAME_PATTERN, type User, userActor } from '../core/access/user.ts';
import type { Actor } from '../core/actor.ts';
import { hashTokenValue } from '../core/api-token.ts';
import { DossierError } from '../core/errors.ts';
import { accessSettings } from './access-settings.ts';
import type { ServiceDeps } from './deps.ts';
import { invalidInput, toInputIssues } from './input-issues.ts';
import { burnPasswordCheck, checkPassword } from './password-check.ts';

export interface LoginResult {
  /** The session token: shown once to the client (cookie or CLI file), only its hash is stored. */
  token: string;
  session: Session;
  user: User;
}

const NOT_ACCEPTED = 'the username or password was not accepted';

/**
 * Signs a person in with username and password. Every failure is audited (without the password)
 * and answered alike, so the answer does not tell whether the username exists.
 */
export async function login(deps: ServiceDeps, input: unknown): Promise<LoginResult> {
  const parsed = LoginInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('sign-in', toInputIssues(parsed.error));
  const username = parsed.data.username.toLowerCase();
  const user = USERNAME_PATTERN.test(username) ? await deps.store.getUser(username) : undefined;
  const now = deps.clock.now();
  if (!user || user.disabledAt !== null) {
    await burnPasswordCheck(deps, parsed.data.password);
    await deps.store.transaction((tx) =>
      tx.appendAudit({
        time: now.toISOString(),
        actor: 'anonymous',
        action: 'auth.login_failed',
        subject: `user:${USERNAME_PATTERN.test(username) ? username : '(invalid)'}`,
        details: { reason: user ? 'account disabled' : 'unknown user' },
      }),
    );
    throw new DossierError('UNAUTHENTICATED', NOT_ACCEPTED);
  }
  await checkPassword(deps, user, parsed.data.password, {
    actor: 'anonymous',
    action: 'auth.login_failed',
    wrongPassword: () => new DossierError('UNAUTHENTICATED', NOT_ACCEPTED),
  });
  const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
  const startedAt = deps.clock.now();
  const session: Session = {
    id: deps.ids.next('ses'),
    tokenHash: hashTokenValue(token),
    userId: user.id,
    username: user.username,
    createdAt: startedAt.toISOString(),
    expiresAt: new Date(
      startedAt.getTime() + accessSettings(deps).sessionTtlSeconds * 1000,
    ).toISOString(),
    endedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertSession(session);
    await tx.appendAudit({
      time: session.createdAt,
      actor: userActor(user.username),
      action: 'session.started',
      subject: `user:${user.username}`,
      details: { sessionId: session.id, expiresAt: session.expiresAt, method: 'password' },
    });
  });
  return { token, session, user };
}

/** Resolves a session token to the signed-in person. */
export async function authenticateSession(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  token: string,
): Promise<{ actor: Actor; session: Session }> {
  const session = await deps.store.findSessionByHash(hashTokenValue(token));
  if (!session)
    throw new DossierError('UNAUTHENTICATED', 'the session was not accepted; sign in again');
  if (session.endedAt !== null) {
    throw new DossierError(
      'UNAUTHENTICATED',
      `the session ended at ${session.endedAt}; sign in again`,
    );
  }
  if (Date.parse(session.expiresAt) <= deps.clock.now().getTime()) {
    throw new DossierError(
      'TOKEN_EXPIRED',
      `the session expired at ${session.expiresAt}; sign in again`,
    );
  }
  const user = await deps.store.getUser(session.username);
  if (!user || user.disabledAt !== null) {
    throw new DossierError('UNAUTHENTICATED', `${session.username}'s account is disabled`);
  }
  return {
    actor: {
      id: userActor(user.username),
      roles: user.roles,
      method: 'session',
      person: user.username,
    },
    session,
  };
}

/** Ends the session this token belongs to (logout). Ending an ended session changes nothing. */
export async function logout(deps: ServiceDeps, token: string): Promise<void> {
  const { session } = await authenticateSession(deps, token);
  const now = deps.clock.now().toISOString();
  await deps.store.transaction(async (tx) => {
    await tx.endSession(session.id, now);
    await tx.appendAudit({
      time: now,
      actor: userActor(session.username),
      action: 'session.ended',
      subject: `user:${session.username}`,
      details: { sessionId: session.id },
    });
  });
}

import { afterFailedAttempt, isLocked } from '../core/access/session.ts';
import { type User, userActor } from '../core/access/user.ts';
import type { AuditAction } from '../core/audit-log/audit-entry.ts';
import { DossierError } from '../core/errors.ts';
import { accessSettings } from './access-settings.ts';
import type { ServiceDeps } from './deps.ts';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.ts';

type Deps = Pick<ServiceDeps, 'store' | 'clock' | 'access'>;

export interface PasswordCheckFailure {
  /** Audited as the actor of the failure entry. */
  actor: string;
  action: Extract<AuditAction, 'auth.login_failed' | 'auth.reauth_failed'>;
  /** The error the caller sees for a wrong password. */
  wrongPassword: () => DossierError;
}

/**
 * Checks `password` against `user`'s stored hash. A locked account is refused without looking at
 * the password; a wrong password counts towards the lockout (core/access/session.ts) and is
 * audited, without the password, before the refusal is thrown. A right one clears the count and,
 * if the stored hash used weaker parameters than today's, replaces it.
 */
export async function checkPassword(
  deps: Deps,
  user: User,
  password: string,
  failure: PasswordCheckFailure,
): Promise<void> {
  const credentials = await deps.store.getUserCredentials(user.id);
  if (!credentials) throw new Error(`user ${user.username} has no credentials`);
  const now = deps.clock.now();
  if (isLocked(credentials.lockedUntil, now)) {
    await deps.store.transaction((tx) =>
      tx.appendAudit({
        time: now.toISOString(),
        actor: failure.actor,
        action: failure.action,
        subject: `user:${user.username}`,
        details: { reason: 'account locked', lockedUntil: credentials.lockedUntil },
      }),
    );
    throw new DossierError(
      'ACCOUNT_LOCKED',
      `${user.username}'s account is locked after too many wrong passwords, until ${credentials.lockedUntil}`,
    );
  }
  if (!(await verifyPassword(password, credentials.passwordHash))) {
    const state = await deps.store.transaction(async (tx) => {
      // Re-read inside the transaction: concurrent failures each count.
      const current = (await tx.getUserCredentials(user.id)) ?? credentials;
      const next = afterFailedAttempt(current.failedAttempts, now);
      await tx.setAuthState(user.id, next);
      await tx.appendAudit({
        time: now.toISOString(),
        actor: failure.actor,
        action: failure.action,
        subject: `user:${user.username}`,
        details: {
          reason: 'wrong password',
          failedAttempts: next.failedAttempts,
          lockedUntil: next.lockedUntil,
        },
      });
      return next;
    });
    if (state.lockedUntil !== null) {
      throw new DossierError(
        'ACCOUNT_LOCKED',
        `wrong password; ${user.username}'s account is now locked until ${state.lockedUntil}`,
      );
    }
    throw failure.wrongPassword();
  }
  const { passwordParams } = accessSettings(deps);
  const rehash = needsRehash(credentials.passwordHash, passwordParams)
    ? await hashPassword(password, passwordParams)
    : undefined;
  if (credentials.failedAttempts === 0 && credentials.lockedUntil === null && !rehash) return;
  await deps.store.transaction(async (tx) => {
    await tx.setAuthState(user.id, { failedAttempts: 0, lockedUntil: null });
    if (rehash) {
      await tx.setPasswordHash(user.id, rehash);
      await tx.appendAudit({
        time: now.toISOString(),
        actor: userActor(user.username),
        action: 'user.password_rehashed',
        subject: `user:${user.username}`,
        details: { params: rehash.split('$')[1] ?? '' },
      });
    }
  });
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time a real check would on a sign-in for an unknown username, so the answer's timing
 * does not tell which usernames exist.
 */
export async function burnPasswordCheck(deps: Deps, password: string): Promise<void> {
  dummyHash ??= hashPassword('dossier-no-such-user', accessSettings(deps).passwordParams);
  await verifyPassword(password, await dummyHash);
}

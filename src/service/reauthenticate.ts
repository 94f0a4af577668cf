import { userActor } from '../core/access/user.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import type { ServiceDeps } from './deps.ts';
import { checkPassword } from './password-check.ts';

/** Who re-entered their password, and when: what a signature records about its signer. */
export interface Reauthentication {
  username: string;
  fullName: string;
  method: 'password';
  /** ISO 8601, UTC. */
  at: string;
}

/**
 * The re-authentication a signature needs (21 CFR 11.200(a)): the signed-in person enters their
 * password again at the moment of signing, even inside a session. Only the current session's user
 * can be checked, so nobody can sign with someone else's password. Wrong passwords count towards
 * the account's lockout and are audited; the password is compared in constant time and never
 * stored or logged.
 */
export async function reauthenticate(
  deps: ServiceDeps,
  actor: Actor,
  password: string,
): Promise<Reauthentication> {
  if (actor.method !== 'session' || actor.person === undefined) {
    throw new DossierError(
      'FORBIDDEN',
      `${actor.id} is not a signed-in person: sign in (dossier login) to sign`,
    );
  }
  const user = await deps.store.getUser(actor.person);
  if (!user || user.disabledAt !== null) {
    throw new DossierError('FORBIDDEN', `${actor.person}'s account is disabled`);
  }
  if (typeof password !== 'string' || password.length === 0) {
    throw new DossierError('INVALID_INPUT', 'signing needs your password', {
      issues: [{ path: 'password', message: 'required' }],
    });
  }
  await checkPassword(deps, user, password, {
    actor: userActor(user.username),
    action: 'auth.reauth_failed',
    wrongPassword: () =>
      new DossierError('REAUTHENTICATION_FAILED', `the password is not ${user.username}'s`),
  });
  return {
    username: user.username,
    fullName: user.fullName,
    method: 'password',
    at: deps.clock.now().toISOString(),
  };
}

import type { Actor } from '../actor.ts';
import { DossierError } from '../errors.ts';

/**
 * Who may do what. The service layer calls these before it changes anything; the API, CLI and
 * web UI only pass the actor along, so a rule cannot be skipped by using another entry point.
 */

/** Accounts, roles, tokens, training records and log keys are managed by admins only. */
export function assertAdmin(actor: Actor, what: string): void {
  if (!actor.roles.includes('admin')) {
    throw new DossierError('FORBIDDEN', `only an admin may ${what} (${actor.id} is not one)`);
  }
}

/**
 * Submitting releases and evidence needs a role other than `auditor`: an auditor reads
 * everything and changes nothing, and an actor with no role at all may only read.
 */
export function assertMayWrite(actor: Actor, what: string): void {
  if (!actor.roles.some((role) => role !== 'auditor')) {
    const held = actor.roles.length === 0 ? 'no role' : `only ${actor.roles.join(', ')}`;
    throw new DossierError('FORBIDDEN', `${actor.id} holds ${held} and may not ${what}`);
  }
}

/** A credential scoped to some services may write only their releases. */
export function assertServiceInScope(actor: Actor, service: string): void {
  if (actor.services !== undefined && !actor.services.includes(service)) {
    throw new DossierError(
      'FORBIDDEN',
      `${actor.id} is limited to ${actor.services.join(', ')} and may not write releases of ${service}`,
    );
  }
}

/**
 * Reading every account (the user list, anyone's roles, training and signing eligibility) is for
 * admins, who manage accounts, and auditors, who review them. Everyone else reads only their own;
 * choosing a person (a backup approver) uses the directory, which names people and nothing more.
 */
export function mayReadAccounts(roles: readonly string[]): boolean {
  return roles.includes('admin') || roles.includes('auditor');
}

/** Whether these roles manage accounts: what the web UI asks before offering its Users page. */
export function mayManageAccounts(roles: readonly string[]): boolean {
  return roles.includes('admin');
}

/** `what` reads as "read the user list", "read bob's training", … */
export function assertMayReadAccount(actor: Actor, username: string | undefined, what: string) {
  if (username !== undefined && username === actor.person) return;
  if (mayReadAccounts(actor.roles)) return;
  throw new DossierError(
    'FORBIDDEN',
    `only an admin or an auditor may ${what} (${actor.id} is neither); everyone may read their own account`,
  );
}

import { assertAdmin, assertMayReadAccount } from '../core/access/permissions.ts';
import type { Role } from '../core/access/roles.ts';
import {
  CreateUserInputSchema,
  RoleGrantInputSchema,
  type User,
  Username,
} from '../core/access/user.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import { StoreConflictError } from '../store/store.ts';
import { accessSettings } from './access-settings.ts';
import type { ServiceDeps } from './deps.ts';
import { invalidInput, toInputIssues } from './input-issues.ts';
import { hashPassword } from './password-hash.ts';

/** An admin creates an account with its initial password (hashed here) and roles. */
export async function createUser(deps: ServiceDeps, actor: Actor, input: unknown): Promise<User> {
  assertAdmin(actor, 'create user accounts');
  const parsed = CreateUserInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('user', toInputIssues(parsed.error));
  const { username, fullName, password, roles } = parsed.data;
  if (await deps.store.getUser(username)) throw usernameTaken(username);
  const passwordHash = await hashPassword(password, accessSettings(deps).passwordParams);
  const now = deps.clock.now().toISOString();
  const user: User = {
    id: deps.ids.next('usr'),
    username,
    fullName,
    roles: [...new Set(roles)],
    createdAt: now,
    createdBy: actor.id,
    disabledAt: null,
  };
  try {
    await deps.store.transaction(async (tx) => {
      await tx.insertUser(user, { passwordHash });
      await tx.appendAudit({
        time: now,
        actor: actor.id,
        action: 'user.created',
        subject: `user:${username}`,
        details: { userId: user.id, fullName, roles: user.roles },
      });
    });
  } catch (error) {
    if (error instanceof StoreConflictError) throw usernameTaken(username);
    throw error;
  }
  return requireUser(deps, username);
}

/** Every account with its roles: admins and auditors only (see assertMayReadAccount). */
export async function listUsers(deps: Pick<ServiceDeps, 'store'>, actor: Actor): Promise<User[]> {
  assertMayReadAccount(actor, undefined, 'read the user list');
  return deps.store.listUsers();
}

/** One account: its owner, admins and auditors may read it. */
export async function readUser(
  deps: Pick<ServiceDeps, 'store'>,
  actor: Actor,
  username: string,
): Promise<User> {
  assertMayReadAccount(actor, username.toLowerCase(), `read the account of ${username}`);
  return requireUser(deps, username);
}

/** A person as the directory names them: enough to choose one, nothing about their authority. */
export interface DirectoryEntry {
  username: string;
  fullName: string;
}

/**
 * The enabled accounts by username and printed name, for choosing a person (a backup approver,
 * a condition's owner). Any authenticated actor may read it: these names are already on every
 * signature; roles, training and account history stay behind assertMayReadAccount.
 */
export async function listPeople(deps: Pick<ServiceDeps, 'store'>): Promise<DirectoryEntry[]> {
  return (await deps.store.listUsers())
    .filter((user) => user.disabledAt === null)
    .map((user) => ({ username: user.username, fullName: user.fullName }));
}

export async function requireUser(
  deps: Pick<ServiceDeps, 'store'>,
  username: string,
): Promise<User> {
  const parsed = Username.safeParse(username);
  const user = parsed.success ? await deps.store.getUser(parsed.data) : undefined;
  if (!user) throw new DossierError('USER_NOT_FOUND', `no user named "${username}"`);
  return user;
}

/** Disabling keeps the account (its name stays on what it signed) and refuses its sessions. */
export async function disableUser(
  deps: ServiceDeps,
  actor: Actor,
  username: string,
): Promise<User> {
  assertAdmin(actor, 'disable user accounts');
  const user = await requireUser(deps, username);
  if (user.username === actor.person) {
    throw new DossierError('FORBIDDEN', 'you cannot disable your own account');
  }
  if (user.disabledAt !== null) return user;
  const now = deps.clock.now().toISOString();
  await deps.store.transaction(async (tx) => {
    await tx.setUserDisabled(user.id, now);
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'user.disabled',
      subject: `user:${user.username}`,
      details: { userId: user.id },
    });
  });
  return requireUser(deps, user.username);
}

export interface RoleChange {
  user: User;
  /** False when the user already held (grant) or did not hold (revoke) the role. */
  changed: boolean;
}

export function grantRole(deps: ServiceDeps, actor: Actor, username: string, input: unknown) {
  return changeRole(deps, actor, username, input, 'grant');
}

export function revokeRole(deps: ServiceDeps, actor: Actor, username: string, input: unknown) {
  return changeRole(deps, actor, username, input, 'revoke');
}

/**
 * Grants or revokes one role. Admins only, and never on their own account: a person cannot
 * raise (or quietly reshape) their own authority. A refusal of that kind is audited too.
 */
async function changeRole(
  deps: ServiceDeps,
  actor: Actor,
  username: string,
  input: unknown,
  change: 'grant' | 'revoke',
): Promise<RoleChange> {
  assertAdmin(actor, `${change} roles`);
  const parsed = RoleGrantInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('role', toInputIssues(parsed.error));
  const role: Role = parsed.data.role;
  const user = await requireUser(deps, username);
  const now = deps.clock.now().toISOString();
  if (user.username === actor.person) {
    await deps.store.transaction((tx) =>
      tx.appendAudit({
        time: now,
        actor: actor.id,
        action: 'role.change_refused',
        subject: `user:${user.username}`,
        details: { change, role, reason: 'own account' },
      }),
    );
    throw new DossierError(
      'FORBIDDEN',
      `nobody may ${change} a role on their own account: ask another admin to ${change} ${role} for ${user.username}`,
    );
  }
  const changed = await deps.store.transaction(async (tx) => {
    const done =
      change === 'grant'
        ? await tx.grantRole(user.id, role, now, actor.id)
        : await tx.revokeRole(user.id, role);
    if (done) {
      await tx.appendAudit({
        time: now,
        actor: actor.id,
        action: change === 'grant' ? 'role.granted' : 'role.revoked',
        subject: `user:${user.username}`,
        details: { userId: user.id, role },
      });
    }
    return done;
  });
  return { user: await requireUser(deps, user.username), changed };
}

function usernameTaken(username: string): DossierError {
  return new DossierError('NAME_TAKEN', `the username "${username}" is taken`, {
    issues: [{ path: 'username', message: 'taken' }],
  });
}

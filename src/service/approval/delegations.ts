import { z } from 'zod';
import { mayReadAccounts } from '../../core/access/permissions.ts';
import { isSigningRole, SIGNING_ROLES } from '../../core/access/roles.ts';
import { userActor } from '../../core/access/user.ts';
import type { Actor } from '../../core/actor.ts';
import type { Delegation } from '../../core/approval/delegation.ts';
import { DossierError } from '../../core/errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { requireUser } from '../users.ts';

const MAX_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DelegationInputSchema = z
  .object({
    delegate: z.string().min(1).describe('the backup approver (username)'),
    role: z.string().min(1),
    startsAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
    endsAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
    reason: z.string().trim().min(3, 'say why (absence, holiday)').max(1000),
    /** An admin may record a delegation for someone else; everyone else delegates their own. */
    delegator: z.string().min(1).optional(),
  })
  .strict();

/**
 * Names a backup approver: for the window, the delegate may sign for the role in the delegator's
 * place. The delegator must hold the role; the window is at most 90 days.
 */
export async function createDelegation(
  deps: ServiceDeps,
  actor: Actor,
  input: unknown,
): Promise<Delegation> {
  const parsed = DelegationInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('delegation', toInputIssues(parsed.error));
  const data = parsed.data;
  const delegatorName = data.delegator ?? actor.person;
  if (delegatorName === undefined) {
    throw new DossierError('FORBIDDEN', `${actor.id} is not a person and delegates no role`);
  }
  if (delegatorName !== actor.person && !actor.roles.includes('admin')) {
    throw new DossierError('FORBIDDEN', 'only an admin may record a delegation for someone else');
  }
  const delegator = await requireUser(deps, delegatorName);
  const delegate = await requireUser(deps, data.delegate);
  const problems: Array<{ path: string; message: string }> = [];
  if (!isSigningRole(data.role)) {
    problems.push({
      path: 'role',
      message: `only a signing role is delegated (${SIGNING_ROLES.join(', ')})`,
    });
  } else if (!(delegator.roles as readonly string[]).includes(data.role)) {
    problems.push({ path: 'role', message: `${delegator.username} does not hold ${data.role}` });
  }
  if (delegate.username === delegator.username) {
    problems.push({ path: 'delegate', message: 'nobody delegates to themselves' });
  }
  const starts = Date.parse(data.startsAt);
  const ends = Date.parse(data.endsAt);
  if (ends <= starts) problems.push({ path: 'endsAt', message: 'must be after startsAt' });
  if (ends - starts > MAX_DAYS * DAY_MS) {
    problems.push({ path: 'endsAt', message: `a delegation runs at most ${MAX_DAYS} days` });
  }
  if (problems.length > 0) throw invalidInput('delegation', problems);
  const now = deps.clock.now().toISOString();
  const delegation: Delegation = {
    id: `dlg_${deps.ids.next('sig').slice(4)}`,
    delegator: delegator.username,
    delegate: delegate.username,
    role: data.role,
    startsAt: new Date(starts).toISOString(),
    endsAt: new Date(ends).toISOString(),
    reason: data.reason,
    createdAt: now,
    createdBy: actor.id,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertDelegation(delegation);
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'delegation.created',
      subject: userActor(delegator.username),
      details: {
        delegation: delegation.id,
        delegate: delegation.delegate,
        role: delegation.role,
        startsAt: delegation.startsAt,
        endsAt: delegation.endsAt,
        reason: delegation.reason,
      },
    });
  });
  return delegation;
}

/**
 * Delegations newest first. Who backs up whom tells which roles people hold, so admins and
 * auditors see every one and a person sees those naming them (as delegator or delegate); an
 * actor that is neither a person nor one of those sees none.
 */
export async function listDelegations(
  deps: ServiceDeps,
  actor: Actor,
  limit = 200,
): Promise<Delegation[]> {
  if (mayReadAccounts(actor.roles)) return deps.store.listDelegations(limit);
  if (actor.person === undefined) return [];
  return deps.store.listDelegations(limit, actor.person);
}

import { z } from 'zod';
import { assertMayWrite } from '../../core/access/permissions.ts';
import { userActor } from '../../core/access/user.ts';
import type { Actor } from '../../core/actor.ts';
import { countByState } from '../../core/dashboard/exception-aging.ts';
import { DossierError } from '../../core/errors.ts';
import {
  type ExceptionRecord,
  type ExceptionState,
  exceptionApprovalProblem,
  exceptionState,
  exceptionStateBounds,
} from '../../core/exception/exception.ts';
import type { Policy } from '../../core/policy/policy-schema.ts';
import { requirementsFor } from '../../core/policy/policy-schema.ts';
import { decodeSeqCursor } from '../../store/cursor.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { gatePolicyFor } from '../policy/policies.ts';
import { checkCursor, getRelease, pageLimit } from '../release-queries.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export const ExceptionInputSchema = z
  .object({
    ruleId: z.string().min(1).describe('a rule id, evidence:<kind> or promote-from:<environment>'),
    /** The release it applies to (id or tag); or `service` for every release of one service. */
    release: z.string().min(1).optional(),
    service: z.string().min(1).optional(),
    environment: z.string().min(1).optional(),
    reason: z.string().trim().min(10, 'say why, in a sentence').max(4000),
    compensatingControl: z
      .string()
      .trim()
      .min(10, 'name the compensating control, in a sentence')
      .max(4000),
    expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
  })
  .strict()
  .refine((input) => (input.release === undefined) !== (input.service === undefined), {
    message: 'give exactly one scope: release or service',
    path: ['release'],
  });

/**
 * Asks for an exception to one requirement. The requirement must be one the service's policy
 * can waive (a rule, a required evidence kind, a promotion), and the exception may not run longer
 * than the policy allows. It counts only once another person with the authority approves it.
 */
export async function requestException(
  deps: ServiceDeps,
  actor: Actor,
  input: unknown,
): Promise<ExceptionRecord> {
  assertMayWrite(actor, 'request exceptions');
  const parsed = ExceptionInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('exception', toInputIssues(parsed.error));
  const data = parsed.data;
  const release = data.release === undefined ? undefined : await getRelease(deps, data.release);
  const service = release?.service ?? (data.service as string);
  const { policy } = await gatePolicyFor(deps, service);
  const now = deps.clock.now();
  const refusal = requestProblem(policy, data.ruleId, data.expiresAt, now);
  if (refusal) await refuse(deps, actor, `exception:${data.ruleId}`, refusal);
  const exception: ExceptionRecord = {
    id: deps.ids.next('exc'),
    ruleId: data.ruleId,
    scope: {
      ...(release ? { releaseId: release.id } : { service }),
      ...(data.environment ? { environment: data.environment } : {}),
    },
    reason: data.reason,
    compensatingControl: data.compensatingControl,
    requestedBy: personOf(actor),
    requestedAt: now.toISOString(),
    expiresAt: new Date(data.expiresAt).toISOString(),
    approval: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertException(exception);
    await tx.appendAudit({
      time: exception.requestedAt,
      actor: actor.id,
      action: 'exception.requested',
      subject: release ? `release:${release.id}` : `service:${service}`,
      details: {
        exception: exception.id,
        ruleId: exception.ruleId,
        environment: data.environment ?? null,
        reason: exception.reason,
        compensatingControl: exception.compensatingControl,
        expiresAt: exception.expiresAt,
      },
    });
  });
  return exception;
}

/** Approves an exception: another person than the requester, holding a role the policy names. */
export async function approveException(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<ExceptionRecord> {
  const exception = await findException(deps, id);
  const service =
    exception.scope.service ?? (await getRelease(deps, exception.scope.releaseId ?? '')).service;
  const { policy } = await gatePolicyFor(deps, service);
  const allowedRoles = policy.document.exceptions.approverRoles;
  const now = deps.clock.now();
  const problem = exceptionApprovalProblem(
    exception,
    { approver: personOf(actor), approverRoles: actor.roles, allowedRoles },
    now,
  );
  if (problem) await refuse(deps, actor, `exception:${exception.id}`, problem);
  const role = actor.roles.find((held) => allowedRoles.includes(held)) ?? 'admin';
  const approval = { approvedBy: personOf(actor), role, approvedAt: now.toISOString() };
  await deps.store.transaction(async (tx) => {
    await tx.insertExceptionApproval(exception.id, approval);
    await tx.appendAudit({
      time: approval.approvedAt,
      actor: actor.id,
      action: 'exception.approved',
      subject: subjectOf(exception),
      details: {
        exception: exception.id,
        ruleId: exception.ruleId,
        role,
        requestedBy: exception.requestedBy,
        expiresAt: exception.expiresAt,
      },
    });
  });
  return { ...exception, approval };
}

export async function findException(
  deps: Pick<ServiceDeps, 'store'>,
  id: string,
): Promise<ExceptionRecord> {
  const exception = await deps.store.getException(id);
  if (!exception) throw new DossierError('EXCEPTION_NOT_FOUND', `no exception ${id}`);
  return exception;
}

export interface ListExceptionsOptions {
  /** Only exceptions that apply to this release (id or tag): scoped to it or to its service. */
  release?: string | undefined;
  /** Only exceptions in this state now. */
  state?: ExceptionState | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * Exceptions newest first, in pages, with their state now; and the aging counts (how many are in
 * each state) of every exception the release filter matches, whatever the state filter and page.
 */
export async function listExceptions(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  options: ListExceptionsOptions = {},
) {
  const limit = pageLimit(options.limit);
  const cursor = options.cursor;
  if (cursor !== undefined) checkCursor(() => decodeSeqCursor(cursor));
  const release =
    options.release === undefined ? undefined : await getRelease(deps, options.release);
  const scope = release ? { id: release.id, service: release.service } : undefined;
  const now = deps.clock.now();
  const [page, times] = await Promise.all([
    deps.store.listExceptions({
      limit,
      cursor,
      release: scope,
      state: options.state === undefined ? undefined : exceptionStateBounds(options.state, now),
    }),
    deps.store.exceptionTimes({ release: scope }),
  ]);
  const counts = countByState(times, now);
  return {
    items: page.items.map((exception) => ({
      ...exception,
      state: exceptionState(exception, now),
    })),
    nextCursor: page.nextCursor,
    aging: {
      requested: counts.requested,
      active: counts.active,
      expiringSoon: counts['expiring-soon'],
      expired: counts.expired,
    },
  };
}

function requestProblem(
  policy: Policy,
  ruleId: string,
  expiresAt: string,
  now: Date,
): string | undefined {
  const waivable = waivableIds(policy);
  if (!waivable.has(ruleId)) {
    return `"${ruleId}" is not a requirement the policy can waive (rules, evidence:<kind>, promote-from:<env>; approvals are never waived)`;
  }
  const until = Date.parse(expiresAt);
  if (until <= now.getTime()) return `the expiry ${expiresAt} is not in the future`;
  const maxDays = policy.document.exceptions.maxDays;
  if (until - now.getTime() > maxDays * DAY_MS) {
    return `an exception may run at most ${maxDays} days under this policy`;
  }
  return undefined;
}

/** Every requirement id any tier and change type of the policy can produce, except approvals. */
function waivableIds(policy: Policy): Set<string> {
  const ids = new Set<string>();
  const types = [null, 'code', 'config', 'operational', 'flag', 'emergency'] as const;
  for (const tier of Object.values(policy.document.tiers)) {
    for (const type of types) {
      const requirements = requirementsFor(tier, type);
      for (const kind of requirements.evidence) ids.add(`evidence:${kind}`);
      for (const rule of requirements.rules) ids.add(rule.id);
    }
  }
  for (const environment of Object.values(policy.document.environments)) {
    for (const source of environment.promoteFrom) ids.add(`promote-from:${source}`);
  }
  return ids;
}

/**
 * The person behind an actor (`user:alice`, whether signed in or using a token they created), so
 * one person cannot request with a token and approve in a session.
 */
function personOf(actor: Actor): string {
  return actor.person !== undefined ? userActor(actor.person) : actor.id;
}

function subjectOf(exception: ExceptionRecord): string {
  return exception.scope.releaseId
    ? `release:${exception.scope.releaseId}`
    : `service:${exception.scope.service}`;
}

/** A refusal is an audited event of its own, and changes nothing else. */
async function refuse(
  deps: ServiceDeps,
  actor: Actor,
  subject: string,
  reason: string,
): Promise<never> {
  await deps.store.transaction((tx) =>
    tx.appendAudit({
      time: deps.clock.now().toISOString(),
      actor: actor.id,
      action: 'exception.refused',
      subject,
      details: { reason },
    }),
  );
  throw new DossierError('EXCEPTION_REFUSED', reason);
}

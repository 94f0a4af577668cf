import type { ExceptionScope, GateException } from '../policy/evaluate-gate.ts';

/** A controlled deviation from one requirement, asked for by one person, approved by another. */
export interface ExceptionRecord {
  id: string;
  /** A rule id, `evidence:<kind>` or `promote-from:<env>`: what it waives. */
  ruleId: string;
  scope: ExceptionScope;
  reason: string;
  compensatingControl: string;
  requestedBy: string;
  requestedAt: string;
  /** ISO 8601; from this instant it stops counting, by itself. */
  expiresAt: string;
  approval: { approvedBy: string; role: string; approvedAt: string } | null;
}

export const EXCEPTION_STATES = ['requested', 'active', 'expiring-soon', 'expired'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

/** How soon before expiry an active exception counts as expiring soon. */
export const EXPIRING_SOON_MS = 7 * 24 * 60 * 60 * 1000;

export function exceptionState(
  exception: Pick<ExceptionRecord, 'expiresAt'> & { approval: object | null },
  now: Date,
): ExceptionState {
  const left = Date.parse(exception.expiresAt) - now.getTime();
  if (left <= 0) return 'expired';
  if (!exception.approval) return 'requested';
  return left <= EXPIRING_SOON_MS ? 'expiring-soon' : 'active';
}

/**
 * The exceptions in a state at `now`, as bounds a store can query: whether approved, and where the
 * expiry lies (ISO 8601 UTC, compared as text). Mirrors exceptionState.
 */
export interface ExceptionStateBounds {
  approved?: boolean;
  /** expiresAt > this */
  expiresAfter?: string;
  /** expiresAt <= this */
  expiresAtOrBefore?: string;
}

export function exceptionStateBounds(state: ExceptionState, now: Date): ExceptionStateBounds {
  const at = now.toISOString();
  const soon = new Date(now.getTime() + EXPIRING_SOON_MS).toISOString();
  switch (state) {
    case 'expired':
      return { expiresAtOrBefore: at };
    case 'requested':
      return { approved: false, expiresAfter: at };
    case 'expiring-soon':
      return { approved: true, expiresAfter: at, expiresAtOrBefore: soon };
    case 'active':
      return { approved: true, expiresAfter: soon };
  }
}

/** The approved exceptions, as the gate reads them (the gate itself drops expired ones). */
export function gateExceptions(exceptions: readonly ExceptionRecord[]): GateException[] {
  return exceptions
    .filter((exception) => exception.approval !== null)
    .map((exception) => ({
      id: exception.id,
      ruleId: exception.ruleId,
      scope: exception.scope,
      expiresAt: exception.expiresAt,
    }));
}

export interface ApprovalAuthority {
  approver: string;
  approverRoles: readonly string[];
  /** Roles the policy lets approve exceptions. */
  allowedRoles: readonly string[];
}

/** Why this person may not approve this exception, or undefined when they may. */
export function exceptionApprovalProblem(
  exception: ExceptionRecord,
  authority: ApprovalAuthority,
  now: Date,
): string | undefined {
  if (exception.approval) return `${exception.id} is already approved`;
  if (exceptionState(exception, now) === 'expired') {
    return `${exception.id} expired at ${exception.expiresAt} before it was approved`;
  }
  if (authority.approver === exception.requestedBy) {
    return `${authority.approver} requested ${exception.id}; another person must approve it`;
  }
  if (!authority.approverRoles.some((role) => authority.allowedRoles.includes(role))) {
    return `approving exceptions needs one of the roles ${authority.allowedRoles.join(', ')}`;
  }
  return undefined;
}

export interface ExceptionAging {
  requested: ExceptionRecord[];
  active: ExceptionRecord[];
  expiringSoon: ExceptionRecord[];
  expired: ExceptionRecord[];
}

export function exceptionAging(exceptions: readonly ExceptionRecord[], now: Date): ExceptionAging {
  const aging: ExceptionAging = { requested: [], active: [], expiringSoon: [], expired: [] };
  for (const exception of exceptions) {
    const state = exceptionState(exception, now);
    if (state === 'requested') aging.requested.push(exception);
    else if (state === 'active') aging.active.push(exception);
    else if (state === 'expiring-soon') aging.expiringSoon.push(exception);
    else aging.expired.push(exception);
  }
  return aging;
}

/**
 * A backup approver: for a time window, `delegate` may sign for `role` in place of `delegator`
 * (holidays, absence). The signature records the delegation, so it reads "bob, for alice".
 */
export interface Delegation {
  id: string;
  delegator: string;
  delegate: string;
  role: string;
  /** ISO 8601: the window in which the delegate may sign. */
  startsAt: string;
  endsAt: string;
  reason: string;
  createdAt: string;
  createdBy: string;
}

/** Why `delegate` may not sign for `role` under this delegation now, or undefined. */
export function delegationProblem(
  delegation: Delegation,
  use: { delegate: string; role: string; now: Date },
): string | undefined {
  if (delegation.delegate !== use.delegate) {
    return `${delegation.id} delegates to ${delegation.delegate}, not to ${use.delegate}`;
  }
  if (delegation.role !== use.role) {
    return `${delegation.id} delegates the ${delegation.role} role, not ${use.role}`;
  }
  const now = use.now.getTime();
  if (now < Date.parse(delegation.startsAt)) {
    return `${delegation.id} starts at ${delegation.startsAt}`;
  }
  if (now >= Date.parse(delegation.endsAt)) {
    return `${delegation.id} expired at ${delegation.endsAt}`;
  }
  return undefined;
}

/** The delegation that lets `delegate` sign for `delegator` in `role` now, or why none does. */
export function findDelegation(
  delegations: readonly Delegation[],
  use: { delegator: string; delegate: string; role: string; now: Date },
): { delegation: Delegation; problem?: undefined } | { problem: string; delegation?: undefined } {
  const candidates = delegations.filter(
    (d) => d.delegator === use.delegator && d.delegate === use.delegate,
  );
  if (candidates.length === 0) {
    return { problem: `${use.delegator} has not delegated to ${use.delegate}` };
  }
  const problems: string[] = [];
  for (const delegation of candidates) {
    const problem = delegationProblem(delegation, use);
    if (!problem) return { delegation };
    problems.push(problem);
  }
  return { problem: problems.join('; ') };
}

export type DelegationWindow = 'upcoming' | 'active' | 'ended';

/** Where `now` falls in a delegation's window: the same instants delegationProblem compares. */
export function delegationWindow(
  delegation: Pick<Delegation, 'startsAt' | 'endsAt'>,
  now: Date,
): DelegationWindow {
  const time = now.getTime();
  if (time < Date.parse(delegation.startsAt)) return 'upcoming';
  return time >= Date.parse(delegation.endsAt) ? 'ended' : 'active';
}

import type { Role } from './roles.ts';
import {
  isTrainingCurrent,
  type TrainingRecord,
  type TrainingRequirement,
  utcDay,
} from './training.ts';
import type { User } from './user.ts';

/** The person as eligibility sees them: the account and every training record they have. */
export interface SigningCandidate extends Pick<User, 'username' | 'roles' | 'disabledAt'> {
  training: readonly TrainingRecord[];
}

export type SigningEligibility =
  | { eligible: true }
  | {
      eligible: false;
      code: 'ACCOUNT_DISABLED' | 'ROLE_NOT_HELD' | 'TRAINING_MISSING';
      reason: string;
    };

/**
 * Whether `user` may sign for `role` at `now`: the account is enabled, the role is held, and
 * every training the role requires is recorded at the required version and current (completed
 * by today, UTC, and not past its last day). Pure: the signing service loads the user, their
 * training and the configured requirements, then calls this at the moment of signing.
 */
export function signingEligibility(
  user: SigningCandidate,
  role: Role,
  now: Date,
  trainingRequirements: readonly TrainingRequirement[],
): SigningEligibility {
  if (user.disabledAt !== null) {
    return {
      eligible: false,
      code: 'ACCOUNT_DISABLED',
      reason: `${user.username}'s account was disabled on ${user.disabledAt}`,
    };
  }
  if (!user.roles.includes(role)) {
    return {
      eligible: false,
      code: 'ROLE_NOT_HELD',
      reason: `${user.username} does not hold the ${role} role`,
    };
  }
  const day = utcDay(now);
  for (const requirement of trainingRequirements) {
    if (requirement.role !== role) continue;
    const problem = trainingProblem(user, requirement, day);
    if (problem) return { eligible: false, code: 'TRAINING_MISSING', reason: problem };
  }
  return { eligible: true };
}

function trainingProblem(
  user: SigningCandidate,
  requirement: TrainingRequirement,
  day: string,
): string | undefined {
  const needs = `${requirement.role} requires course ${requirement.course} v${requirement.version}`;
  const matching = user.training.filter(
    (record) => record.course === requirement.course && record.version === requirement.version,
  );
  if (matching.some((record) => isTrainingCurrent(record, day))) return undefined;
  if (matching.length === 0) {
    const other = user.training
      .filter((record) => record.course === requirement.course)
      .map((record) => `v${record.version}`);
    const held =
      other.length > 0 ? ` (${user.username} has ${[...new Set(other)].join(', ')})` : '';
    return `${needs}, not recorded for ${user.username}${held}`;
  }
  const notYet = matching.filter((record) => record.completedOn > day);
  if (notYet.length === matching.length) {
    return `${needs}, recorded for ${user.username} as completed on ${notYet[0]?.completedOn}, which is after today (${day})`;
  }
  const lastDay = matching
    .map((record) => record.expiresOn)
    .filter((value): value is string => value !== null)
    .sort()
    .at(-1);
  return `${needs}, which expired for ${user.username} on ${lastDay}`;
}

import { assertAdmin, assertMayReadAccount } from '../core/access/permissions.ts';
import { isRole, ROLES } from '../core/access/roles.ts';
import { type SigningEligibility, signingEligibility } from '../core/access/signing-eligibility.ts';
import { TrainingInputSchema, type TrainingRecord } from '../core/access/training.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import { accessSettings } from './access-settings.ts';
import type { ServiceDeps } from './deps.ts';
import { invalidInput, toInputIssues } from './input-issues.ts';
import { requireUser } from './users.ts';

/** An admin records that a person completed a course; records are never edited. */
export async function recordTraining(
  deps: ServiceDeps,
  actor: Actor,
  username: string,
  input: unknown,
): Promise<TrainingRecord> {
  assertAdmin(actor, 'record training');
  const parsed = TrainingInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('training record', toInputIssues(parsed.error));
  const user = await requireUser(deps, username);
  const record: TrainingRecord = {
    id: deps.ids.next('trn'),
    username: user.username,
    ...parsed.data,
    recordedAt: deps.clock.now().toISOString(),
    recordedBy: actor.id,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertTraining(record);
    await tx.appendAudit({
      time: record.recordedAt,
      actor: actor.id,
      action: 'training.recorded',
      subject: `user:${user.username}`,
      details: {
        trainingId: record.id,
        course: record.course,
        version: record.version,
        completedOn: record.completedOn,
        expiresOn: record.expiresOn,
      },
    });
  });
  return record;
}

export async function listTraining(
  deps: Pick<ServiceDeps, 'store'>,
  actor: Actor,
  username: string,
): Promise<TrainingRecord[]> {
  assertMayReadAccount(actor, username.toLowerCase(), `read the training of ${username}`);
  const user = await requireUser(deps, username);
  return deps.store.listTraining(user.username);
}

/** Eligibility as the API shows it beforehand: to the person, admins and auditors. */
export async function readSigningEligibility(
  deps: ServiceDeps,
  actor: Actor,
  username: string,
  role: string,
): Promise<SigningEligibility> {
  assertMayReadAccount(
    actor,
    username.toLowerCase(),
    `read the signing eligibility of ${username}`,
  );
  return checkSigningEligibility(deps, username, role);
}

/**
 * Whether the user may sign for `role` now, with the configured training requirements: what the
 * signing service asks at the moment of signing.
 */
export async function checkSigningEligibility(
  deps: ServiceDeps,
  username: string,
  role: string,
): Promise<SigningEligibility> {
  if (!isRole(role)) {
    throw new DossierError(
      'INVALID_INPUT',
      `"${role}" is not a role: use one of ${ROLES.join(', ')}`,
      {
        issues: [{ path: 'role', message: 'unknown role' }],
      },
    );
  }
  const user = await requireUser(deps, username);
  const training = await deps.store.listTraining(user.username);
  return signingEligibility(
    { ...user, training },
    role,
    deps.clock.now(),
    accessSettings(deps).config.trainingRequirements,
  );
}

import { z } from 'zod';
import type { Role } from '../../core/access/roles.ts';
import { signingEligibility } from '../../core/access/signing-eligibility.ts';
import type { Actor } from '../../core/actor.ts';
import type { SignatureRecord } from '../../core/approval/signature.ts';
import { accessSettings } from '../access-settings.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { reauthenticate } from '../reauthenticate.ts';
import { checkSigningEligibility } from '../training.ts';
import { requireUser } from '../users.ts';
import {
  ApproveInputSchema,
  approve,
  type SignerIdentity,
  WithdrawInputSchema,
  withdraw,
} from './signatures.ts';

/** What a signer sends: the approval, and their password entered again at this moment. */
export const SignRequestSchema = ApproveInputSchema.extend({
  password: z.string().min(1, 'signing needs your password'),
});
export const WithdrawRequestSchema = WithdrawInputSchema.extend({
  password: z.string().min(1, 'withdrawing needs your password'),
});

/**
 * Re-authenticates the signed-in person (password, at this moment, even inside a session), then
 * signs with their current roles and training. The password goes no further than the check.
 */
export async function signApproval(
  deps: ServiceDeps,
  actor: Actor,
  idOrTag: string,
  input: unknown,
): Promise<SignatureRecord> {
  const parsed = SignRequestSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('approval', toInputIssues(parsed.error));
  const { password, ...approval } = parsed.data;
  const signer = await signerFor(deps, actor, password);
  return approve(deps, actor, signer, idOrTag, approval, async (role, delegated) => {
    const eligibility = await checkSigningEligibility(deps, signer.username, role);
    if (eligibility.eligible) return undefined;
    // A backup approver signs under the delegation, not under a role of their own; the
    // training the role requires still applies to them.
    if (delegated && eligibility.code === 'ROLE_NOT_HELD') {
      return trainingProblem(deps, signer.username, role);
    }
    return eligibility.reason;
  });
}

export async function withdrawApproval(
  deps: ServiceDeps,
  actor: Actor,
  signatureId: string,
  input: unknown,
): Promise<SignatureRecord> {
  const parsed = WithdrawRequestSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('withdrawal', toInputIssues(parsed.error));
  const { password, ...withdrawal } = parsed.data;
  return withdraw(deps, actor, await signerFor(deps, actor, password), signatureId, withdrawal);
}

/** The role's training requirements, checked for a backup approver who signs under a delegation. */
async function trainingProblem(
  deps: ServiceDeps,
  username: string,
  role: string,
): Promise<string | undefined> {
  const user = await requireUser(deps, username);
  const training = await deps.store.listTraining(username);
  const result = signingEligibility(
    { ...user, roles: [...user.roles, role as Role], training },
    role as Role,
    deps.clock.now(),
    accessSettings(deps).config.trainingRequirements,
  );
  return result.eligible ? undefined : result.reason;
}

async function signerFor(
  deps: ServiceDeps,
  actor: Actor,
  password: string,
): Promise<SignerIdentity> {
  const proof = await reauthenticate(deps, actor, password);
  const user = await requireUser(deps, proof.username);
  return {
    username: proof.username,
    fullName: proof.fullName,
    method: proof.method,
    roles: user.roles,
  };
}

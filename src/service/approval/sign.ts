import { z } from 'zod';
import type { Actor } from '../../core/actor.ts';
import type { SignatureRecord } from '../../core/approval/signature.ts';
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
  return approve(deps, actor, signer, idOrTag, approval, async (role) => {
    const eligibility = await checkSigningEligibility(deps, signer.username, role);
    return eligibility.eligible ? undefined : eligibility.reason;
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

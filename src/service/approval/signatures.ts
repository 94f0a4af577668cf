import { z } from 'zod';
import type { Actor } from '../../core/actor.ts';
import { findDelegation } from '../../core/approval/delegation.ts';
import { separationOfDutiesProblem } from '../../core/approval/separation-of-duties.ts';
import {
  type AuthMethod,
  conditionMeetProblem,
  type SignatureRecord,
  type SignatureState,
  type SignatureStatus,
  signatureStatus,
} from '../../core/approval/signature.ts';
import {
  describeSignedContent,
  type SignedContent,
  signedContentHash,
  signedContentOf,
} from '../../core/approval/signed-content.ts';
import { DossierError } from '../../core/errors.ts';
import type { Release } from '../../core/release.ts';
import type { StoreReader } from '../../store/store.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { queueEvent } from '../outbound/notify.ts';
import { gatePolicyFor } from '../policy/policies.ts';
import { getRelease } from '../release-queries.ts';

/** Who signs: the person who re-authenticated at this moment, and how. */
export interface SignerIdentity {
  username: string;
  fullName: string;
  method: AuthMethod;
  /** The roles the person holds now. */
  roles: readonly string[];
}

/**
 * Why this person may not sign for this role now (training, for one), or undefined. `delegated`:
 * they sign under a delegation, so they need not hold the role themselves.
 */
export type EligibilityCheck = (role: string, delegated: boolean) => Promise<string | undefined>;

export const ApproveInputSchema = z
  .object({
    role: z.string().min(1),
    /** Sign as a backup approver for this person, under a delegation in force now. */
    onBehalfOf: z.string().min(1).optional(),
    meaning: z.string().trim().min(3, 'say what your signature means').max(500),
    condition: z
      .object({
        text: z.string().trim().min(3).max(1000),
        owner: z.string().min(1),
        deadline: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
      })
      .strict()
      .optional(),
  })
  .strict();

export const WithdrawInputSchema = z
  .object({ meaning: z.string().trim().min(3, 'say why you withdraw').max(500) })
  .strict();

export interface SigningView {
  release: Release;
  content: SignedContent;
  contentHash: string;
  /** The content as a signer reads it before signing. */
  lines: string[];
  signatures: Array<SignatureRecord & { status: SignatureStatus; statusReason: string }>;
}

/** What a signature would cover now, and every signature with its status. */
export async function signingView(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  idOrTag: string,
): Promise<SigningView> {
  const release = await getRelease(deps, idOrTag);
  const { activation } = await gatePolicyFor(deps, release.service);
  const state = await readState(deps.store, release, activation.policySha256, deps.clock.now());
  return {
    release,
    content: state.content,
    contentHash: state.currentContentHash,
    lines: describeSignedContent(state.content, state.currentContentHash),
    signatures: state.signatures.map((signature) => {
      const { status, reason } = signatureStatus(signature, state);
      return { ...signature, status, statusReason: reason };
    }),
  };
}

/**
 * Signs an approval of the release for one role, binding the signature to exactly the release,
 * its evidence set and its policy as they are inside the transaction. Every refusal is audited and
 * changes nothing else.
 */
export async function approve(
  deps: ServiceDeps,
  actor: Actor,
  signer: SignerIdentity,
  idOrTag: string,
  input: unknown,
  eligibility: EligibilityCheck,
): Promise<SignatureRecord> {
  const parsed = ApproveInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('approval', toInputIssues(parsed.error));
  const { role, meaning, condition, onBehalfOf } = parsed.data;
  const release = await getRelease(deps, idOrTag);
  const { activation, policy } = await gatePolicyFor(deps, release.service);
  let delegation: SignatureRecord['delegation'] = null;
  if (onBehalfOf !== undefined) {
    const found = findDelegation(await deps.store.listDelegationsTo(signer.username), {
      delegator: onBehalfOf,
      delegate: signer.username,
      role,
      now: deps.clock.now(),
    });
    if (!found.delegation) return refuse(deps, actor, release, role, found.problem);
    delegation = { id: found.delegation.id, onBehalfOf };
  } else if (!signer.roles.includes(role)) {
    await refuse(deps, actor, release, role, `${signer.username} does not hold the role ${role}`);
  }
  const ineligible = await eligibility(role, delegation !== null);
  if (ineligible) await refuse(deps, actor, release, role, ineligible);
  const change = release.change ? await deps.store.getChange(release.change) : undefined;

  let refusal: string | undefined;
  const signed = await deps.store.transaction(async (tx) => {
    await tx.lockRelease(release.id);
    const now = deps.clock.now();
    const state = await readState(tx, release, activation.policySha256, now);
    const counting = state.signatures.filter((s) => {
      const { status } = signatureStatus(s, state);
      return s.kind === 'approval' && (status === 'valid' || status === 'condition-pending');
    });
    refusal = separationOfDutiesProblem({
      signer: signer.username,
      role,
      release,
      changeAuthor: change?.author ?? null,
      counting,
      policy: policy.document.separationOfDuties,
    });
    if (refusal) return undefined;
    const signature: SignatureRecord = {
      id: deps.ids.next('sig'),
      releaseId: release.id,
      kind: 'approval',
      role,
      meaning,
      signer: { username: signer.username, fullName: signer.fullName },
      delegation,
      authMethod: signer.method,
      signedAt: now.toISOString(),
      contentHash: state.currentContentHash,
      content: state.content,
      withdraws: null,
      condition: condition
        ? { ...condition, deadline: new Date(condition.deadline).toISOString() }
        : null,
    };
    await tx.insertSignature(signature);
    await queueEvent(tx, deps, {
      event: 'approval.given',
      key: signature.id,
      data: {
        release: { id: release.id, tag: release.tag, service: release.service },
        signature: signature.id,
        role,
        meaning,
        signer: { ...signature.signer },
        onBehalfOf: delegation?.onBehalfOf ?? null,
        signedAt: signature.signedAt,
      },
    });
    await tx.appendAudit({
      time: signature.signedAt,
      actor: actor.id,
      action: 'signature.signed',
      subject: `release:${release.id}`,
      details: {
        signature: signature.id,
        role,
        meaning,
        signer: signer.username,
        fullName: signer.fullName,
        authMethod: signer.method,
        onBehalfOf: delegation?.onBehalfOf ?? null,
        delegation: delegation?.id ?? null,
        contentHash: signature.contentHash,
        policySha256: state.content.policySha256,
        evidence: state.content.evidence.length,
        condition: signature.condition ? signature.condition.text : null,
      },
    });
    return signature;
  });
  if (!signed) return refuse(deps, actor, release, role, refusal ?? 'refused');
  return signed;
}

/** A withdrawal is a new signature by the same person, naming the approval it withdraws. */
export async function withdraw(
  deps: ServiceDeps,
  actor: Actor,
  signer: SignerIdentity,
  signatureId: string,
  input: unknown,
): Promise<SignatureRecord> {
  const parsed = WithdrawInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('withdrawal', toInputIssues(parsed.error));
  const original = await deps.store.getSignature(signatureId);
  if (original?.kind !== 'approval') {
    throw new DossierError('SIGNATURE_NOT_FOUND', `no approval ${signatureId}`);
  }
  const release = await getRelease(deps, original.releaseId);
  if (original.signer.username !== signer.username) {
    await refuse(
      deps,
      actor,
      release,
      original.role,
      `${signatureId} was signed by ${original.signer.username}; only they can withdraw it`,
    );
  }
  const earlier = (await deps.store.listSignatures(release.id)).find(
    (other) => other.kind === 'withdrawal' && other.withdraws === original.id,
  );
  if (earlier) {
    await refuse(
      deps,
      actor,
      release,
      original.role,
      `${signatureId} was already withdrawn at ${earlier.signedAt} (${earlier.id})`,
    );
  }
  const now = deps.clock.now().toISOString();
  const withdrawal: SignatureRecord = {
    ...original,
    id: deps.ids.next('sig'),
    kind: 'withdrawal',
    meaning: parsed.data.meaning,
    authMethod: signer.method,
    signedAt: now,
    withdraws: original.id,
    condition: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.insertSignature(withdrawal);
    await tx.appendAudit({
      time: now,
      actor: actor.id,
      action: 'signature.withdrawn',
      subject: `release:${release.id}`,
      details: {
        signature: withdrawal.id,
        withdraws: original.id,
        role: original.role,
        signer: signer.username,
        meaning: withdrawal.meaning,
      },
    });
  });
  return withdrawal;
}

/** Marks an approval's condition met, with the evidence that shows it (on the same release). */
export async function meetCondition(
  deps: ServiceDeps,
  actor: Actor,
  signatureId: string,
  evidenceId: string,
): Promise<void> {
  const signature = await deps.store.getSignature(signatureId);
  if (!signature?.condition) {
    throw new DossierError('SIGNATURE_NOT_FOUND', `no conditional approval ${signatureId}`);
  }
  const notYours = conditionMeetProblem(signature, actor.person);
  if (notYours) throw new DossierError('FORBIDDEN', `${notYours}; ${actor.id} may not`);
  const met = (await deps.store.listConditionFulfilments(signature.releaseId)).find(
    (fulfilment) => fulfilment.signatureId === signatureId,
  );
  if (met) {
    throw new DossierError(
      'SIGNATURE_REFUSED',
      `the condition of ${signatureId} was already met at ${met.metAt} (${met.evidenceId})`,
    );
  }
  const evidence = await deps.store.listEvidence(signature.releaseId);
  if (!evidence.some((item) => item.id === evidenceId)) {
    throw new DossierError(
      'INVALID_INPUT',
      `${evidenceId} is not evidence of the release ${signature.releaseId}`,
      { issues: [{ path: 'evidenceId', message: 'must be evidence of the signed release' }] },
    );
  }
  const condition = signature.condition;
  const now = deps.clock.now();
  if (now.getTime() >= Date.parse(condition.deadline)) {
    throw new DossierError(
      'SIGNATURE_REFUSED',
      `the condition's deadline ${condition.deadline} has passed; the approval lapsed`,
    );
  }
  await deps.store.transaction(async (tx) => {
    await tx.insertConditionFulfilment({
      signatureId,
      evidenceId,
      metAt: now.toISOString(),
      metBy: actor.id,
    });
    await tx.appendAudit({
      time: now.toISOString(),
      actor: actor.id,
      action: 'signature.condition_met',
      subject: `release:${signature.releaseId}`,
      details: {
        signature: signatureId,
        evidence: evidenceId,
        condition: condition.text,
      },
    });
  });
}

async function readState(
  reader: StoreReader,
  release: Release,
  policySha256: string,
  now: Date,
): Promise<SignatureState & { content: SignedContent }> {
  const [evidence, signatures, fulfilments] = await Promise.all([
    reader.listEvidence(release.id),
    reader.listSignatures(release.id),
    reader.listConditionFulfilments(release.id),
  ]);
  const content = signedContentOf(release, evidence, policySha256);
  return {
    content,
    currentContentHash: signedContentHash(content),
    signatures,
    fulfilments,
    now,
  };
}

async function refuse(
  deps: ServiceDeps,
  actor: Actor,
  release: Release,
  role: string,
  reason: string,
): Promise<never> {
  await deps.store.transaction((tx) =>
    tx.appendAudit({
      time: deps.clock.now().toISOString(),
      actor: actor.id,
      action: 'signature.refused',
      subject: `release:${release.id}`,
      details: { role, reason },
    }),
  );
  throw new DossierError('SIGNATURE_REFUSED', reason);
}

import type { SignatureRecord } from './signature.ts';

export interface SigningContext {
  signer: string;
  role: string;
  release: { createdBy: string };
  /** The change request's author, when the release names a recorded change. */
  changeAuthor: string | null;
  /** Approvals already recorded for the release that still count. */
  counting: ReadonlyArray<Pick<SignatureRecord, 'id' | 'role' | 'signer'>>;
  policy: { authorMayApprove: boolean; oneRolePerSigner: boolean };
}

/**
 * Separation of duties at the moment of signing: the release's creator and the change's author
 * may not approve it (unless the policy allows authors), and one person fills at most one
 * required role on a release. Returns why a signature is refused, or undefined.
 */
export function separationOfDutiesProblem(context: SigningContext): string | undefined {
  const { signer } = context;
  if (!context.policy.authorMayApprove) {
    if (signer === actorName(context.release.createdBy)) {
      return `${signer} created this release and may not approve it`;
    }
    if (context.changeAuthor !== null && signer === actorName(context.changeAuthor)) {
      return `${signer} authored the change request and may not approve its release`;
    }
  }
  const mine = context.counting.filter((s) => s.signer.username === signer);
  if (mine.some((s) => s.role === context.role)) {
    return `${signer} has already approved this release as ${context.role}`;
  }
  if (context.policy.oneRolePerSigner && mine.length > 0) {
    return `${signer} already approved this release as ${mine[0]?.role}; one person fills one role`;
  }
  return undefined;
}

/** `user:alice` and `alice` name the same person; tokens and systems never match a user. */
function actorName(actor: string): string {
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}

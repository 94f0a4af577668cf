import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit-log/canonical-json.ts';
import type { Evidence } from '../evidence-record.ts';
import type { Release } from '../release.ts';

/**
 * Exactly what a signature covers: the release record as built, the set of evidence digests,
 * and the policy the release is held to. Adding or removing evidence, or a new policy, changes
 * the hash, and every earlier signature then no longer covers the release.
 */
export interface SignedContent {
  release: { id: string; tag: string; commit: string; artifacts: string[] };
  /** `kind:sha256`, sorted and without repeats: the evidence set, not its order. */
  evidence: string[];
  policySha256: string;
}

export function signedContentOf(
  release: Pick<Release, 'id' | 'tag' | 'commit' | 'artifacts'>,
  evidence: ReadonlyArray<Pick<Evidence, 'kind' | 'sha256'>>,
  policySha256: string,
): SignedContent {
  return {
    release: {
      id: release.id,
      tag: release.tag,
      commit: release.commit,
      artifacts: [...release.artifacts].sort(),
    },
    evidence: [...new Set(evidence.map((item) => `${item.kind}:${item.sha256}`))].sort(),
    policySha256,
  };
}

/** SHA-256 (hex) of the content's canonical JSON (RFC 8785). */
export function signedContentHash(content: SignedContent): string {
  return createHash('sha256')
    .update(canonicalJson(content as unknown as Parameters<typeof canonicalJson>[0]), 'utf8')
    .digest('hex');
}

/** The content in lines a signer reads before signing (the dialog and `dossier approve`). */
export function describeSignedContent(content: SignedContent, hash: string): string[] {
  return [
    `release ${content.release.tag} (${content.release.id})`,
    `commit ${content.release.commit}`,
    ...content.release.artifacts.map((digest) => `artifact ${digest}`),
    `${content.evidence.length} evidence file${content.evidence.length === 1 ? '' : 's'}:`,
    ...content.evidence.map((item) => `  ${item.replace(':', ' sha256:')}`),
    `policy sha256:${content.policySha256}`,
    `signed content sha256:${hash}`,
  ];
}

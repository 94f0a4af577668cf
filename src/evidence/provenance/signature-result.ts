import { cut } from './json-value.ts';

export type SignatureStatus = 'verified' | 'unverified' | 'invalid';

/** Who signed, as far as it was proven. Present only on a verified signature. */
export interface Signer {
  /** The configured key that verified the signature (DSSE keys, npm-style public-key bundles). */
  keyId: string | null;
  /** The certificate's subject alternative name (a workflow URI, an e-mail address). */
  identity: string | null;
  /** The OIDC issuer from the Fulcio certificate extension. */
  issuer: string | null;
}

export interface SignatureResult {
  status: SignatureStatus;
  /** Why, in plain words: what was checked against what, or what is missing or wrong. */
  reason: string;
  signer: Signer | null;
  /** The earliest verified signing time (transparency log or RFC 3161 timestamp), ISO 8601. */
  signedAt: string | null;
  /** Transparency-log entries whose inclusion was verified. */
  transparencyLogEntries: number;
}

export function verified(
  reason: string,
  signer: Signer,
  details: { signedAt?: Date | undefined; transparencyLogEntries?: number } = {},
): SignatureResult {
  return {
    status: 'verified',
    reason: cut(reason),
    signer,
    signedAt: details.signedAt ? details.signedAt.toISOString() : null,
    transparencyLogEntries: details.transparencyLogEntries ?? 0,
  };
}

export function unverified(reason: string): SignatureResult {
  return {
    status: 'unverified',
    reason: cut(reason),
    signer: null,
    signedAt: null,
    transparencyLogEntries: 0,
  };
}

export function invalid(reason: string): SignatureResult {
  return {
    status: 'invalid',
    reason: cut(reason),
    signer: null,
    signedAt: null,
    transparencyLogEntries: 0,
  };
}

/**
 * One result for several signatures over the same content: any invalid signature makes the whole
 * invalid; otherwise one verified signature is enough; otherwise unverified.
 */
export function combine(results: SignatureResult[]): SignatureResult {
  if (results.length === 0) return unverified('it carries no signatures');
  if (results.length === 1) return results[0] as SignatureResult;
  const numbered = (result: SignatureResult, index: number) =>
    `signature ${index + 1}: ${result.reason}`;
  const bad = results.map((r, i) => [r, i] as const).filter(([r]) => r.status === 'invalid');
  if (bad.length > 0) return invalid(bad.map(([r, i]) => numbered(r, i)).join('; '));
  const good = results.find((r) => r.status === 'verified');
  if (good) {
    return { ...good, reason: cut(results.map(numbered).join('; ')) };
  }
  return unverified(results.map(numbered).join('; '));
}

import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import type { Envelope, EnvelopeSignature } from './dsse.ts';
import { PROVENANCE_LIMITS } from './limits.ts';
import { signatureFits, verifyWithPublicKey } from './public-key-verify.ts';
import { DsseSignatureContent } from './signature-content.ts';
import {
  combine,
  invalid,
  type SignatureResult,
  unverified,
  verified,
} from './signature-result.ts';
import { message, type PreparedTrust, takeCheck } from './trust.ts';
import { verifyEntity } from './verify-entity.ts';

export interface EnvelopeOptions {
  /**
   * Also accept a signature over the bare payload instead of the DSSE PAE. Only Cloud Build's
   * provenance (signed before it adopted PAE) needs this.
   */
  acceptBarePayload?: boolean;
}

/**
 * Checks every signature of an envelope. A signature is matched to configured keys by its key
 * id; with no key id, to the configured keys whose signatures have its shape; a signature that
 * carries a certificate is checked against the Sigstore trusted root.
 */
export function verifyEnvelope(
  envelope: Envelope,
  trust: PreparedTrust,
  now: Date,
  options: EnvelopeOptions = {},
): SignatureResult {
  const count = envelope.signatures.length;
  if (count > PROVENANCE_LIMITS.maxSignaturesPerEnvelope) {
    return invalid(
      `the envelope carries ${count} signatures, more than the ${PROVENANCE_LIMITS.maxSignaturesPerEnvelope} accepted; none was checked`,
    );
  }
  return combine(
    envelope.signatures.map((signature) => {
      const unchecked = takeCheck(trust);
      return unchecked
        ? unverified(unchecked)
        : verifySignature(envelope, signature, trust, now, options);
    }),
  );
}

function verifySignature(
  envelope: Envelope,
  signature: EnvelopeSignature,
  trust: PreparedTrust,
  now: Date,
  options: EnvelopeOptions,
): SignatureResult {
  const sig = signature.sig;
  if (sig === undefined) return invalid(signature.problem ?? 'the signature is missing');
  const content = new DsseSignatureContent(envelope.payloadType, envelope.payload, sig);
  const check = (key: (typeof trust.keys)[number]): 'pae' | 'bare' | false => {
    if (content.verifySignature(key.key)) return 'pae';
    if (options.acceptBarePayload && verifyWithPublicKey(key.key, envelope.payload, sig))
      return 'bare';
    return false;
  };
  const done = (keyId: string, how: 'pae' | 'bare', extra = '') =>
    verified(
      `verified with the configured key ${JSON.stringify(keyId)}${how === 'bare' ? ' (a signature over the bare payload, as Cloud Build signed before DSSE PAE)' : ''}${extra}`,
      { keyId, identity: null, issuer: null },
    );

  const named = signature.keyId;
  const byId = named === undefined ? [] : trust.keys.filter((key) => key.keyId === named);
  if (byId.length > 0) {
    for (const key of byId) {
      const how = check(key);
      if (how) return done(key.keyId, how);
    }
    return invalid(
      `the signature does not verify with the configured key ${JSON.stringify(named)}: the payload was changed or the signature replaced`,
    );
  }
  if (signature.certificatePem !== undefined) {
    return verifyWithCertificate(content, signature, trust, now);
  }
  const candidates = trust.keys.filter((key) => signatureFits(key.key, sig));
  for (const key of candidates) {
    const how = check(key);
    if (how) {
      return done(
        key.keyId,
        how,
        named === undefined ? '' : ` (the envelope names the key id ${JSON.stringify(named)})`,
      );
    }
  }
  if (named !== undefined) {
    return unverified(
      `signed with the key ${JSON.stringify(named)}, which is not among the configured keys`,
    );
  }
  if (candidates.length > 0) {
    return invalid(
      `the signature names no key id and verifies with none of the configured keys that could have made it (${candidates.map((key) => JSON.stringify(key.keyId)).join(', ')}): the payload was changed or it was signed by another key`,
    );
  }
  return unverified(
    trust.keys.length === 0
      ? 'the signature names no key id and no DSSE keys are configured'
      : 'the signature names no key id and none of the configured keys is of its kind',
  );
}

function verifyWithCertificate(
  content: DsseSignatureContent,
  signature: EnvelopeSignature,
  trust: PreparedTrust,
  now: Date,
): SignatureResult {
  if (signature.timestamps.length > PROVENANCE_LIMITS.maxTimestampsPerBundle) {
    return invalid(
      `the signature carries ${signature.timestamps.length} timestamps, more than the ${PROVENANCE_LIMITS.maxTimestampsPerBundle} accepted; none was checked`,
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = X509Certificate.parse(signature.certificatePem as string);
  } catch (error) {
    return invalid(`the signature's certificate cannot be read (${message(error)})`);
  }
  const timestamps = [];
  for (const [index, der] of signature.timestamps.entries()) {
    try {
      timestamps.push({
        $case: 'timestamp-authority' as const,
        timestamp: RFC3161Timestamp.parse(der as Buffer<ArrayBuffer>),
      });
    } catch (error) {
      return invalid(`the signature's timestamp ${index + 1} cannot be read (${message(error)})`);
    }
  }
  return verifyEntity(
    { signature: content, key: { $case: 'certificate', certificate }, tlogEntries: [], timestamps },
    trust,
    now,
  );
}

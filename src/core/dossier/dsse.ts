import { verify } from 'node:crypto';
import { ed25519PublicKey, type VerifierKey } from '../audit-log/signed-note.ts';

/** A DSSE envelope (github.com/secure-systems-lab/dsse, protocol v1). */
export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** DSSE v1 pre-authentication encoding: what is actually signed, binding the payload type. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

export type DsseCheck =
  | { ok: true; payload: Buffer; keyName: string }
  | { ok: false; problem: string };

/** Accepts the envelope if a signature by one of `keys` (matched by key id = key name) verifies. */
export function verifyDsse(envelope: unknown, keys: readonly VerifierKey[]): DsseCheck {
  const shape = envelope as Partial<DsseEnvelope> | null;
  if (
    !shape ||
    typeof shape.payloadType !== 'string' ||
    typeof shape.payload !== 'string' ||
    !Array.isArray(shape.signatures)
  ) {
    return { ok: false, problem: 'not a DSSE envelope (payloadType, payload, signatures)' };
  }
  const payload = Buffer.from(shape.payload, 'base64');
  const signed = preAuthEncoding(shape.payloadType, payload);
  let sawKnownKey = false;
  for (const signature of shape.signatures) {
    const key = keys.find((candidate) => candidate.name === signature?.keyid);
    if (!key || typeof signature.sig !== 'string') continue;
    sawKnownKey = true;
    if (
      verify(null, signed, ed25519PublicKey(key.publicKey), Buffer.from(signature.sig, 'base64'))
    ) {
      return { ok: true, payload, keyName: key.name };
    }
  }
  return {
    ok: false,
    problem: sawKnownKey
      ? 'the signature does not verify with the pinned key'
      : 'not signed by a pinned key',
  };
}

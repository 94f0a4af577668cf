import {
  createPublicKey,
  type KeyObject,
  X509Certificate as NodeX509Certificate,
} from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { type SignedEntity, VerificationError, Verifier } from '@sigstore/verify';
import type { SignatureContent } from './signature-content.ts';
import {
  invalid,
  type SignatureResult,
  type Signer,
  unverified,
  verified,
} from './signature-result.ts';
import { message, type PreparedTrust, type SigstoreTrust } from './trust.ts';

/** A signature to check the Sigstore way: signed content, key or certificate, timestamps, log entries. */
export type Entity = Omit<SignedEntity, 'signature'> & { signature: SignatureContent };

/** How far a signing time may lie after the time of the check (clock skew between systems). */
const ALLOWED_SKEW_MS = 5 * 60 * 1000;

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/**
 * Verifies a Sigstore-style signed entity offline, as a checklist:
 * 1. the signature matches the key the file names (else it was altered: invalid);
 * 2. the key is trusted: a configured public key, or a certificate from a CA in the trusted root
 *    (else unverified: Dossier lacks the trust to decide);
 * 3. signing times come from authorities in the trusted root and are not in the future;
 * 4. `@sigstore/verify` checks the certificate chain at those times, SCTs, timestamps,
 *    transparency-log inclusion and the log entry's match with the content (any failure: invalid).
 */
export function verifyEntity(entity: Entity, trust: PreparedTrust, now: Date): SignatureResult {
  try {
    if (entity.key.$case === 'public-key')
      return verifyKeyHint(entity, entity.key.hint, trust, now);
    return verifyCertificate(entity, entity.key.certificate, trust, now);
  } catch (error) {
    // A certificate or timestamp the libraries cannot take apart: nothing about it is proven.
    return invalid(
      `the signature's certificate or timestamps cannot be checked (${message(error)})`,
    );
  }
}

function verifyKeyHint(
  entity: Entity,
  hint: string,
  trust: PreparedTrust,
  now: Date,
): SignatureResult {
  const configured = trust.keys.find((candidate) => candidate.keyId === hint);
  if (!configured) {
    return unverified(
      `signed with the public key ${JSON.stringify(hint)}, which is not among the configured keys`,
    );
  }
  if (!entity.signature.verifySignature(configured.key)) {
    return invalid(
      `the signature does not verify with the configured key ${JSON.stringify(hint)}: the signed content was changed or the signature replaced`,
    );
  }
  const signer: Signer = { keyId: hint, identity: null, issuer: null };
  if (!trust.sigstore) {
    return verified(
      `signed with the configured key ${JSON.stringify(hint)}; its transparency-log entries were not checked (${trust.sigstoreProblem ?? 'no Sigstore trusted root is configured'})`,
      signer,
    );
  }
  return runVerifier(
    entity,
    trust.sigstore,
    now,
    signer,
    `signed with the configured key ${JSON.stringify(hint)}`,
  );
}

function verifyCertificate(
  entity: Entity,
  certificate: X509Certificate,
  trust: PreparedTrust,
  now: Date,
): SignatureResult {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: certificate.publicKey, format: 'der', type: 'spki' });
  } catch (error) {
    return invalid(`the signing certificate's public key cannot be read (${message(error)})`);
  }
  const claimed = certificateIdentity(certificate);
  const names = `${claimed.identity ?? 'no identity'} (issuer ${claimed.issuer ?? 'unknown'})`;
  if (!entity.signature.canVerify(key)) {
    return unverified(
      `the certificate for ${names} holds a ${key.asymmetricKeyType} key, whose signature over an artifact can only be checked against the artifact's bytes, which this file does not contain`,
    );
  }
  if (!entity.signature.verifySignature(key)) {
    return invalid(
      `the signature does not verify with the signing certificate's key (for ${names}): the signed content was changed or the signature replaced`,
    );
  }
  const root = trust.sigstore;
  if (!root) {
    return unverified(
      `${trust.sigstoreProblem ?? 'no Sigstore trusted root is configured'}, so the certificate for ${names} cannot be checked`,
    );
  }
  if (!issuerKnown(certificate, root)) {
    return unverified(
      `the certificate for ${names} was issued by ${issuerName(certificate)}, which is not a certificate authority in the configured trusted root`,
    );
  }
  const kept = keepKnownAuthorities(entity, root);
  if (kept.entity.timestamps.length === 0) {
    return unverified(
      `the certificate for ${names} is valid only at its signing time, and the file carries no timestamp from an authority in the trusted root${kept.note}`,
    );
  }
  const signer: Signer = { keyId: null, identity: claimed.identity, issuer: claimed.issuer };
  const result = runVerifier(
    kept.entity,
    root,
    now,
    signer,
    `the certificate for ${names} chains to a certificate authority in the trusted root`,
  );
  return kept.note && result.status === 'verified'
    ? { ...result, reason: `${result.reason}${kept.note}` }
    : result;
}

function runVerifier(
  entity: Entity,
  root: SigstoreTrust,
  now: Date,
  signer: Signer,
  what: string,
): SignatureResult {
  const times = signingTimes(entity);
  const future = times.find((time) => time.getTime() > now.getTime() + ALLOWED_SKEW_MS);
  if (future) {
    return invalid(
      `the signing time ${future.toISOString()} is later than the time of this check (${now.toISOString()})`,
    );
  }
  const isCertificate = entity.key.$case === 'certificate';
  const verifier = new Verifier(root.material, {
    // Transparency-log entries present are always verified; a signing time may come from a
    // log or a timestamp authority (private Sigstore instances log nothing publicly).
    tlogThreshold: 0,
    ctlogThreshold: isCertificate && root.material.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: isCertificate ? 1 : 0,
  });
  try {
    const proven = verifier.verify(entity as SignedEntity);
    const identity = proven.identity;
    const finalSigner: Signer = isCertificate
      ? {
          keyId: null,
          identity: identity?.subjectAlternativeName ?? signer.identity,
          issuer: identity?.extensions?.issuer ?? signer.issuer,
        }
      : signer;
    const signedAt =
      times.length > 0 ? new Date(Math.min(...times.map((time) => time.getTime()))) : undefined;
    const logs = entity.tlogEntries.length;
    const tsas = entity.timestamps.filter((t) => t.$case === 'timestamp-authority').length;
    return verified(
      `${what}${signedAt ? ` at ${signedAt.toISOString()}` : ''}; ${logs} transparency-log ${logs === 1 ? 'entry' : 'entries'} and ${tsas} RFC 3161 ${tsas === 1 ? 'timestamp' : 'timestamps'} verified`,
      finalSigner,
      { signedAt, transparencyLogEntries: logs },
    );
  } catch (error) {
    return invalid(describeFailure(error));
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof VerificationError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `Sigstore verification failed (${error.code}): ${error.message}${cause}`;
  }
  return `Sigstore verification failed: ${message(error)}`;
}

/** Signing times the entity claims: log integration times (with a promise) and TSA times. */
function signingTimes(entity: Entity): Date[] {
  const times: Date[] = [];
  for (const timestamp of entity.timestamps) {
    if (timestamp.$case === 'timestamp-authority') {
      times.push(timestamp.timestamp.signingTime);
    } else if (timestamp.tlogEntry.inclusionPromise) {
      times.push(new Date(Number(timestamp.tlogEntry.integratedTime) * 1000));
    }
  }
  return times;
}

/** Drops log entries and timestamps whose authority the trusted root does not list. */
function keepKnownAuthorities(
  entity: Entity,
  root: SigstoreTrust,
): { entity: Entity; note: string } {
  const knownLog = (logId: Buffer) => root.tlogIds.some((id) => id.equals(logId));
  const tlogEntries = entity.tlogEntries.filter((entry) => knownLog(entry.logId.keyId));
  const timestamps = entity.timestamps.filter((timestamp) => {
    if (timestamp.$case === 'transparency-log') return knownLog(timestamp.tlogEntry.logId.keyId);
    const { signerIssuer, signerSerialNumber } = timestamp.timestamp;
    return root.tsaSigners.some(
      (tsa) => tsa.issuer.equals(signerIssuer) && tsa.serialNumber.equals(signerSerialNumber),
    );
  });
  const droppedLogs = entity.tlogEntries.length - tlogEntries.length;
  const droppedTimestamps =
    entity.timestamps.filter((t) => t.$case === 'timestamp-authority').length -
    timestamps.filter((t) => t.$case === 'timestamp-authority').length;
  const notes: string[] = [];
  if (droppedLogs > 0)
    notes.push(`${droppedLogs} transparency-log entry(ies) from a log not in the trusted root`);
  if (droppedTimestamps > 0)
    notes.push(
      `${droppedTimestamps} RFC 3161 timestamp(s) from a timestamp authority not in the trusted root`,
    );
  return {
    entity: { ...entity, tlogEntries, timestamps },
    note: notes.length > 0 ? ` (ignored: ${notes.join('; ')})` : '',
  };
}

/**
 * Whether the trusted root holds the certificate's issuer: a CA certificate whose subject key id
 * is the leaf's authority key id (or, without key ids, whose subject is the leaf's issuer name).
 */
function issuerKnown(certificate: X509Certificate, root: SigstoreTrust): boolean {
  const authorityKeyId = certificate.extAuthorityKeyID?.keyIdentifier;
  return root.caCertificates.some((ca) => {
    const subjectKeyId = ca.extSubjectKeyID?.keyIdentifier;
    if (authorityKeyId && subjectKeyId) return subjectKeyId.equals(authorityKeyId);
    return ca.subject.equals(certificate.issuer);
  });
}

/** The identity a Fulcio certificate names: its SAN and the OIDC issuer extension. */
export function certificateIdentity(certificate: X509Certificate): {
  identity: string | null;
  issuer: string | null;
} {
  let issuer: string | undefined;
  try {
    const v2 = certificate.extension(OID_FULCIO_ISSUER_V2);
    issuer = v2
      ? (v2.valueObj.subs[0]?.value.toString('utf8') ?? v2.valueObj.value.toString('utf8'))
      : certificate.extension(OID_FULCIO_ISSUER_V1)?.value.toString('utf8');
  } catch {
    issuer = undefined;
  }
  let identity: string | undefined;
  try {
    identity = certificate.subjectAltName;
  } catch {
    identity = undefined;
  }
  return { identity: identity ?? null, issuer: issuer ?? null };
}

function issuerName(certificate: X509Certificate): string {
  try {
    const name = new NodeX509Certificate(certificate.root.toDER()).issuer.split('\n').join(', ');
    const keyId = certificate.extAuthorityKeyID?.keyIdentifier?.toString('hex');
    return `${name}${keyId ? ` (authority key id ${keyId})` : ''}`;
  } catch {
    return 'an unreadable issuer name';
  }
}

import { bundleFromJSON, ValidationError } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import type { DigestAlgorithm } from './digest-signature.ts';
import { type Envelope, envelopeStatement, readEnvelope } from './dsse.ts';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from './head-shape.ts';
import {
  arrayAt,
  cut,
  decodeBase64,
  describeJson,
  isObject,
  type JsonObject,
  malformed,
  objectAt,
  stringAt,
} from './json-value.ts';
import { PROVENANCE_LIMITS } from './limits.ts';
import {
  DigestSignatureContent,
  DsseSignatureContent,
  type SignatureContent,
} from './signature-content.ts';
import { invalid, type SignatureResult, unverified } from './signature-result.ts';
import { emptyStatement, type StatementContent } from './statement.ts';
import { message, type PreparedTrust, takeCheck } from './trust.ts';
import { verifyEntity } from './verify-entity.ts';

export type SignedContent = 'statement' | 'artifact-digest' | 'none';

export interface BundleReading {
  mediaType: string;
  content: SignedContent;
  statement: StatementContent;
  signature: SignatureResult;
}

const DIGEST_ALGORITHMS: Record<string, DigestAlgorithm> = {
  SHA2_256: 'sha256',
  SHA2_384: 'sha384',
  SHA2_512: 'sha512',
};
const DIGEST_LENGTH: Record<DigestAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * Reads a Sigstore bundle (v0.1–v0.3): what it signs (an in-toto statement in a DSSE envelope,
 * or an artifact's digest) and whether the signature verifies offline. A bundle that is not
 * recognizably a bundle is malformed; one that lacks signing material is an invalid signature.
 */
export function readBundle(
  value: JsonObject,
  where: string,
  trust: PreparedTrust,
  now: Date,
): BundleReading {
  const mediaType = value.mediaType;
  if (typeof mediaType !== 'string' || !SIGSTORE_BUNDLE_MEDIA_TYPE.test(mediaType)) {
    throw malformed(
      `${where}.mediaType: ${typeof mediaType === 'string' ? JSON.stringify(cut(mediaType, 200)) : describeJson(mediaType)} is not a Sigstore bundle media type (application/vnd.dev.sigstore.bundle+json;version=0.x or application/vnd.dev.sigstore.bundle.v0.x+json)`,
      [{ path: `${where}.mediaType`, message: 'not a Sigstore bundle media type' }],
    );
  }
  if (!isObject(value.verificationMaterial)) {
    throw malformed(
      `${where}.verificationMaterial: expected an object, found ${describeJson(value.verificationMaterial)}`,
    );
  }
  const signed = readSignedContent(value, where);
  const problems = [...signed.problems, ...materialProblems(value.verificationMaterial, where)];
  if (problems.length > 0 || !signed.content) {
    const reason = problems.length > 0 ? problems.join('; ') : 'nothing is signed';
    return {
      mediaType,
      content: signed.kind,
      statement: signed.statement,
      signature: invalid(`the bundle is incomplete: ${reason}`),
    };
  }
  return {
    mediaType,
    content: signed.kind,
    statement: signed.statement,
    signature: verifyBundle(value, signed.content, trust, now),
  };
}

interface SignedPart {
  kind: SignedContent;
  statement: StatementContent;
  content: SignatureContent | undefined;
  problems: string[];
}

function readSignedContent(value: JsonObject, where: string): SignedPart {
  if (isObject(value.dsseEnvelope)) {
    const envelopeWhere = `${where}.dsseEnvelope`;
    const envelope: Envelope = readEnvelope(value.dsseEnvelope, envelopeWhere);
    const statement = envelopeStatement(envelope, envelopeWhere);
    const problems: string[] = [];
    if (envelope.signatures.length !== 1) {
      problems.push(
        `${envelopeWhere}.signatures holds ${envelope.signatures.length} signatures; a bundle carries exactly one`,
      );
    }
    const first = envelope.signatures[0];
    if (first && first.sig === undefined)
      problems.push(first.problem ?? `${envelopeWhere}.signatures[0].sig is missing`);
    const content =
      first?.sig !== undefined
        ? new DsseSignatureContent(envelope.payloadType, envelope.payload, first.sig)
        : undefined;
    return {
      kind: /in-toto/i.test(envelope.payloadType) ? 'statement' : 'none',
      statement,
      content,
      problems,
    };
  }
  if (isObject(value.messageSignature)) {
    return readMessageSignature(value.messageSignature, `${where}.messageSignature`);
  }
  return {
    kind: 'none',
    statement: emptyStatement(
      `${where}: the bundle carries neither a dsseEnvelope nor a messageSignature`,
    ),
    content: undefined,
    problems: ['it carries no signed content (neither dsseEnvelope nor messageSignature)'],
  };
}

function readMessageSignature(signed: JsonObject, where: string): SignedPart {
  const problems: string[] = [];
  const digestObject = objectAt(signed, 'messageDigest');
  const algorithmName = stringAt(digestObject, 'algorithm') ?? 'SHA2_256';
  const algorithm = DIGEST_ALGORITHMS[algorithmName];
  const digestText = stringAt(digestObject, 'digest');
  const digest = digestText === undefined ? undefined : decodeBase64(digestText);
  if (!algorithm)
    problems.push(
      `${where}.messageDigest.algorithm ${JSON.stringify(cut(algorithmName, 100))} is not supported`,
    );
  if (!digest) problems.push(`${where}.messageDigest.digest is missing or not base64`);
  else if (algorithm && digest.length !== DIGEST_LENGTH[algorithm]) {
    problems.push(
      `${where}.messageDigest.digest is ${digest.length} bytes, not a ${algorithmName} digest`,
    );
  }
  const signatureText = stringAt(signed, 'signature');
  const signature = signatureText === undefined ? undefined : decodeBase64(signatureText);
  if (!signature) problems.push(`${where}.signature is missing or not base64`);
  const statement = artifactDigestStatement(digest, algorithm);
  const content =
    digest && algorithm && signature && problems.length === 0
      ? new DigestSignatureContent(digest, algorithm, signature)
      : undefined;
  return { kind: 'artifact-digest', statement, content, problems };
}

/** A message signature's "subject": the signed artifact, known by its digest only. */
function artifactDigestStatement(
  digest: Buffer | undefined,
  algorithm: DigestAlgorithm | undefined,
): StatementContent {
  const statement: StatementContent = { ...emptyStatement(''), warnings: [] };
  if (!digest || !algorithm || digest.length !== DIGEST_LENGTH[algorithm]) return statement;
  const hex = digest.toString('hex');
  return {
    ...statement,
    subjects: [{ name: null, digest: { [algorithm]: hex } }],
    subjectCount: 1,
    sha256: algorithm === 'sha256' ? [hex] : [],
  };
}

/** What a bundle needs to name its signer: a certificate, a certificate chain, or a key hint. */
function materialProblems(material: JsonObject, where: string): string[] {
  const chain = arrayAt(objectAt(material, 'x509CertificateChain'), 'certificates');
  const certificate = stringAt(objectAt(material, 'certificate'), 'rawBytes');
  const hint = stringAt(objectAt(material, 'publicKey'), 'hint');
  if (certificate || (chain && chain.length > 0) || hint) return [];
  if (isObject(material.publicKey)) {
    return [
      `${where}.verificationMaterial.publicKey names no key (no hint) and there is no certificate`,
    ];
  }
  return [`${where}.verificationMaterial carries no certificate and no public key`];
}

function verifyBundle(
  value: JsonObject,
  content: SignatureContent,
  trust: PreparedTrust,
  now: Date,
): SignatureResult {
  const material = value.verificationMaterial as JsonObject;
  const entries = arrayAt(material, 'tlogEntries')?.length ?? 0;
  const stamps =
    arrayAt(objectAt(material, 'timestampVerificationData'), 'rfc3161Timestamps')?.length ?? 0;
  if (entries + stamps > PROVENANCE_LIMITS.maxTimestampsPerBundle) {
    return invalid(
      `the bundle carries ${entries} log entries and ${stamps} timestamps, more than the ${PROVENANCE_LIMITS.maxTimestampsPerBundle} accepted; none was checked`,
    );
  }
  const unchecked = takeCheck(trust);
  if (unchecked) return unverified(unchecked);
  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(withoutBareInclusionProofs(value));
  } catch (error) {
    if (error instanceof ValidationError) {
      return invalid(`the bundle is incomplete: ${error.fields.join(', ')}`);
    }
    return invalid(`the bundle cannot be read (${message(error)})`);
  }
  let entity: ReturnType<typeof toSignedEntity>;
  try {
    entity = toSignedEntity(bundle);
  } catch (error) {
    return invalid(`the bundle's certificate or timestamps cannot be read (${message(error)})`);
  }
  return verifyEntity({ ...entity, signature: content }, trust, now);
}

/**
 * v0.1 bundles may carry an inclusion proof without a checkpoint; it cannot be checked (there is
 * no signed tree head), and the entry's inclusion promise is what vouches for it, so the proof is
 * left out before verification. Without a promise the entry stays as it is and fails.
 */
function withoutBareInclusionProofs(value: JsonObject): JsonObject {
  const material = value.verificationMaterial as JsonObject;
  const entries = arrayAt(material, 'tlogEntries');
  if (!entries) return value;
  const cleaned = entries.map((entry) => {
    if (!isObject(entry)) return entry;
    const proof = objectAt(entry, 'inclusionProof');
    if (proof && !isObject(proof.checkpoint) && isObject(entry.inclusionPromise)) {
      const { inclusionProof: _, ...rest } = entry;
      return rest;
    }
    return entry;
  });
  return { ...value, verificationMaterial: { ...material, tlogEntries: cleaned } };
}

import { type Envelope, envelopeStatement, readEnvelope } from './dsse.ts';
import { verifyEnvelope } from './dsse-verify.ts';
import {
  arrayAt,
  cut,
  describeJson,
  isObject,
  type JsonObject,
  malformed,
  objectAt,
  stringAt,
} from './json-value.ts';
import { type SignatureResult, unverified } from './signature-result.ts';
import { type BundleReading, readBundle, type SignedContent } from './sigstore-bundle.ts';
import { readBarePredicate, readStatement, type StatementContent } from './statement.ts';
import type { PreparedTrust } from './trust.ts';

export type Container =
  | 'sigstore-bundle'
  | 'dsse-envelope'
  | 'in-toto-statement'
  | 'npm-attestations'
  | 'gcb-provenance';

/** One signed (or unsigned) statement found in a file, before it joins the summary. */
export interface StatementRecord extends StatementContent {
  /** The line where its document starts. */
  line: number;
  container: Container;
  /** The Sigstore bundle media type, for bundles. */
  mediaType: string | null;
  /** What the signature covers: an in-toto statement, an artifact's digest, or nothing readable. */
  content: SignedContent;
  signature: SignatureResult;
}

export interface DocumentContext {
  trust: PreparedTrust;
  now: Date;
}

/** Every statement in one JSON document, whichever container holds it. */
export function readDocument(
  value: unknown,
  line: number,
  context: DocumentContext,
): StatementRecord[] {
  const where = `line ${line}: $`;
  if (!isObject(value)) {
    throw malformed(`${where} is ${describeJson(value)}; a provenance document is a JSON object`);
  }
  const base = { line, mediaType: null };
  if (Array.isArray(value.attestations)) return readNpmAttestations(value, where, line, context);
  if (isObject(value.provenance_summary))
    return readCloudBuildSummary(value.provenance_summary, where, line, context);
  if ('mediaType' in value || 'verificationMaterial' in value) {
    return [
      bundleRecord(readBundle(value, where, context.trust, context.now), line, 'sigstore-bundle'),
    ];
  }
  if ('payload' in value && ('signatures' in value || 'payloadType' in value)) {
    const envelope = readEnvelope(value, where);
    return [envelopeRecord(envelope, where, line, 'dsse-envelope', context)];
  }
  if ('_type' in value || ('predicateType' in value && 'subject' in value)) {
    return [
      {
        ...base,
        ...readStatement(value, where),
        container: 'in-toto-statement',
        content: 'statement',
        signature: unverified('a bare in-toto Statement carries no signature'),
      },
    ];
  }
  const bare = readBarePredicate(value, where);
  if (bare) {
    return [
      {
        ...base,
        ...bare,
        container: 'in-toto-statement',
        content: 'statement',
        signature: unverified('a bare predicate carries no signature'),
      },
    ];
  }
  const keys = Object.keys(value)
    .slice(0, 8)
    .map((key) => JSON.stringify(cut(key, 60)));
  throw malformed(
    `${where} is not a provenance document: expected a Sigstore bundle, a DSSE envelope, an in-toto Statement, npm registry attestations or a Cloud Build provenance summary; found the keys ${keys.join(', ') || '(none)'}`,
  );
}

function bundleRecord(reading: BundleReading, line: number, container: Container): StatementRecord {
  return {
    line,
    ...reading.statement,
    container,
    mediaType: reading.mediaType,
    content: reading.content,
    signature: reading.signature,
  };
}

function envelopeRecord(
  envelope: Envelope,
  where: string,
  line: number,
  container: Container,
  context: DocumentContext,
  acceptBarePayload = false,
): StatementRecord {
  const statement = envelopeStatement(envelope, where);
  return {
    line,
    mediaType: null,
    ...statement,
    container,
    content: /in-toto/i.test(envelope.payloadType) ? 'statement' : 'none',
    signature: verifyEnvelope(envelope, context.trust, context.now, { acceptBarePayload }),
  };
}

/** The npm registry's attestations endpoint: `{ attestations: [{ predicateType, bundle }] }`. */
function readNpmAttestations(
  value: JsonObject,
  where: string,
  line: number,
  context: DocumentContext,
): StatementRecord[] {
  const records: StatementRecord[] = [];
  const list = arrayAt(value, 'attestations') ?? [];
  list.forEach((item, index) => {
    const itemWhere = `${where}.attestations[${index}]`;
    const bundle = objectAt(item, 'bundle');
    if (!bundle) {
      throw malformed(
        `${itemWhere}.bundle: expected a Sigstore bundle object, found ${describeJson(isObject(item) ? item.bundle : item)}`,
      );
    }
    const reading = readBundle(bundle, `${itemWhere}.bundle`, context.trust, context.now);
    const declared = stringAt(item, 'predicateType');
    const warnings = [...reading.statement.warnings];
    if (
      declared &&
      reading.statement.predicateType &&
      declared !== reading.statement.predicateType
    ) {
      warnings.push(
        `${itemWhere}.predicateType ${JSON.stringify(cut(declared, 200))} differs from the signed statement's ${JSON.stringify(cut(reading.statement.predicateType, 200))}; the signed one is reported`,
      );
    }
    records.push({ ...bundleRecord(reading, line, 'npm-attestations'), warnings });
  });
  if (list.length === 0) {
    throw malformed(`${where}.attestations is empty: the response lists no attestation`);
  }
  return records;
}

/**
 * `gcloud artifacts docker images describe --show-provenance`: each provenance occurrence holds the
 * signed DSSE envelope and, beside it, an unsigned decoded copy (`build.intotoStatement`). The
 * envelope is what is summarized; a copy that disagrees with it is reported.
 */
function readCloudBuildSummary(
  summary: JsonObject,
  where: string,
  line: number,
  context: DocumentContext,
): StatementRecord[] {
  const occurrences = arrayAt(summary, 'provenance');
  if (!occurrences || occurrences.length === 0) {
    throw malformed(
      `${where}.provenance_summary.provenance: expected a non-empty array of provenance occurrences`,
    );
  }
  return occurrences.map((occurrence, index) => {
    const itemWhere = `${where}.provenance_summary.provenance[${index}]`;
    const envelopeValue = objectAt(occurrence, 'envelope');
    const copy = objectAt(objectAt(occurrence, 'build'), 'intotoStatement');
    if (!envelopeValue) {
      if (!copy) throw malformed(`${itemWhere}: neither an envelope nor build.intotoStatement`);
      return {
        line,
        mediaType: null,
        ...readStatement(copy, `${itemWhere}.build.intotoStatement`),
        container: 'gcb-provenance' as const,
        content: 'statement' as const,
        signature: unverified(
          'the occurrence has no signed envelope, only the unsigned build.intotoStatement',
        ),
      };
    }
    const envelope = readEnvelope(envelopeValue, `${itemWhere}.envelope`);
    const record = envelopeRecord(
      envelope,
      `${itemWhere}.envelope`,
      line,
      'gcb-provenance',
      context,
      true,
    );
    if (copy) {
      const unsignedCopy = readStatement(copy, `${itemWhere}.build.intotoStatement`);
      if (
        unsignedCopy.predicateType !== record.predicateType ||
        unsignedCopy.sha256.join() !== record.sha256.join()
      ) {
        record.warnings.push(
          `${itemWhere}.build.intotoStatement differs from the signed envelope (predicate type or subject digests); the signed envelope is reported`,
        );
      }
    }
    return record;
  });
}

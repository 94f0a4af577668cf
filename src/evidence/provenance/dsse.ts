import {
  arrayAt,
  cut,
  decodeBase64,
  describeJson,
  isObject,
  type JsonObject,
  malformed,
  stringAt,
} from './json-value.ts';
import { emptyStatement, readStatement, type StatementContent } from './statement.ts';
import { message } from './trust.ts';

export interface EnvelopeSignature {
  keyId: string | undefined;
  /** The signature bytes; undefined when `sig` is not base64 (`problem` says so). */
  sig: Buffer | undefined;
  problem: string | undefined;
  /** A signing certificate carried beside the signature (PEM): cosign's `cert`, witness's `certificate`. */
  certificatePem: string | undefined;
  /** RFC 3161 timestamps carried beside the signature (witness `timestamps`, DER). */
  timestamps: Buffer[];
}

export interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: EnvelopeSignature[];
}

/** Reads a DSSE envelope; a structure that cannot be a DSSE envelope is malformed evidence. */
export function readEnvelope(value: JsonObject, where: string): Envelope {
  const issues: { path: string; message: string }[] = [];
  const payloadType = stringAt(value, 'payloadType');
  if (payloadType === undefined)
    issues.push({ path: `${where}.payloadType`, message: 'missing (DSSE requires it)' });
  const payloadText = value.payload;
  let payload: Buffer | undefined;
  if (typeof payloadText !== 'string') {
    issues.push({
      path: `${where}.payload`,
      message: `expected a base64 string, found ${describeJson(payloadText)}`,
    });
  } else {
    payload = decodeBase64(payloadText);
    if (payload === undefined) issues.push({ path: `${where}.payload`, message: 'is not base64' });
  }
  const list = value.signatures;
  if (!Array.isArray(list)) {
    issues.push({
      path: `${where}.signatures`,
      message: `expected an array, found ${describeJson(list)}`,
    });
  }
  if (
    issues.length > 0 ||
    payloadType === undefined ||
    payload === undefined ||
    !Array.isArray(list)
  ) {
    throw malformed(
      `not a readable DSSE envelope: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  const signatures = list.map((item, index) =>
    readSignature(item, `${where}.signatures[${index}]`),
  );
  return { payloadType, payload, signatures };
}

function readSignature(item: unknown, where: string): EnvelopeSignature {
  if (!isObject(item)) {
    return {
      keyId: undefined,
      sig: undefined,
      problem: `${where} is ${describeJson(item)}, not a signature object`,
      certificatePem: undefined,
      timestamps: [],
    };
  }
  const keyId = stringAt(item, 'keyid');
  const sigText = item.sig;
  const sig = typeof sigText === 'string' && sigText !== '' ? decodeBase64(sigText) : undefined;
  const problem = sig === undefined ? `${where}.sig is missing or not base64` : undefined;
  const certificatePem = stringAt(item, 'cert') ?? decodePem(stringAt(item, 'certificate'));
  const timestamps: Buffer[] = [];
  for (const timestamp of arrayAt(item, 'timestamps') ?? []) {
    const data = stringAt(timestamp, 'data');
    const der = data === undefined ? undefined : decodeBase64(data);
    if (der && stringAt(timestamp, 'type') === 'tsp') timestamps.push(asTimeStampResponse(der));
  }
  return { keyId, sig, problem, certificatePem, timestamps };
}

const SIGNED_DATA_CONTENT_INFO = Buffer.from('06092a864886f70d010702', 'hex');

/**
 * witness stores a bare TimeStampToken (a CMS ContentInfo); Sigstore bundles and the verifier
 * expect the TimeStampResp around it (RFC 3161 §2.4.2). Wraps a token as a granted response.
 */
function asTimeStampResponse(der: Buffer): Buffer {
  const headerLength = der[1] !== undefined && der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2;
  const isToken =
    der[0] === 0x30 &&
    der
      .subarray(headerLength, headerLength + SIGNED_DATA_CONTENT_INFO.length)
      .equals(SIGNED_DATA_CONTENT_INFO);
  if (!isToken) return der;
  const granted = Buffer.from('3003020100', 'hex'); // PKIStatusInfo { status granted(0) }
  const body = Buffer.concat([granted, der]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** witness stores the certificate as base64 of its PEM text. */
function decodePem(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith('-----BEGIN')) return text;
  const decoded = decodeBase64(text)?.toString('utf8');
  return decoded?.startsWith('-----BEGIN') ? decoded : undefined;
}

/** The statement an envelope carries, when its payload is an in-toto Statement. */
export function envelopeStatement(envelope: Envelope, where: string): StatementContent {
  if (!/in-toto/i.test(envelope.payloadType)) {
    return emptyStatement(
      `${where}.payloadType: ${JSON.stringify(cut(envelope.payloadType, 200))} is not an in-toto payload; only the signature is reported`,
    );
  }
  let statement: unknown;
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch (error) {
    throw malformed(
      `${where}.payload: the in-toto payload is not valid JSON (${message(error).slice(0, 300)})`,
    );
  }
  if (!isObject(statement)) {
    throw malformed(
      `${where}.payload: the in-toto payload is ${describeJson(statement)}, not a Statement object`,
    );
  }
  return readStatement(statement, `${where}.payload`);
}

import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures: a UTF-8 text ending in
 * a newline, a blank line, then one line per signature: "— <key name> <base64(key hash ‖ sig)>".
 */

const ED25519_ALGORITHM = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
// RFC 8410 SubjectPublicKeyInfo header for a raw 32-byte Ed25519 public key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSignature {
  keyName: string;
  /** First 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
  keyHash: Uint8Array;
  signature: Uint8Array;
}

export interface VerifierKey {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/.test(name) && !/\p{Cc}/u.test(name);
}

export function keyHashOf(name: string, publicKey: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(`${name}\n`, 'utf8')
    .update(Uint8Array.of(ED25519_ALGORITHM))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The published form of a verifier key: `<name>+<hex key hash>+<base64(0x01 ‖ key)>`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const encoded = Buffer.concat([Uint8Array.of(ED25519_ALGORITHM), publicKey]).toString('base64');
  return `${name}+${Buffer.from(keyHashOf(name, publicKey)).toString('hex')}+${encoded}`;
}

export function parseVerifierKey(text: string): VerifierKey {
  // The key is base64, which may itself contain '+': split only at the first two.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/.exec(text.trim());
  if (!match) throw new SyntaxError('a verifier key has three parts: name+keyhash+key');
  const [, name = '', hashHex = '', keyBase64 = ''] = match;
  if (!isValidKeyName(name)) throw new SyntaxError(`"${name}" is not a valid key name`);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new SyntaxError('the key hash must be 8 hex digits');
  const raw = Buffer.from(keyBase64, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_ALGORITHM) {
    throw new SyntaxError('only Ed25519 verifier keys (type 0x01, 32 bytes) are supported');
  }
  const publicKey = raw.subarray(1);
  const keyHash = Buffer.from(hashHex, 'hex');
  if (!Buffer.from(keyHashOf(name, publicKey)).equals(keyHash)) {
    throw new SyntaxError('the key hash does not match the key name and key');
  }
  return { name, keyHash, publicKey };
}

export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  assertNoteText(text);
  const lines = signatures.map(
    (s) =>
      `${SIGNATURE_PREFIX}${s.keyName} ${Buffer.concat([s.keyHash, s.signature]).toString('base64')}\n`,
  );
  return `${text}\n${lines.join('')}`;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export function parseSignedNote(note: string): ParsedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new SyntaxError('a signed note needs a blank line before its signatures');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw new SyntaxError('the signature block must end with a newline');
  const signatures = block
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      if (!line.startsWith(SIGNATURE_PREFIX))
        throw new SyntaxError(`not a signature line: "${line.slice(0, 40)}"`);
      const [keyName, encoded, extra] = line.slice(SIGNATURE_PREFIX.length).split(' ');
      if (!keyName || !encoded || extra !== undefined || !isValidKeyName(keyName)) {
        throw new SyntaxError(`malformed signature line: "${line.slice(0, 40)}"`);
      }
      const raw = Buffer.from(encoded, 'base64');
      if (raw.length < 5) throw new SyntaxError(`signature by ${keyName} is too short`);
      return { keyName, keyHash: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  if (signatures.length === 0) throw new SyntaxError('a signed note needs at least one signature');
  return { text, signatures };
}

export type NoteCheck =
  | { ok: true; text: string; keyName: string }
  | {
      ok: false;
      reason: 'malformed' | 'no-signature-by-known-key' | 'bad-signature';
      detail: string;
    };

/** Accepts the note only if a signature by one of `keys` verifies over its text. */
export function verifySignedNote(note: string, keys: readonly VerifierKey[]): NoteCheck {
  let parsed: ParsedNote;
  try {
    parsed = parseSignedNote(note);
  } catch (error) {
    return { ok: false, reason: 'malformed', detail: (error as Error).message };
  }
  const data = Buffer.from(parsed.text, 'utf8');
  let matchedKey = false;
  for (const signature of parsed.signatures) {
    const key = keys.find(
      (k) =>
        k.name === signature.keyName &&
        Buffer.from(k.keyHash).equals(Buffer.from(signature.keyHash)),
    );
    if (!key) continue;
    matchedKey = true;
    if (
      signature.signature.length === 64 &&
      verify(null, data, ed25519PublicKey(key.publicKey), signature.signature)
    ) {
      return { ok: true, text: parsed.text, keyName: key.name };
    }
  }
  return matchedKey
    ? {
        ok: false,
        reason: 'bad-signature',
        detail: 'the signature does not verify with the pinned key',
      }
    : {
        ok: false,
        reason: 'no-signature-by-known-key',
        detail: `signed by ${parsed.signatures.map((s) => s.keyName).join(', ')}, none of them a pinned key`,
      };
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new SyntaxError('note text must end with a newline');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) {
    throw new SyntaxError('note text must not contain control characters');
  }
}

import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import {
  formatSignedNote,
  formatVerifierKey,
  keyHashOf,
  parseSignedNote,
  parseVerifierKey,
  verifySignedNote,
} from './signed-note.ts';

// The example from the signed-note specification (c2sp.org/signed-note, originally the
// golang.org/x/mod/sumdb/note documentation).
const SPEC_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SPEC_NOTE =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n" +
  '\n' +
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

function newKey(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    verifier: parseVerifierKey(formatVerifierKey(name, raw)),
    sign: (text: string) =>
      formatSignedNote(text, [
        {
          keyName: name,
          keyHash: keyHashOf(name, raw),
          signature: sign(null, Buffer.from(text), privateKey),
        },
      ]),
  };
}

describe('signed notes (C2SP)', () => {
  it('verify the specification’s example with its published key', () => {
    const result = verifySignedNote(SPEC_NOTE, [parseVerifierKey(SPEC_KEY)]);
    assert.deepEqual(result, {
      ok: true,
      keyName: 'PeterNeumann',
      text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
    });
  });

  it('round-trip a verifier key and refuse one whose hash does not match', () => {
    assert.equal(formatVerifierKey('PeterNeumann', parseVerifierKey(SPEC_KEY).publicKey), SPEC_KEY);
    assert.throws(
      () => parseVerifierKey(SPEC_KEY.replace('c74f20a3', 'c74f20a4')),
      /key hash does not match/,
    );
    assert.throws(() => parseVerifierKey('name+c74f20a3'), /three parts/);
  });

  it('parse verifier keys whose base64 part contains "+"', () => {
    let found = 0;
    for (let i = 0; i < 200 && found < 3; i++) {
      const raw = generateKeyPairSync('ed25519')
        .publicKey.export({ format: 'der', type: 'spki' })
        .subarray(-32);
      const text = formatVerifierKey('dossier-k1', raw);
      if (!text.split('+').slice(2).join('+').includes('+')) continue;
      found++;
      assert.deepEqual(Buffer.from(parseVerifierKey(text).publicKey), Buffer.from(raw));
    }
    assert.equal(found, 3);
  });

  it('reject a note whose text was changed by one character', () => {
    const tampered = SPEC_NOTE.replace('problem,', 'problem;');
    assert.deepEqual(verifySignedNote(tampered, [parseVerifierKey(SPEC_KEY)]).ok, false);
  });

  it('reject a note signed by a key that is not pinned, naming the signer', () => {
    const other = newKey('dossier-test');
    const result = verifySignedNote(SPEC_NOTE, [other.verifier]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.detail, /signed by PeterNeumann/);
  });

  it('reject a valid signature moved onto another note', () => {
    const key = newKey('dossier-test');
    const note = key.sign(`origin\n1\n${'A'.repeat(43)}=\n`);
    const signatureBlock = note.slice(note.indexOf('\n\n'));
    const moved = `origin\n2\n${'A'.repeat(43)}=\n${signatureBlock.slice(1)}`;
    assert.equal(verifySignedNote(note, [key.verifier]).ok, true);
    assert.deepEqual(verifySignedNote(moved, [key.verifier]), {
      ok: false,
      reason: 'bad-signature',
      detail: 'the signature does not verify with the pinned key',
    });
  });

  it('report malformed notes instead of throwing', () => {
    for (const note of ['no blank line\n', 'text\n\nnot a signature\n', 'text\n\n\u2014 name\n']) {
      const result = verifySignedNote(note, [parseVerifierKey(SPEC_KEY)]);
      assert.equal(result.ok ? 'ok' : result.reason, 'malformed', note);
    }
    assert.throws(() => parseSignedNote('text\n\n'), /signature/);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const checkpoint: Checkpoint = {
    origin: 'dossier.example/log',
    size: 42,
    rootHash: Buffer.alloc(32, 7),
    time: '2026-11-23T10:00:00.000Z',
  };

  it('format as origin, size, base64 root and a time extension line, and parse back', () => {
    const text = formatCheckpoint(checkpoint);
    assert.equal(
      text,
      `dossier.example/log\n42\n${Buffer.alloc(32, 7).toString('base64')}\ntime 2026-11-23T10:00:00.000Z\n`,
    );
    assert.deepEqual(parseCheckpoint(text), checkpoint);
  });

  it('refuse a size that is not a plain decimal and a root that is not 32 bytes', () => {
    assert.throws(() => parseCheckpoint('o\n042\nAAAA\n'), /tree size/);
    assert.throws(() => parseCheckpoint('o\n42\nAAAA\n'), /root hash/);
    assert.throws(() => parseCheckpoint('o\n42'), /newline/);
  });
});

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) bodies: origin, tree size, base64 root
 * hash, then extension lines. Dossier adds one extension line, `time <ISO 8601 UTC>`, the moment
 * the checkpoint was signed; verifiers that do not know it ignore it, as the spec requires.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** ISO 8601 UTC; absent in checkpoints from other logs. */
  time?: string;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (!checkpoint.origin || checkpoint.origin.includes('\n')) {
    throw new SyntaxError('checkpoint origin must be one non-empty line');
  }
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new RangeError('bad tree size');
  if (checkpoint.rootHash.length !== 32) throw new RangeError('root hash must be 32 bytes');
  const lines = [
    checkpoint.origin,
    String(checkpoint.size),
    Buffer.from(checkpoint.rootHash).toString('base64'),
  ];
  if (checkpoint.time) lines.push(`time ${checkpoint.time}`);
  return `${lines.join('\n')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new SyntaxError('checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin) throw new SyntaxError('checkpoint has no origin line');
  if (!sizeText || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText))
    throw new SyntaxError('checkpoint tree size is not a decimal number');
  const rootHash = Buffer.from(rootText ?? '', 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText) {
    throw new SyntaxError('checkpoint root hash is not 32 bytes of base64');
  }
  const checkpoint: Checkpoint = { origin, size: Number(sizeText), rootHash };
  const time = extensions.find((line) => line.startsWith('time '));
  if (time) checkpoint.time = time.slice('time '.length);
  return checkpoint;
}

/** A checkpoint as published: its fields and the complete signed note, byte for byte. */
export interface SignedCheckpoint {
  size: number;
  rootHash: Uint8Array;
  time: string;
  keyName: string;
  note: string;
}

/** A key that has signed (or may sign) this log's checkpoints, as recorded with the log. */
export interface LogKeyRecord {
  name: string;
  /** The log's origin line; the same for every key of one log. */
  origin: string;
  /** C2SP verifier key: name+keyhash+base64 key. */
  verifierKey: string;
  createdAt: string;
}

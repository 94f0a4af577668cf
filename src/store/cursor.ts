/** Page cursors are opaque to clients; inside they carry the last row's insertion sequence. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

/** Returns the sequence a cursor carries, or throws a RangeError naming the problem. */
export function decodeSeqCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  if (!match?.[1]) throw new RangeError('cursor is not one this server issued');
  return Number(match[1]);
}

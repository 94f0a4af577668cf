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

/** A keyset cursor for a sorted list: the sort it belongs to, the last row's sort value and seq. */
export interface KeyCursor {
  sort: string;
  order: string;
  value: string | number;
  seq: number;
}

export function encodeKeyCursor(cursor: KeyCursor): string {
  return Buffer.from(
    `k${JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.seq])}`,
    'utf8',
  ).toString('base64url');
}

/**
 * Reads a cursor for the list sorted by `sort`/`order`. A plain sequence cursor (from a list
 * sorted by creation, newest first) is accepted too. Throws a RangeError naming the problem.
 */
export function decodeKeyCursor(cursor: string, sort: string, order: string): KeyCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text.startsWith('s')) {
    if (sort !== 'created' || order !== 'desc') {
      throw new RangeError('cursor belongs to another sort order');
    }
    const seq = decodeSeqCursor(cursor);
    return { sort, order, value: seq, seq };
  }
  let parsed: unknown;
  try {
    parsed = text.startsWith('k') ? JSON.parse(text.slice(1)) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[3] !== 'number' ||
    !Number.isSafeInteger(parsed[3]) ||
    (typeof parsed[2] !== 'string' && typeof parsed[2] !== 'number')
  ) {
    throw new RangeError('cursor is not one this server issued');
  }
  if (parsed[0] !== sort || parsed[1] !== order) {
    throw new RangeError('cursor belongs to another sort order');
  }
  return { sort, order, value: parsed[2], seq: parsed[3] };
}

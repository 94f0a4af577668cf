import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

export type IdPrefix =
  | 'rel'
  | 'evd'
  | 'tok'
  | 'dep'
  | 'usr'
  | 'ses'
  | 'trn'
  | 'sig'
  | 'exc'
  | 'job';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULIDs (48-bit millisecond time + 80 random bits, Crockford base32) behind a type prefix:
 * `rel_01JD…`. Ids made in the same millisecond increase, so they sort in creation order.
 */
export function ulidGenerator(clock: Clock): IdGenerator {
  let lastTime = -1;
  let lastRandom: Uint8Array = new Uint8Array(10);
  return {
    next(prefix) {
      const time = clock.now().getTime();
      if (time === lastTime) {
        lastRandom = increment(lastRandom);
      } else {
        lastTime = time;
        lastRandom = new Uint8Array(randomBytes(10));
      }
      return `${prefix}_${encodeTime(time)}${encodeRandom(lastRandom)}`;
    },
  };
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = new Uint8Array(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] === 0xff) {
      next[i] = 0;
      continue;
    }
    next[i] = (next[i] ?? 0) + 1;
    break;
  }
  return next;
}

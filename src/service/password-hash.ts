import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost parameters. The hash string records them, so they can be raised later: a hash made
 * with weaker ones verifies as before and is replaced at the next successful sign-in.
 */
export interface PasswordHashParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size. Memory used is 128 · N · r bytes. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * N = 2^17, r = 8, p = 1: 128 MiB and a few hundred milliseconds per hash on a server core, the
 * OWASP Password Storage Cheat Sheet's scrypt recommendation.
 */
export const DEFAULT_PASSWORD_PARAMS: PasswordHashParams = { logN: 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export async function hashPassword(
  password: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params, KEY_LENGTH);
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Whether `password` matches the stored hash. The derived keys are compared in constant time, so
 * the time taken says nothing about how much of a guess was right.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with weaker parameters than `params`. */
export function needsRehash(encoded: string, params: PasswordHashParams): boolean {
  const parsed = parseHash(encoded);
  if (!parsed) return true;
  const old = parsed.params;
  return old.logN < params.logN || old.r < params.r || old.p < params.p;
}

function parseHash(
  encoded: string,
): { params: PasswordHashParams; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(encoded);
  if (!match) return undefined;
  const [, logN, r, p, salt, key] = match;
  return {
    params: { logN: Number(logN), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt as string, 'base64url'),
    key: Buffer.from(key as string, 'base64url'),
  };
}

function derive(
  password: string,
  salt: Buffer,
  params: PasswordHashParams,
  length: number,
): Promise<Buffer> {
  const N = 2 ** params.logN;
  // Node refuses scrypt above `maxmem` (32 MiB by default): allow what these parameters need.
  const maxmem = 128 * N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { N, r: params.r, p: params.p, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

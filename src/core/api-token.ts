import { createHash } from 'node:crypto';
import type { Role } from './access/roles.ts';

export { ROLES, type Role } from './access/roles.ts';

/** What the store keeps of a token: never the token itself, only its hash. */
export interface ApiToken {
  id: string;
  name: string;
  /** SHA-256 of the token value, hex. Tokens are 256-bit random, so a fast hash suffices. */
  tokenHash: string;
  roles: Role[];
  /** Services whose releases the token may write; null: any service. */
  services: string[] | null;
  createdAt: string;
  createdBy: string;
  /** ISO 8601; null: the token does not expire. */
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export const TOKEN_PREFIX = 'dsr_';
export const MIN_TOKEN_LENGTH = 16;
/** Longest lifetime a token may be given, in days. */
export const MAX_TOKEN_DAYS = 3660;

export function hashTokenValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** An operator-chosen token (DOSSIER_BOOTSTRAP_TOKEN) must still be hard to guess. */
export function chosenTokenProblem(value: string): string | undefined {
  if (value.length < MIN_TOKEN_LENGTH) {
    return `must be at least ${MIN_TOKEN_LENGTH} characters long`;
  }
  if (!/^[\x21-\x7e]+$/.test(value)) return 'must be printable ASCII without spaces';
  return undefined;
}

/** The name an actor is recorded under in the audit log and on evidence. */
export function tokenActor(token: Pick<ApiToken, 'name'>): string {
  return `token:${token.name}`;
}

/** Why a stored token no longer authenticates, or undefined while it does. */
export function tokenRefusal(
  token: Pick<ApiToken, 'name' | 'expiresAt' | 'revokedAt'>,
  now: Date,
): string | undefined {
  if (token.revokedAt !== null) {
    return `the API token "${token.name}" was revoked on ${token.revokedAt}`;
  }
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime()) {
    return `the API token "${token.name}" expired on ${token.expiresAt}`;
  }
  return undefined;
}

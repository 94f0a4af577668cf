import { createHash } from 'node:crypto';

export const ROLES = ['admin'] as const;
export type Role = (typeof ROLES)[number];

/** What the store keeps of a token: never the token itself, only its hash. */
export interface ApiToken {
  id: string;
  name: string;
  /** SHA-256 of the token value, hex. Tokens are 256-bit random, so a fast hash suffices. */
  tokenHash: string;
  roles: Role[];
  createdAt: string;
  createdBy: string;
}

export const TOKEN_PREFIX = 'dsr_';
export const MIN_TOKEN_LENGTH = 16;

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

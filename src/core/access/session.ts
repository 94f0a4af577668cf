/** A signed-in session: the web UI's cookie or the CLI's `dossier login`. */
export interface Session {
  id: string;
  /** SHA-256 of the session token, hex; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  username: string;
  createdAt: string;
  expiresAt: string;
  /** When the session was ended by logout; null while it is open. */
  endedAt: string | null;
}

export const SESSION_PREFIX = 'dss_';
export const SESSION_COOKIE = 'dossier_session';

/** Wrong passwords in a row that lock an account, and for how long. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;

/** The account's state after one more wrong password at `now`. */
export function afterFailedAttempt(
  failedAttempts: number,
  now: Date,
): { failedAttempts: number; lockedUntil: string | null } {
  const attempts = failedAttempts + 1;
  if (attempts < LOCKOUT_THRESHOLD) return { failedAttempts: attempts, lockedUntil: null };
  return {
    failedAttempts: attempts,
    lockedUntil: new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString(),
  };
}

export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && Date.parse(lockedUntil) > now.getTime();
}

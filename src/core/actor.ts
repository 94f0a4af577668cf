import type { Role } from './api-token.ts';

/** Who is acting: recorded on every audit entry and on what they submit. */
export interface Actor {
  /** Stable, human-readable identity: `token:ci-payments`, `local:alice`, `system`. */
  id: string;
  roles: readonly Role[];
}

export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['admin'] };

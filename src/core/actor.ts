import type { Role } from './access/roles.ts';

/** How an actor proved who it is. */
export type AuthMethod = 'api-token' | 'session' | 'oidc' | 'local' | 'system';

/** Who is acting: recorded on every audit entry and on what they submit. */
export interface Actor {
  /**
   * Stable, human-readable identity: `user:alice`, `token:ci-payments`, `oidc:payments-ci`,
   * `local:alice`, `system`.
   */
  id: string;
  roles: readonly Role[];
  /** How the actor authenticated; absent on actors built before this was recorded. */
  method?: AuthMethod;
  /**
   * The person behind the actor: the signed-in user, or the user who created the API token in
   * use. Rules about people (nobody grants a role to themselves) compare this.
   */
  person?: string;
  /** Services whose releases this actor may write; absent: any service. */
  services?: readonly string[];
}

export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['admin'], method: 'system' };

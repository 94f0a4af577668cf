import { randomBytes } from 'node:crypto';
import type { Actor } from '../core/actor.ts';
import { SYSTEM_ACTOR } from '../core/actor.ts';
import {
  type ApiToken,
  chosenTokenProblem,
  hashTokenValue,
  TOKEN_PREFIX,
  tokenActor,
} from '../core/api-token.ts';
import { DossierError } from '../core/errors.ts';
import { StoreConflictError } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';

export interface BootstrapResult {
  /** Set only when this call created the token and chose its value: show it once, then forget it. */
  generatedToken?: string;
  created: boolean;
}

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/**
 * On a data directory without tokens, creates the first admin token: the operator's chosen value
 * (DOSSIER_BOOTSTRAP_TOKEN) or a random one. Only its hash is stored.
 */
export async function ensureBootstrapToken(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
  chosen: string | undefined,
): Promise<BootstrapResult> {
  checkBootstrapToken(chosen);
  try {
    return await deps.store.transaction(async (tx) => {
      if ((await tx.countTokens()) > 0) return { created: false };
      const value = chosen ?? generateTokenValue();
      const token: ApiToken = {
        id: deps.ids.next('tok'),
        name: BOOTSTRAP_TOKEN_NAME,
        tokenHash: hashTokenValue(value),
        roles: ['admin'],
        createdAt: deps.clock.now().toISOString(),
        createdBy: SYSTEM_ACTOR.id,
      };
      await tx.insertToken(token);
      await tx.appendAudit({
        time: token.createdAt,
        actor: SYSTEM_ACTOR.id,
        action: 'token.created',
        subject: `token:${token.id}`,
        details: {
          name: token.name,
          roles: token.roles,
          bootstrap: true,
          chosenByOperator: chosen !== undefined,
        },
      });
      return chosen === undefined ? { created: true, generatedToken: value } : { created: true };
    });
  } catch (error) {
    // Another instance bootstrapped the same empty store at the same moment: it created the token.
    if (error instanceof StoreConflictError) return { created: false };
    throw error;
  }
}

/** Refuses an operator-chosen bootstrap token that is too easy to guess. */
export function checkBootstrapToken(chosen: string | undefined): void {
  if (chosen === undefined) return;
  const problem = chosenTokenProblem(chosen);
  if (problem) {
    throw new DossierError('INVALID_INPUT', `DOSSIER_BOOTSTRAP_TOKEN ${problem}`, {
      issues: [{ path: 'DOSSIER_BOOTSTRAP_TOKEN', message: problem }],
    });
  }
}

export function generateTokenValue(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Resolves a bearer token to the actor it stands for. */
export async function authenticate(
  deps: Pick<ServiceDeps, 'store'>,
  bearer: string | undefined,
): Promise<Actor> {
  if (!bearer) {
    throw new DossierError(
      'UNAUTHENTICATED',
      'this request needs an API token: send "Authorization: Bearer <token>"',
    );
  }
  const token = await deps.store.findTokenByHash(hashTokenValue(bearer));
  if (!token) throw new DossierError('UNAUTHENTICATED', 'the API token was not accepted');
  return { id: tokenActor(token), roles: token.roles };
}

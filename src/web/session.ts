import { createContext, useContext } from 'react';
import type { ApiClient } from './api-client.ts';

/** Who the requests are made as: GET /v1/sessions/current, with the person's printed name. */
export interface Identity {
  /** user:…, token:…, oidc:… */
  id: string;
  roles: string[];
  /** The person's username when a person is signed in (a session), else undefined. */
  username: string | undefined;
  fullName: string | undefined;
  /** 'session' for a person signed in with a password; anything else cannot sign. */
  method: string | undefined;
}

export interface Session {
  client: ApiClient;
  identity: Identity;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in API client; only pages rendered behind the sign-in screen may call this. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() used outside a signed-in page');
  return session;
}

/** Only a person signed in with a password can sign or approve: API tokens cannot. */
export function canSign(identity: Identity): boolean {
  return identity.method === 'session';
}

// sessionStorage: the token lives as long as the tab, and is never sent anywhere but /v1.
const TOKEN_KEY = 'dossier.apiToken';

export function readStoredToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
    else window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token then lasts until the page is reloaded.
  }
}

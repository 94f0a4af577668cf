import { createContext, useContext } from 'react';
import type { ApiClient } from './api-client.ts';

export interface Session {
  client: ApiClient;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in API client; only pages rendered behind the token screen may call this. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() used outside a signed-in page');
  return session;
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

import { DossierError } from '../core/errors.ts';
import { loadConfig } from '../service/config.ts';
import { openDataDir } from '../service/open-data-dir.ts';
import type { DossierClient } from './client.ts';
import { httpClient } from './http-client.ts';
import { localClient } from './local-client.ts';
import { loadSession, sameServer } from './session-file.ts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  local?: string;
}

/**
 * A server from --url/DOSSIER_URL with --token/DOSSIER_TOKEN (or, without one, the session
 * `dossier login` kept for that server), or a data directory with --local.
 */
export async function connect(
  options: GlobalOptions,
  env: Record<string, string | undefined>,
): Promise<DossierClient> {
  if (options.local) {
    const config = loadConfig({ flags: { dataDir: options.local }, env });
    return localClient(await openDataDir(config));
  }
  const url = serverUrl(options, env);
  let token = options.token ?? env.DOSSIER_TOKEN;
  if (!token) {
    const session = await loadSession(env);
    if (session && sameServer(session.url, url)) token = session.token;
  }
  if (!token) {
    throw new DossierError(
      'UNAUTHENTICATED',
      'no credentials: set DOSSIER_TOKEN (or --token), or sign in with dossier login',
      { issues: [{ path: 'DOSSIER_TOKEN', message: 'not set' }] },
    );
  }
  return httpClient({ baseUrl: url, token });
}

/** The server URL from --url or DOSSIER_URL, checked. */
export function serverUrl(options: GlobalOptions, env: Record<string, string | undefined>): string {
  const url = options.url ?? env.DOSSIER_URL;
  if (!url) {
    throw new DossierError(
      'INVALID_INPUT',
      'no server given: set DOSSIER_URL (or --url), or use --local DIR to work on a data directory',
      { issues: [{ path: 'DOSSIER_URL', message: 'not set' }] },
    );
  }
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new DossierError(
      'INVALID_INPUT',
      `DOSSIER_URL "${url}" is not an http:// or https:// URL`,
      {
        issues: [{ path: 'DOSSIER_URL', message: 'not an http(s) URL' }],
      },
    );
  }
  return url;
}

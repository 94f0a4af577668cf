import { DossierError } from '../core/errors.ts';
import { loadConfig } from '../service/config.ts';
import { openDataDir } from '../service/open-data-dir.ts';
import type { DossierClient } from './client.ts';
import { httpClient } from './http-client.ts';
import { localClient } from './local-client.ts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  local?: string;
}

/** A server from --url/DOSSIER_URL with --token/DOSSIER_TOKEN, or a data directory with --local. */
export async function connect(
  options: GlobalOptions,
  env: Record<string, string | undefined>,
): Promise<DossierClient> {
  if (options.local) {
    const config = loadConfig({ flags: { dataDir: options.local }, env });
    return localClient(await openDataDir(config));
  }
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
  const token = options.token ?? env.DOSSIER_TOKEN;
  if (!token) {
    throw new DossierError('UNAUTHENTICATED', 'no API token: set DOSSIER_TOKEN (or --token)', {
      issues: [{ path: 'DOSSIER_TOKEN', message: 'not set' }],
    });
  }
  return httpClient({ baseUrl: url, token });
}

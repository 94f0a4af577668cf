import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  type AccessConfig,
  AccessConfigSchema,
  EMPTY_ACCESS_CONFIG,
} from '../core/access/access-config.ts';
import { DossierError } from '../core/errors.ts';
import { SETTINGS } from './config.ts';
import type { AccessSettings, ServiceDeps } from './deps.ts';
import { toInputIssues } from './input-issues.ts';
import { DEFAULT_PASSWORD_PARAMS } from './password-hash.ts';

/** The access settings of `deps`, or the defaults: no OIDC issuer, no training rule. */
export function accessSettings(deps: Pick<ServiceDeps, 'access'>): AccessSettings {
  return (
    deps.access ?? {
      config: EMPTY_ACCESS_CONFIG,
      sessionTtlSeconds: SETTINGS.sessionTtlSeconds.default,
      passwordParams: DEFAULT_PASSWORD_PARAMS,
    }
  );
}

/** Reads and validates the access configuration file (YAML or JSON), naming every problem. */
export async function loadAccessConfig(path: string | undefined): Promise<AccessConfig> {
  if (path === undefined) return EMPTY_ACCESS_CONFIG;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DossierError(
      'INVALID_INPUT',
      `cannot read the access configuration ${path}: ${(error as Error).message}`,
      {
        cause: error,
        issues: [{ path: '--access-config / DOSSIER_ACCESS_CONFIG', message: 'unreadable' }],
      },
    );
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new DossierError(
      'INVALID_INPUT',
      `the access configuration ${path} is not YAML or JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const parsed = AccessConfigSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issues = toInputIssues(parsed.error);
    throw new DossierError(
      'INVALID_INPUT',
      `invalid access configuration ${path}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

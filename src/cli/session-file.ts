import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `dossier login` keeps for later commands: the server and the session token for it. */
export interface StoredSession {
  url: string;
  username: string;
  token: string;
  expiresAt: string;
}

/** `$XDG_CONFIG_HOME/dossier/session.json`, else `~/.config/dossier/session.json`. */
export function sessionFilePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'dossier', 'session.json');
}

/**
 * Writes the session readable by its owner only (0600, in a 0700 folder): the token signs in as
 * the person until it expires or `dossier logout` ends it.
 */
export async function saveSession(
  env: Record<string, string | undefined>,
  session: StoredSession,
): Promise<string> {
  const path = sessionFilePath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file: tighten one left by an older run.
  await chmod(path, 0o600);
  return path;
}

export async function loadSession(
  env: Record<string, string | undefined>,
): Promise<StoredSession | undefined> {
  try {
    const parsed = JSON.parse(
      await readFile(sessionFilePath(env), 'utf8'),
    ) as Partial<StoredSession>;
    if (
      typeof parsed.url === 'string' &&
      typeof parsed.token === 'string' &&
      typeof parsed.username === 'string' &&
      typeof parsed.expiresAt === 'string'
    ) {
      return parsed as StoredSession;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

export async function removeSession(env: Record<string, string | undefined>): Promise<void> {
  await rm(sessionFilePath(env), { force: true });
}

/** Same server whatever the trailing slash. */
export function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

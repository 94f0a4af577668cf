import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { dossierBin } from '../support/start-server.ts';

export interface DossierRun {
  /** The process exit code; null only if a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunDossierOptions {
  /** Added to a clean environment that holds no DOSSIER_* variable of the test runner's. */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to the command's standard input, which is then closed (default: no input). */
  input?: string;
}

/** A server the CLI can be pointed at, as a pipeline would: through the environment. */
export interface ServerAccess {
  url: string;
  token: string;
}

/**
 * Runs `bin/dossier` as a CI job would: a separate process, arguments as given, and an
 * environment that holds only what the test puts there (plus PATH, HOME and the like).
 */
export function runDossier(args: string[], options: RunDossierOptions = {}): Promise<DossierRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(dossierBin, args, {
      env: { ...cleanEnv(), ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Always a pipe, closed at once when there is no input: the command never waits on a terminal.
    child.stdin.end(options.input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`dossier ${args.join(' ')} did not finish within 20 s:\n${stdout}${stderr}`),
      );
    }, 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The runner's environment without any DOSSIER_* variable, so no test sees a stray server.
 * NODE_COMPILE_CACHE lets the many short CLI processes reuse V8's compiled code, which halves
 * their start-up time; it changes no behaviour (Node checks each entry against the source).
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { NODE_COMPILE_CACHE: COMPILE_CACHE };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('DOSSIER_')) env[name] = value;
  }
  return env;
}

const COMPILE_CACHE = join(tmpdir(), `dossier-cli-test-compile-cache-${userInfo().uid}`);

export function serverEnv(server: ServerAccess): Record<string, string> {
  return { DOSSIER_URL: server.url, DOSSIER_TOKEN: server.token };
}

/** A readable message for assert: the command's exit code and both streams. */
export function describeRun(run: DossierRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

export interface ShownEvidence {
  id: string;
  kind: string;
  name: string;
  size: number;
  sha256: string;
  submittedBy: string;
}

export interface ShownRelease {
  id: string;
  tag: string;
  service: string;
  version: string;
  commit: string;
  change: string | null;
  artifacts: string[];
  createdBy: string;
  evidenceCount: number;
  evidence: ShownEvidence[];
}

/** `dossier release show <idOrTag> --json`, which must succeed. */
export async function showRelease(
  idOrTag: string,
  options: RunDossierOptions & { args?: string[] },
): Promise<ShownRelease> {
  const run = await runDossier(
    [...(options.args ?? []), 'release', 'show', idOrTag, '--json'],
    options,
  );
  if (run.code !== 0) throw new Error(`release show ${idOrTag} failed: ${describeRun(run)}`);
  return JSON.parse(run.stdout) as ShownRelease;
}

export async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** A full git commit SHA made of one repeated hex digit, e.g. commitOf('a'). */
export function commitOf(digit: string): string {
  return digit.repeat(40);
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on: bound by the OS, then released. Another
 * process could take it in between, which is unlikely enough for a test.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port was assigned');
  return address.port;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every regular file under a directory, recursively (an empty list if it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const projectRoot = new URL('../../', import.meta.url).pathname;
export const dossierBin = join(projectRoot, 'bin', 'dossier');

export interface StartedServer {
  url: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartServerOptions {
  token?: string;
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** A script to run instead of bin/dossier, on the same Node (it must end in the CLI's `run`). */
  entry?: string;
}

export async function makeTempDir(prefix = 'dossier-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Starts `bin/dossier serve` on an ephemeral port of 127.0.0.1, as a user would, and resolves
 * once it prints where it listens.
 */
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
  const token = options.token ?? 'dsr_test_bootstrap_token_0123456789abcdef';
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir());
  const args = [
    'serve',
    ...['--host', '127.0.0.1', '--port', '0', '--data', dataDir],
    ...(options.args ?? []),
  ];
  const child = spawn(
    options.entry ? process.execPath : dossierBin,
    options.entry ? ['--disable-warning=ExperimentalWarning', options.entry, ...args] : args,
    {
      env: { ...process.env, DOSSIER_BOOTSTRAP_TOKEN: token, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within 20 s; output:\n${output}`)),
      20_000,
    );
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; output:\n${output}`));
    });
  });
  return {
    url,
    token,
    dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

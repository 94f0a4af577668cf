/**
 * Builds the web UI into build/web when it is missing or older than any file under src/web or
 * src/core (the UI bundles core's wire schemas and rules), or than package-lock.json (a changed
 * dependency), so `npm start` and `npm test` always serve the UI in the tree. Prints one line either way and
 * exits non-zero when the build fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDirs = [join(root, 'src', 'web'), join(root, 'src', 'core')];
const lockFile = join(root, 'package-lock.json');
const builtIndex = join(root, 'build', 'web', 'index.html');
const viteBin = join(root, 'node_modules', '.bin', 'vite');
const configFile = join('src', 'web', 'vite.config.ts');

/** The most recently changed file or folder under dir (a deleted file touches its folder). */
async function newestSource(dir: string): Promise<{ path: string; mtimeMs: number }> {
  let newest = { path: dir, mtimeMs: (await stat(dir)).mtimeMs };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() && !entry.isDirectory()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = await stat(path);
    if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

async function staleReason(): Promise<string | undefined> {
  if (!existsSync(builtIndex)) return 'no build yet';
  const built = (await stat(builtIndex)).mtimeMs;
  for (const dir of sourceDirs) {
    const newest = await newestSource(dir);
    if (newest.mtimeMs > built) return `${relative(root, newest.path)} changed`;
  }
  if (existsSync(lockFile) && (await stat(lockFile)).mtimeMs > built) {
    return 'package-lock.json changed';
  }
  return undefined;
}

function runVite(): Promise<number> {
  // Run vite on this same Node (the project's pinned one), not whatever `node` is on PATH.
  const child = spawn(
    process.execPath,
    [viteBin, 'build', '--config', configFile, '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  if (!existsSync(sourceDirs[0] as string)) {
    console.log('web UI: no src/web in this installation; nothing to build');
    return 0;
  }
  const reason = await staleReason();
  if (reason === undefined) {
    console.log(`web UI: up to date (${relative(root, builtIndex)})`);
    return 0;
  }
  if (!existsSync(viteBin)) {
    console.error(`web UI: cannot build (${reason}): ${relative(root, viteBin)} is missing`);
    return 1;
  }
  const started = performance.now();
  const code = await runVite();
  if (code !== 0) {
    console.error(`web UI: build failed (vite exited with ${code})`);
    return code;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`web UI: built ${relative(root, builtIndex)} in ${seconds} s (${reason})`);
  return 0;
}

process.exitCode = await main();

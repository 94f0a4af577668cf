import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dossierBin, makeTempDir, startServer } from '../support/start-server.ts';
import {
  cleanEnv,
  commitOf,
  type DossierRun,
  describeRun,
  filesUnder,
  runDossier,
} from './run-dossier.ts';

interface Serving {
  url: string;
  /** Everything the server printed so far, stdout and stderr. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `dossier serve` on 127.0.0.1 with an environment holding no DOSSIER_* variable but `env`:
 * unlike test/support's startServer, it never sets DOSSIER_BOOTSTRAP_TOKEN.
 */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Serving> {
  const child = spawn(
    dossierBin,
    ['serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir],
    {
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The files under `dir` whose bytes contain `needle`, as paths relative to `dir`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const path of await filesUnder(dir)) {
    if ((await readFile(path)).includes(needle)) found.push(path.slice(dir.length + 1));
  }
  return found;
}

describe('dossier serve on an empty data directory without DOSSIER_BOOTSTRAP_TOKEN', () => {
  let dataDir: string;
  let first: Serving;
  let second: Serving | undefined;
  let token = '';

  before(async () => {
    dataDir = await makeTempDir('dossier-cli-serve-');
    first = await serve(dataDir);
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('first start → prints the one-time notice, then a dsr_ token on the next line, and no other token', () => {
    const lines = first.output().split('\n');
    const notice = lines.indexOf(
      'Created the first admin API token. It is shown only this once; store it now:',
    );
    assert.ok(notice >= 0, first.output());
    const match = /^ {2}(dsr_[A-Za-z0-9_-]{20,})$/.exec(lines[notice + 1] ?? '');
    assert.ok(match?.[1], first.output());
    token = match[1];
    assert.equal(first.output().split('dsr_').length - 1, 1, 'the token is printed exactly once');
    assert.match(first.output(), /^Dossier \S+ listening on http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('the printed token → release list exits 0 with "No releases yet."; release create with it exits 0', async () => {
    assert.ok(token, 'the previous test read the token');
    const env = { DOSSIER_URL: first.url, DOSSIER_TOKEN: token };
    const empty = await runDossier(['release', 'list'], { env });
    assert.equal(empty.code, 0, describeRun(empty));
    assert.equal(empty.stdout, 'No releases yet.\n');
    const created = await runDossier(
      ['release', 'create', '--service', 'vault', '--version', '1.0.0', '--commit', commitOf('9')],
      { env },
    );
    assert.equal(created.code, 0, describeRun(created));
  });

  it('while the server runs → no file under the data directory contains the token in clear', async () => {
    assert.ok(token);
    const files = (await filesUnder(dataDir)).map((path) => basename(path));
    assert.ok(files.includes('dossier.db'), `files: ${files.join(', ')}`);
    // The scan reads the records: the token's name is stored, only its value must not be.
    assert.notDeepEqual(await filesContaining(dataDir, 'bootstrap-admin'), []);
    assert.deepEqual(await filesContaining(dataDir, token), []);
  });

  it('SIGTERM → serve exits 0; a second start on the same directory prints no token, and the first token still works', async () => {
    assert.equal(await first.stop(), 0);
    second = await serve(dataDir);
    assert.doesNotMatch(second.output(), /dsr_/);
    assert.doesNotMatch(second.output(), /Created the first admin API token/);
    const list = await runDossier(['release', 'list', '--json'], {
      env: { DOSSIER_URL: second.url, DOSSIER_TOKEN: token },
    });
    assert.equal(list.code, 0, describeRun(list));
    const page = JSON.parse(list.stdout) as { items: { tag: string; createdBy: string }[] };
    assert.deepEqual(
      page.items.map((item) => [item.tag, item.createdBy]),
      [['vault@1.0.0', 'token:bootstrap-admin']],
    );
  });

  it('after both servers stop → still no file under the data directory contains the token', async () => {
    assert.ok(token);
    assert.equal(await second?.stop(), 0);
    assert.notDeepEqual(await filesContaining(dataDir, 'vault@1.0.0'), []);
    assert.deepEqual(await filesContaining(dataDir, token), []);
  });
});

describe('dossier serve with DOSSIER_BOOTSTRAP_TOKEN or bad settings', () => {
  let scratch: string;
  before(async () => {
    scratch = await makeTempDir('dossier-cli-serve-bad-');
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  it('DOSSIER_BOOTSTRAP_TOKEN set → says the token came from it and never prints the value', async () => {
    const token = 'dsr_chosen_by_the_operator_0123456789';
    const server = await startServer({ token });
    try {
      assert.match(
        server.output(),
        /^Created the first admin API token from DOSSIER_BOOTSTRAP_TOKEN\.$/m,
      );
      assert.ok(!server.output().includes(token), server.output());
      assert.deepEqual(await filesContaining(server.dataDir, token), []);
    } finally {
      await server.stop();
    }
  });

  it('a DOSSIER_BOOTSTRAP_TOKEN shorter than 16 characters → exit 2, stderr names DOSSIER_BOOTSTRAP_TOKEN', async () => {
    const run = await runDossier(
      ['serve', '--host', '127.0.0.1', '--port', '0', '--data', join(scratch, 'short')],
      { env: { DOSSIER_BOOTSTRAP_TOKEN: 'short' } },
    );
    assert.equal(run.code, 2, describeRun(run));
    assert.doesNotMatch(run.stdout, /listening/);
    assert.match(run.stderr, /DOSSIER_BOOTSTRAP_TOKEN must be at least 16 characters long/);
  });

  it('first start on a port already in use fails naming the port, then a start that listens shows a working admin token', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    assert.ok(address && typeof address === 'object');
    const dataDir = join(scratch, 'busy-port');
    let failed: DossierRun;
    try {
      failed = await runDossier([
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(address.port),
        '--data',
        dataDir,
      ]);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    assert.equal(failed.code, 2, describeRun(failed));
    assert.match(
      failed.stderr,
      new RegExp(`port ${address.port} on 127\\.0\\.0\\.1 is already in use`),
    );
    assert.doesNotMatch(failed.stderr, /unexpected failure|at .*\.ts:\d+/);
    const server = await serve(dataDir);
    try {
      const token = /^ {2}(dsr_\S+)$/m.exec(`${failed.stdout}${server.output()}`)?.[1];
      assert.ok(token, `no token was shown:\n${describeRun(failed)}\n${server.output()}`);
      const list = await runDossier(['release', 'list'], {
        env: { DOSSIER_URL: server.url, DOSSIER_TOKEN: token },
      });
      assert.equal(list.code, 0, describeRun(list));
    } finally {
      await server.stop();
    }
  });

  it('--port 70000 → exit 2, stderr names --port', async () => {
    const run = await runDossier([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '70000',
      '--data',
      join(scratch, 'port'),
    ]);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--port \/ DOSSIER_PORT must be between 0 and 65535/);
  });
});

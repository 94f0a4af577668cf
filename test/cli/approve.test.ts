import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import { commitOf, describeRun, runDossier, serverEnv } from './run-dossier.ts';

const POLICY = 'test/fixtures/policies/approvals.yaml';

describe('CLI: approve, approvals, withdraw (electronic signatures)', () => {
  let server: StartedServer;
  let dir: string;
  let adminEnv: Record<string, string>;
  const envFor = (who: string) => ({
    DOSSIER_URL: server.url,
    XDG_CONFIG_HOME: join(dir, who),
  });

  before(async () => {
    server = await startServer();
    dir = await makeTempDir('dossier-approve-');
    adminEnv = { ...serverEnv(server), XDG_CONFIG_HOME: join(dir, 'admin') };
    for (const [username, role] of [
      ['ada', 'engineering'],
      ['quinn', 'qa'],
    ]) {
      const created = await runDossier(
        [
          'user',
          'create',
          '--username',
          `${username}`,
          '--name',
          `${username} Example`,
          '--role',
          `${role}`,
          '--password-stdin',
        ],
        { env: adminEnv, input: `${username} password 1\n` },
      );
      assert.equal(created.code, 0, describeRun(created));
      const login = await runDossier(['login', '--username', `${username}`, '--password-stdin'], {
        env: envFor(`${username}`),
        input: `${username} password 1\n`,
      });
      assert.equal(login.code, 0, describeRun(login));
    }
    const applied = await runDossier(['policy', 'apply', POLICY], { env: adminEnv });
    assert.equal(applied.code, 0, describeRun(applied));
    const release = await runDossier(
      ['release', 'create', '--service', 'pump', '--version', '2.0.0', '--commit', commitOf('c')],
      { env: adminEnv },
    );
    assert.equal(release.code, 0, describeRun(release));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('approve shows what is signed, asks for the password, and records the signature', async () => {
    const run = await runDossier(
      [
        'approve',
        'pump@2.0.0',
        '--role',
        'qa',
        '--meaning',
        'QA evidence reviewed',
        '--password-stdin',
      ],
      { env: envFor('quinn'), input: 'quinn password 1\n' },
    );
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stderr, /You are signing:\n {2}release pump@2\.0\.0/);
    assert.match(run.stderr, /policy sha256:[0-9a-f]{64}/);
    assert.match(
      run.stdout,
      /Signed sig_\w+: quinn Example \(quinn\) as qa, "QA evidence reviewed"/,
    );
    const gate = await runDossier(['gate', 'pump@2.0.0', '--env', 'production'], {
      env: adminEnv,
    });
    assert.equal(gate.code, 1, 'two engineers still to sign');
    assert.match(gate.stdout, /approval:qa +ok/);
    assert.match(gate.stdout, /approval:engineering +PENDING/);
  });

  it('a wrong password is refused (exit 2) and nothing is signed', async () => {
    const run = await runDossier(
      [
        'approve',
        'pump@2.0.0',
        '--role',
        'engineering',
        '--meaning',
        'Code reviewed',
        '--password-stdin',
      ],
      { env: envFor('ada'), input: 'wrong\n' },
    );
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /password/);
    const view = await runDossier(['approvals', 'pump@2.0.0', '--json'], { env: adminEnv });
    assert.equal(JSON.parse(view.stdout).signatures.length, 1);
  });

  it('withdraw records a new signed record; approvals then shows the approval as withdrawn', async () => {
    const view = JSON.parse(
      (await runDossier(['approvals', 'pump@2.0.0', '--json'], { env: adminEnv })).stdout,
    );
    const id = view.signatures[0].id as string;
    const run = await runDossier(
      ['withdraw', id, '--meaning', 'Reviewed the wrong build', '--password-stdin'],
      { env: envFor('quinn'), input: 'quinn password 1\n' },
    );
    assert.equal(run.code, 0, describeRun(run));
    const shown = await runDossier(['approvals', 'pump@2.0.0'], { env: adminEnv });
    assert.match(shown.stdout, /approval +qa .* withdrawn: withdrawn by quinn/);
  });

  it('exception list takes a release, a state and a page, and refuses an unknown state', async () => {
    const run = await runDossier(
      [
        'exception',
        'list',
        '--release',
        'pump@2.0.0',
        '--state',
        'requested',
        '--limit',
        '5',
        '--json',
      ],
      { env: adminEnv },
    );
    assert.equal(run.code, 0, describeRun(run));
    const list = JSON.parse(run.stdout);
    assert.deepEqual(list.items, []);
    assert.equal(list.nextCursor, null);
    assert.deepEqual(list.aging, { requested: 0, active: 0, expiringSoon: 0, expired: 0 });
    const missing = await runDossier(['exception', 'list', '--release', 'pump@9.9.9'], {
      env: adminEnv,
    });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /pump@9\.9\.9/);
    const wrong = await runDossier(['exception', 'list', '--state', 'sleeping'], { env: adminEnv });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /sleeping/);
  });
});

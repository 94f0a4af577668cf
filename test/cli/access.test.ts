import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import { describeRun, runDossier, serverEnv } from './run-dossier.ts';

describe('CLI: users, login, roles, training and tokens against a server', () => {
  let server: StartedServer;
  let configHome: string;
  /** Admin API token in the environment, as an operator's shell would have it. */
  let adminEnv: Record<string, string>;
  /** No token: commands use the session `dossier login` keeps. */
  let sessionEnv: Record<string, string>;
  const sessionFile = () => join(configHome, 'dossier', 'session.json');

  before(async () => {
    server = await startServer();
    configHome = await makeTempDir('dossier-config-');
    adminEnv = { ...serverEnv(server), XDG_CONFIG_HOME: configHome };
    sessionEnv = { DOSSIER_URL: server.url, XDG_CONFIG_HOME: configHome };
    for (const [username, name, role] of [
      ['root', 'Rosa Root', 'admin'],
      ['alice', 'Alice Example', 'qa'],
    ] as const) {
      const run = await runDossier(
        [
          'user',
          'create',
          '--username',
          username,
          '--name',
          name,
          '--role',
          role,
          '--password-stdin',
        ],
        { env: adminEnv, input: `${username} password 1\n` },
      );
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stdout, new RegExp(`Created user ${username} \\(${name}\\): ${role}`));
    }
  });
  after(async () => {
    await server.stop();
    await rm(configHome, { recursive: true, force: true });
  });

  it('user create without --password-stdin → exit 2, and no account', async () => {
    const run = await runDossier(
      ['user', 'create', '--username', 'bob', '--name', 'Bob', '--role', 'qa'],
      { env: adminEnv },
    );
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--password-stdin/);
    const list = await runDossier(['user', 'list', '--json'], { env: adminEnv });
    assert.ok(!list.stdout.includes('"bob"'));
  });

  it('a wrong password at login → exit 2 and no session kept', async () => {
    const run = await runDossier(['login', '--username', 'root', '--password-stdin'], {
      env: sessionEnv,
      input: 'not the password',
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /the username or password was not accepted/);
    await assert.rejects(stat(sessionFile()), { code: 'ENOENT' });
  });

  it('login keeps the session in a 0600 file; later commands act as the person', async () => {
    const login = await runDossier(['login', '--username', 'root', '--password-stdin'], {
      env: sessionEnv,
      input: 'root password 1\n',
    });
    assert.equal(login.code, 0, describeRun(login));
    assert.match(login.stdout, /Signed in to .* as root \(Rosa Root\) until /);
    const info = await stat(sessionFile());
    assert.equal(info.mode & 0o777, 0o600);
    const kept = JSON.parse(await readFile(sessionFile(), 'utf8'));
    assert.match(kept.token, /^dss_/);
    assert.ok(!JSON.stringify(kept).includes('root password'));

    const whoami = await runDossier(['whoami', '--json'], { env: sessionEnv });
    assert.equal(whoami.code, 0, describeRun(whoami));
    assert.deepEqual(JSON.parse(whoami.stdout), {
      id: 'user:root',
      roles: ['admin'],
      method: 'session',
      person: 'root',
    });
  });

  it('role grant and revoke as the signed-in admin; granting oneself → exit 2', async () => {
    const grant = await runDossier(['role', 'grant', '--user', 'alice', '--role', 'clinical'], {
      env: sessionEnv,
    });
    assert.equal(grant.code, 0, describeRun(grant));
    assert.match(grant.stdout, /Granted clinical to alice: qa, clinical/);
    const revoke = await runDossier(['role', 'revoke', '--user', 'alice', '--role', 'clinical'], {
      env: sessionEnv,
    });
    assert.match(revoke.stdout, /Revoked clinical from alice: qa/);
    const self = await runDossier(['role', 'grant', '--user', 'root', '--role', 'qa'], {
      env: sessionEnv,
    });
    assert.equal(self.code, 2, describeRun(self));
    assert.match(self.stderr, /nobody may grant a role on their own account/);
  });

  it('training record, then training list says whether the person may sign', async () => {
    const before = await runDossier(['training', 'list', '--user', 'alice', '--role', 'qa'], {
      env: sessionEnv,
    });
    assert.equal(before.code, 0, describeRun(before));
    assert.match(before.stdout, /alice may sign as qa\./);
    const record = await runDossier(
      [
        'training',
        'record',
        '--user',
        'alice',
        '--course',
        'GCP-101',
        '--version',
        '3',
        '--completed',
        '2026-01-10',
        '--expires',
        '2027-01-10',
      ],
      { env: sessionEnv },
    );
    assert.equal(record.code, 0, describeRun(record));
    assert.match(
      record.stdout,
      /Recorded GCP-101 v3, completed 2026-01-10, valid through 2027-01-10 for alice/,
    );
    const bad = await runDossier(
      [
        'training',
        'record',
        '--user',
        'alice',
        '--course',
        'X',
        '--version',
        '1',
        '--completed',
        '2026-02-30',
      ],
      { env: sessionEnv },
    );
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /completedOn: must be a real calendar date/);
  });

  it('token create prints the value once; revoke makes it refused with a clear message', async () => {
    const created = await runDossier(
      [
        'token',
        'create',
        '--name',
        'ci-payments',
        '--role',
        'engineering',
        '--service',
        'payments-api',
        '--expires-in-days',
        '30',
        '--json',
      ],
      { env: sessionEnv },
    );
    assert.equal(created.code, 0, describeRun(created));
    const { token, value } = JSON.parse(created.stdout);
    assert.equal(token.createdBy, 'user:root');
    const ciEnv = { DOSSIER_URL: server.url, DOSSIER_TOKEN: value };
    const release = await runDossier(
      [
        'release',
        'create',
        '--service',
        'payments-api',
        '--version',
        '1.0.0',
        '--commit',
        'c'.repeat(40),
      ],
      { env: ciEnv },
    );
    assert.equal(release.code, 0, describeRun(release));

    const list = await runDossier(['token', 'list'], { env: sessionEnv });
    assert.match(list.stdout, /ci-payments .* engineering .* payments-api .* active/);
    const revoke = await runDossier(['token', 'revoke', 'ci-payments'], { env: sessionEnv });
    assert.equal(revoke.code, 0, describeRun(revoke));
    const refused = await runDossier(['release', 'list'], { env: ciEnv });
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /the API token "ci-payments" was revoked on/);
  });

  it('user disable, then logout ends the session and removes the file', async () => {
    const disable = await runDossier(['user', 'disable', 'alice'], { env: sessionEnv });
    assert.equal(disable.code, 0, describeRun(disable));
    const list = await runDossier(['user', 'list'], { env: sessionEnv });
    assert.match(list.stdout, /alice +Alice Example +qa +disabled /);

    const kept = JSON.parse(await readFile(sessionFile(), 'utf8'));
    const logout = await runDossier(['logout'], { env: sessionEnv });
    assert.equal(logout.code, 0, describeRun(logout));
    await assert.rejects(stat(sessionFile()), { code: 'ENOENT' });
    // The server ended it too: the token is refused even when presented directly.
    const reused = await runDossier(['whoami'], {
      env: { DOSSIER_URL: server.url, DOSSIER_TOKEN: kept.token },
    });
    assert.equal(reused.code, 2, describeRun(reused));
    assert.match(reused.stderr, /the session ended/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../test/support/services.ts';
import { LOCKOUT_THRESHOLD } from '../core/access/session.ts';
import type { Actor } from '../core/actor.ts';
import type { Clock } from './clock.ts';

const COMMIT = 'a'.repeat(40);

/** A clock the test moves by hand; each reading also advances 1 ms so ids stay ordered. */
function manualClock(start: string): Clock & { advance(ms: number): void } {
  let time = Date.parse(start);
  return {
    now: () => new Date(time++),
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('accounts, roles, sessions and re-authentication', () => {
  let t: TestServices;
  let admin: Actor;
  let rootSession: Actor;
  const clock = manualClock('2026-11-23T10:00:00Z');

  const actions = async () =>
    (await t.services.deps.store.listAuditEntries({ fromSeq: 0, limit: 10_000 })).map(
      (entry) => entry.action,
    );
  const lastEntry = async () => {
    const count = await t.services.deps.store.countAuditEntries();
    const [entry] = await t.services.deps.store.listAuditEntries({ fromSeq: count - 1, limit: 1 });
    return entry;
  };

  before(async () => {
    t = await openTestServices({
      clock,
      access: {
        oidc: { issuers: [], identities: [] },
        trainingRequirements: [{ role: 'qa', course: 'GCP-101', version: '3' }],
      },
    });
    await t.services.tokens.ensureBootstrap('bootstrap-token-for-access-tests');
    admin = await t.services.tokens.authenticate('bootstrap-token-for-access-tests');
    await t.services.users.create(admin, {
      username: 'root',
      fullName: 'Rosa Root',
      password: 'root password 1234',
      roles: ['admin'],
    });
    const { token } = await t.services.sessions.login({
      username: 'root',
      password: 'root password 1234',
    });
    rootSession = await t.services.tokens.authenticate(token);
  });
  after(() => t.dispose());

  it('creates a user with a hashed password, roles and an audit entry; a taken name is refused', async () => {
    const user = await t.services.users.create(admin, {
      username: 'Alice',
      fullName: 'Alice Example',
      password: 'alice password 123',
      roles: ['qa', 'engineering'],
    });
    assert.equal(user.username, 'alice');
    assert.deepEqual(user.roles, ['engineering', 'qa']);
    const entry = await lastEntry();
    assert.equal(entry?.action, 'user.created');
    assert.equal(entry?.subject, 'user:alice');
    assert.ok(!JSON.stringify(entry).includes('alice password'));
    await assert.rejects(
      t.services.users.create(admin, {
        username: 'alice',
        fullName: 'Other',
        password: 'another password',
      }),
      { code: 'NAME_TAKEN' },
    );
  });

  it('refuses a short password and a non-admin creator, creating nothing', async () => {
    const before = await t.services.deps.store.countAuditEntries();
    await assert.rejects(
      t.services.users.create(admin, { username: 'bob', fullName: 'Bob', password: 'short' }),
      { code: 'INVALID_INPUT', message: /password: must be at least 12 characters/ },
    );
    const qa: Actor = { id: 'user:alice', roles: ['qa'], method: 'session', person: 'alice' };
    await assert.rejects(
      t.services.users.create(qa, { username: 'bob', fullName: 'Bob', password: 'long enough pw' }),
      { code: 'FORBIDDEN', message: /only an admin may create user accounts/ },
    );
    assert.equal(await t.services.deps.store.getUser('bob'), undefined);
    assert.equal(await t.services.deps.store.countAuditEntries(), before);
  });

  it('signs in, authenticates the session as the person, and ends it on logout', async () => {
    const { token, session, user } = await t.services.sessions.login({
      username: 'alice',
      password: 'alice password 123',
    });
    assert.match(token, /^dss_[A-Za-z0-9_-]{43}$/);
    assert.equal(user.fullName, 'Alice Example');
    assert.equal(Date.parse(session.expiresAt) - Date.parse(session.createdAt), 8 * 60 * 60 * 1000);
    const actor = await t.services.tokens.authenticate({ sessionCookie: token });
    assert.deepEqual(actor, {
      id: 'user:alice',
      roles: ['engineering', 'qa'],
      method: 'session',
      person: 'alice',
    });
    await t.services.sessions.logout(token);
    assert.equal((await lastEntry())?.action, 'session.ended');
    await assert.rejects(t.services.tokens.authenticate(token), {
      code: 'UNAUTHENTICATED',
      message: /the session ended/,
    });
  });

  it('refuses an expired session', async () => {
    const { token } = await t.services.sessions.login({
      username: 'alice',
      password: 'alice password 123',
    });
    clock.advance(8 * 60 * 60 * 1000);
    await assert.rejects(t.services.tokens.authenticate(token), {
      code: 'TOKEN_EXPIRED',
      message: /the session expired at/,
    });
  });

  it('answers a wrong password and an unknown user alike, and audits both', async () => {
    for (const username of ['alice', 'nobody']) {
      await assert.rejects(t.services.sessions.login({ username, password: 'not-her-secret-9' }), {
        code: 'UNAUTHENTICATED',
        message: 'the username or password was not accepted',
      });
      const entry = await lastEntry();
      assert.equal(entry?.action, 'auth.login_failed');
      assert.equal(entry?.subject, `user:${username}`);
      assert.ok(!JSON.stringify(entry).includes('not-her-secret-9'));
    }
    // A right password clears the count.
    await t.services.sessions.login({ username: 'alice', password: 'alice password 123' });
    assert.equal(
      (
        await t.services.deps.store.getUserCredentials(
          (
            await t.services.users.get(rootSession, 'alice')
          ).id,
        )
      )?.failedAttempts,
      0,
    );
  });

  it('nobody grants or revokes a role on their own account; the refusal is audited', async () => {
    await assert.rejects(t.services.users.grantRole(rootSession, 'root', { role: 'qa' }), {
      code: 'FORBIDDEN',
      message: /nobody may grant a role on their own account/,
    });
    const refusal = await lastEntry();
    assert.equal(refusal?.action, 'role.change_refused');
    assert.equal(refusal?.actor, 'user:root');
    assert.deepEqual((await t.services.users.get(rootSession, 'root')).roles, ['admin']);
  });

  it('also refuses a self-grant through an API token the person created', async () => {
    const { value } = await t.services.tokens.create(rootSession, {
      name: 'root-automation',
      roles: ['admin'],
    });
    const viaToken = await t.services.tokens.authenticate(value);
    assert.equal(viaToken.person, 'root');
    await assert.rejects(t.services.users.grantRole(viaToken, 'root', { role: 'clinical' }), {
      code: 'FORBIDDEN',
    });
  });

  it('grants and revokes roles, audited with who, what and when; repeats change nothing', async () => {
    const granted = await t.services.users.grantRole(rootSession, 'alice', { role: 'clinical' });
    assert.equal(granted.changed, true);
    assert.deepEqual(granted.user.roles, ['engineering', 'qa', 'clinical']);
    const entry = await lastEntry();
    assert.equal(entry?.action, 'role.granted');
    assert.equal(entry?.actor, 'user:root');
    assert.equal(entry?.details.role, 'clinical');
    assert.ok(entry?.time);
    const count = await t.services.deps.store.countAuditEntries();
    assert.equal(
      (await t.services.users.grantRole(rootSession, 'alice', { role: 'clinical' })).changed,
      false,
    );
    assert.equal(await t.services.deps.store.countAuditEntries(), count);
    const revoked = await t.services.users.revokeRole(rootSession, 'alice', { role: 'clinical' });
    assert.deepEqual(revoked.user.roles, ['engineering', 'qa']);
    assert.equal((await lastEntry())?.action, 'role.revoked');
    await assert.rejects(t.services.users.grantRole(rootSession, 'alice', { role: 'wizard' }), {
      code: 'INVALID_INPUT',
    });
    await assert.rejects(t.services.users.grantRole(rootSession, 'ghost', { role: 'qa' }), {
      code: 'USER_NOT_FOUND',
    });
  });

  it('records training and reports signing eligibility with the reason', async () => {
    const before = await t.services.training.eligibility(rootSession, 'alice', 'qa');
    assert.deepEqual(before, {
      eligible: false,
      code: 'TRAINING_MISSING',
      reason: 'qa requires course GCP-101 v3, not recorded for alice',
    });
    await assert.rejects(
      t.services.training.record(rootSession, 'alice', {
        course: 'GCP-101',
        version: '3',
        completedOn: '2026-01-10',
        expiresOn: '2025-01-10',
      }),
      { code: 'INVALID_INPUT', message: /expiresOn: must not be before completedOn/ },
    );
    const record = await t.services.training.record(rootSession, 'alice', {
      course: 'GCP-101',
      version: '3',
      completedOn: '2026-01-10',
      expiresOn: '2027-01-10',
    });
    assert.equal(record.recordedBy, 'user:root');
    assert.equal((await lastEntry())?.action, 'training.recorded');
    assert.deepEqual(await t.services.training.eligibility(rootSession, 'alice', 'qa'), {
      eligible: true,
    });
    assert.deepEqual(await t.services.training.list(rootSession, 'alice'), [record]);
  });

  it('re-authenticates the signed-in person with their own password only', async () => {
    const { token } = await t.services.sessions.login({
      username: 'alice',
      password: 'alice password 123',
    });
    const alice = await t.services.tokens.authenticate(token);
    const result = await t.services.sessions.reauthenticate(alice, 'alice password 123');
    assert.equal(result.username, 'alice');
    assert.equal(result.fullName, 'Alice Example');
    assert.equal(result.method, 'password');
    await assert.rejects(t.services.sessions.reauthenticate(alice, 'root password 1234'), {
      code: 'REAUTHENTICATION_FAILED',
    });
    await assert.rejects(t.services.sessions.reauthenticate(admin, 'anything at all'), {
      code: 'FORBIDDEN',
      message: /not a signed-in person/,
    });
  });

  it('locks the account after repeated wrong passwords, audits each, and unlocks after 15 minutes', async () => {
    await t.services.users.create(admin, {
      username: 'carol',
      fullName: 'Carol',
      password: 'carol password 12',
      roles: ['qa'],
    });
    const { token } = await t.services.sessions.login({
      username: 'carol',
      password: 'carol password 12',
    });
    const carol = await t.services.tokens.authenticate(token);
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) {
      await assert.rejects(t.services.sessions.reauthenticate(carol, `guess number ${i}`), {
        code: 'REAUTHENTICATION_FAILED',
      });
    }
    await assert.rejects(t.services.sessions.reauthenticate(carol, 'guess number 5'), {
      code: 'ACCOUNT_LOCKED',
      message: /now locked until/,
    });
    // Locked: even the right password is refused, and sign-in too.
    await assert.rejects(t.services.sessions.reauthenticate(carol, 'carol password 12'), {
      code: 'ACCOUNT_LOCKED',
    });
    await assert.rejects(
      t.services.sessions.login({ username: 'carol', password: 'carol password 12' }),
      { code: 'ACCOUNT_LOCKED' },
    );
    const failures = (await t.services.deps.store.listAuditEntriesFor('user:carol')).filter(
      (entry) => entry.action === 'auth.reauth_failed',
    );
    assert.equal(failures.length, LOCKOUT_THRESHOLD + 1);
    assert.ok(!JSON.stringify(failures).includes('guess number'));
    clock.advance(15 * 60 * 1000);
    const again = await t.services.sessions.login({
      username: 'carol',
      password: 'carol password 12',
    });
    assert.ok(again.token);
  });

  it('counts every one of several wrong passwords sent at the same moment', async () => {
    const dora = await t.services.users.create(admin, {
      username: 'dora',
      fullName: 'Dora',
      password: 'dora password 123',
      roles: ['qa'],
    });
    const { token } = await t.services.sessions.login({
      username: 'dora',
      password: 'dora password 123',
    });
    const actor = await t.services.tokens.authenticate(token);
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) => t.services.sessions.reauthenticate(actor, `wrong guess ${n}`)),
    );
    assert.ok(results.every((result) => result.status === 'rejected'));
    const credentials = await t.services.deps.store.getUserCredentials(dora.id);
    assert.equal(credentials?.failedAttempts, 3);
  });

  it('disables an account: its sessions and sign-in are refused, the record stays', async () => {
    const { token } = await t.services.sessions.login({
      username: 'carol',
      password: 'carol password 12',
    });
    const disabled = await t.services.users.disable(rootSession, 'carol');
    assert.ok(disabled.disabledAt);
    assert.equal((await lastEntry())?.action, 'user.disabled');
    await assert.rejects(t.services.tokens.authenticate(token), { code: 'UNAUTHENTICATED' });
    await assert.rejects(
      t.services.sessions.login({ username: 'carol', password: 'carol password 12' }),
      { code: 'UNAUTHENTICATED' },
    );
    await assert.rejects(t.services.users.disable(rootSession, 'root'), { code: 'FORBIDDEN' });
  });

  it('creates scoped, expiring tokens; revokes them with an audit entry; refuses both clearly', async () => {
    const { token, value } = await t.services.tokens.create(rootSession, {
      name: 'ci-payments',
      roles: ['engineering'],
      services: ['payments-api'],
      expiresInDays: 1,
    });
    assert.equal(token.createdBy, 'user:root');
    assert.ok(!('tokenHash' in token));
    const ci = await t.services.tokens.authenticate(value);
    assert.deepEqual(ci.services, ['payments-api']);
    const release = await t.services.releases.create(ci, {
      service: 'payments-api',
      version: '1.0.0',
      commit: COMMIT,
    });
    assert.equal(release.release.createdBy, 'token:ci-payments');
    await assert.rejects(
      t.services.releases.create(ci, { service: 'ledger', version: '1.0.0', commit: COMMIT }),
      { code: 'FORBIDDEN', message: /limited to payments-api/ },
    );
    await assert.rejects(
      t.services.tokens.create(rootSession, { name: 'ci-payments', roles: ['qa'] }),
      { code: 'NAME_TAKEN' },
    );

    const short = await t.services.tokens.create(rootSession, {
      name: 'ci-short',
      roles: ['engineering'],
      expiresInDays: 1,
    });
    clock.advance(86_400_000);
    await assert.rejects(t.services.tokens.authenticate(short.value), {
      code: 'TOKEN_EXPIRED',
      message: /the API token "ci-short" expired on/,
    });

    const revoked = await t.services.tokens.revoke(rootSession, 'ci-payments');
    assert.equal(revoked.revokedBy, 'user:root');
    const entry = await lastEntry();
    assert.equal(entry?.action, 'token.revoked');
    assert.equal(entry?.subject, `token:${token.id}`);
    await assert.rejects(t.services.tokens.authenticate(value), {
      code: 'TOKEN_REVOKED',
      message: /the API token "ci-payments" was revoked on/,
    });
    await assert.rejects(t.services.tokens.revoke(rootSession, 'ci-nope'), {
      code: 'TOKEN_NOT_FOUND',
    });
    const listed = await t.services.tokens.list(rootSession);
    assert.ok(listed.some((item) => item.name === 'ci-payments' && item.revokedAt !== null));
  });

  it('lets an auditor read but not write', async () => {
    await t.services.users.create(admin, {
      username: 'audrey',
      fullName: 'Audrey Auditor',
      password: 'audrey password 1',
      roles: ['auditor'],
    });
    const { token } = await t.services.sessions.login({
      username: 'audrey',
      password: 'audrey password 1',
    });
    const auditor = await t.services.tokens.authenticate(token);
    await assert.rejects(
      t.services.releases.create(auditor, { service: 'x', version: '1', commit: COMMIT }),
      { code: 'FORBIDDEN', message: /holds only auditor and may not create releases/ },
    );
    assert.ok((await t.services.releases.list()).items.length > 0);
    await assert.rejects(t.services.policies.apply(auditor, 'version: 1\n'), {
      code: 'FORBIDDEN',
      message: /may not apply policies/,
    });
    await assert.rejects(t.services.services.put(auditor, 'payments-api', { criticality: 3 }), {
      code: 'FORBIDDEN',
    });
    await assert.rejects(t.services.changes.create(auditor, {}), { code: 'FORBIDDEN' });
    assert.ok((await t.services.tokens.list(auditor)).length > 0);
    await assert.rejects(t.services.tokens.revoke(auditor, 'ci-short'), { code: 'FORBIDDEN' });
    assert.ok((await actions()).includes('session.started'));
  });
});

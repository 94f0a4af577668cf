import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { bytes, openTestServices, type TestServices } from '../../../test/support/services.ts';
import type { Actor } from '../../core/actor.ts';

const SIMPLE = new URL('../../../test/fixtures/policies/simple.yaml', import.meta.url);
const person = (name: string, roles: string[]): Actor => ({
  id: `user:${name}`,
  roles: roles as unknown as Actor['roles'],
});
const admin = person('root', ['admin']);
const alice = person('alice', ['engineering']);
const quinn = person('quinn', ['qa']);

const FAILING = `<?xml version="1.0"?><testsuite name="s" tests="2" failures="1" errors="0"><testcase classname="a" name="one"/><testcase classname="a" name="two"><failure message="off by one"/></testcase></testsuite>`;

describe('exceptions (waivers)', () => {
  let t: TestServices;
  let releaseId = '';
  before(async () => {
    t = await openTestServices();
    await t.services.policies.apply(admin, await readFile(SIMPLE, 'utf8'));
    const { release } = await t.services.releases.create(admin, {
      service: 'lab',
      version: '1.0.0',
      commit: 'a'.repeat(40),
    });
    releaseId = release.id;
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'junit',
      name: 'junit.xml',
      body: bytes(FAILING),
    });
    await t.services.evidence.attach(admin, {
      release: release.id,
      kind: 'sbom',
      name: 'bom.json',
      body: bytes(
        JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] }),
      ),
    });
  });
  after(() => t.dispose());

  const gate = async () => {
    const answer = await t.services.gates.decide(admin, releaseId, 'staging');
    return answer.decision;
  };
  const request = (overrides: Record<string, unknown> = {}) =>
    t.services.exceptions.request(alice, {
      ruleId: 'tests-pass',
      release: releaseId,
      reason: 'Known flaky test tracked in BUG-77',
      compensatingControl: 'Manual run of the test by QA before deploy',
      expiresAt: '2026-12-01T00:00:00Z',
      ...overrides,
    });

  it('waives the failing rule only once another person with the policy’s role approves', async () => {
    const blocked = await gate();
    assert.equal(blocked.decision, 'blocked');
    const exception = await request();
    assert.equal((await gate()).decision, 'blocked', 'a request alone waives nothing');

    await assert.rejects(
      t.services.exceptions.approve(alice, exception.id),
      (error: Error & { code: string }) => {
        assert.equal(error.code, 'EXCEPTION_REFUSED');
        assert.match(error.message, /another person must approve it/);
        return true;
      },
    );
    await assert.rejects(
      t.services.exceptions.approve(person('eve', ['engineering']), exception.id),
      /needs one of the roles qa/,
    );
    const approved = await t.services.exceptions.approve(quinn, exception.id);
    assert.equal(approved.approval?.approvedBy, 'user:quinn');

    const waived = await gate();
    const outcome = waived.outcomes.find((o) => o.id === 'tests-pass');
    assert.equal(outcome?.status, 'waived');
    assert.equal(outcome?.exceptionId, exception.id);
    assert.equal(waived.decision, 'allowed');

    const refusals = (await t.services.log.entries(0, 1000)).filter(
      (e) => e.action === 'exception.refused',
    );
    assert.equal(refusals.length, 2, 'each refusal is audited');
  });

  it('refuses a requirement the policy cannot waive, or one longer than the policy allows', async () => {
    await assert.rejects(
      request({ ruleId: 'approval:qa' }),
      /not a requirement the policy can waive/,
    );
    await assert.rejects(
      request({ ruleId: 'no-such-rule' }),
      /not a requirement the policy can waive/,
    );
    await assert.rejects(
      request({ expiresAt: '2027-06-01T00:00:00Z' }),
      /at most 90 days under this policy/,
    );
    await assert.rejects(request({ expiresAt: '2026-01-01T00:00:00Z' }), /not in the future/);
    await assert.rejects(
      t.services.exceptions.request(alice, { ruleId: 'tests-pass', reason: 'x' }),
      (error: Error & { code: string }) => error.code === 'INVALID_INPUT',
    );
  });

  it('lists exceptions with their state and aging counts', async () => {
    const list = await t.services.exceptions.list();
    assert.ok(list.items.some((e) => e.state === 'active'));
    assert.equal(list.aging.active + list.aging.expiringSoon + list.aging.requested >= 1, true);
  });

  it('filters by release (id or tag) and state, and pages with a cursor', async () => {
    const { release: other } = await t.services.releases.create(admin, {
      service: 'lab-other',
      version: '2.0.0',
      commit: 'b'.repeat(40),
    });
    const mine = await request();
    const elsewhere = await request({ release: other.id });
    const forTag = await t.services.exceptions.list({ release: other.tag });
    assert.deepEqual(
      forTag.items.map((e) => e.id),
      [elsewhere.id],
    );
    assert.deepEqual(forTag.aging, { requested: 1, active: 0, expiringSoon: 0, expired: 0 });
    const requested = await t.services.exceptions.list({ release: releaseId, state: 'requested' });
    assert.deepEqual(
      requested.items.map((e) => e.id),
      [mine.id],
    );
    const first = await t.services.exceptions.list({ limit: 1 });
    assert.deepEqual(
      first.items.map((e) => e.id),
      [elsewhere.id],
    );
    assert.ok(first.nextCursor);
    const second = await t.services.exceptions.list({ limit: 1, cursor: first.nextCursor });
    assert.deepEqual(
      second.items.map((e) => e.id),
      [mine.id],
    );
  });

  it('refuses an unknown release, a malformed cursor and a page size out of range', async () => {
    await assert.rejects(t.services.exceptions.list({ release: 'nope@1.0.0+chg-1' }), {
      code: 'RELEASE_NOT_FOUND',
    });
    await assert.rejects(t.services.exceptions.list({ cursor: 'garbage' }), {
      code: 'INVALID_INPUT',
      message: /cursor/,
    });
    await assert.rejects(t.services.exceptions.list({ limit: 0 }), {
      code: 'INVALID_INPUT',
      message: /limit/,
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../test/support/services.ts';
import type { Actor } from '../core/actor.ts';

const ci: Actor = { id: 'token:ci', roles: ['admin'] };
const COMMIT = 'a'.repeat(40);

describe('createRelease', () => {
  let t: TestServices;
  before(async () => {
    t = await openTestServices();
  });
  after(() => t.dispose());

  it('creates a draft release with its tag and records who created it in the audit log', async () => {
    const before = await t.services.deps.store.countAuditEntries();
    const { release, created } = await t.services.releases.create(ci, {
      service: 'payments-api',
      version: '1.18.4',
      commit: COMMIT,
      change: 'CHG-1842',
    });
    assert.equal(created, true);
    assert.equal(release.tag, 'payments-api@1.18.4+chg-1842');
    assert.equal(release.state, 'draft');
    assert.match(release.id, /^rel_[0-9A-Z]{26}$/);
    const [entry] = await t.services.deps.store.listAuditEntries({ fromSeq: before, limit: 10 });
    assert.equal(entry?.action, 'release.created');
    assert.equal(entry?.actor, 'token:ci');
    assert.equal(entry?.subject, `release:${release.id}`);
    assert.equal(entry?.details.tag, release.tag);
  });

  it('answers a repeat of the same build with the existing release and logs nothing new', async () => {
    const input = { service: 'ledger', version: '2.0.0', commit: COMMIT };
    const first = await t.services.releases.create(ci, input);
    const entries = await t.services.deps.store.countAuditEntries();
    const again = await t.services.releases.create(ci, { ...input, commit: COMMIT.toUpperCase() });
    assert.equal(again.created, false);
    assert.equal(again.release.id, first.release.id);
    assert.equal(await t.services.deps.store.countAuditEntries(), entries);
  });

  it('refuses the same tag with a different commit and leaves the original untouched', async () => {
    const input = { service: 'ledger', version: '3.0.0', commit: COMMIT };
    const { release } = await t.services.releases.create(ci, input);
    await assert.rejects(t.services.releases.create(ci, { ...input, commit: 'b'.repeat(40) }), {
      name: 'DossierError',
      code: 'TAG_CONFLICT',
      message: /already exists with a different commit/,
    });
    assert.deepEqual(await t.services.releases.get(release.tag), release);
  });

  it('refuses invalid input naming every bad field, and stores nothing', async () => {
    const entries = await t.services.deps.store.countAuditEntries();
    const page = await t.services.releases.list({ limit: 500 });
    await assert.rejects(
      t.services.releases.create(ci, { service: '', version: '1', commit: 'xyz' }),
      (error: unknown) => {
        const e = error as { code: string; issues: { path: string }[] };
        assert.equal(e.code, 'INVALID_INPUT');
        assert.deepEqual(
          e.issues.map((issue) => issue.path),
          ['service', 'commit'],
        );
        return true;
      },
    );
    await assert.rejects(t.services.releases.create(ci, 'not an object'), {
      code: 'INVALID_INPUT',
    });
    assert.equal(await t.services.deps.store.countAuditEntries(), entries);
    assert.equal((await t.services.releases.list({ limit: 500 })).items.length, page.items.length);
  });

  it('creates one release when the same create request arrives twice at once', async () => {
    const input = { service: 'race', version: '1.0.0', commit: COMMIT };
    const results = await Promise.all([
      t.services.releases.create(ci, input),
      t.services.releases.create(ci, input),
    ]);
    assert.equal(results[0].release.id, results[1].release.id);
    assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
  });

  it('finds a release by id or tag and says which was not found', async () => {
    const { release } = await t.services.releases.create(ci, {
      service: 'find-me',
      version: '1',
      commit: COMMIT,
    });
    assert.equal((await t.services.releases.get(release.id)).tag, 'find-me@1');
    assert.equal((await t.services.releases.get('find-me@1')).id, release.id);
    await assert.rejects(t.services.releases.get('find-me@2'), {
      code: 'RELEASE_NOT_FOUND',
      message: 'no release with id or tag "find-me@2"',
    });
  });

  it('refuses a page size out of range and a forged cursor', async () => {
    await assert.rejects(t.services.releases.list({ limit: 0 }), { code: 'INVALID_INPUT' });
    await assert.rejects(t.services.releases.list({ limit: 501 }), { code: 'INVALID_INPUT' });
    await assert.rejects(t.services.releases.list({ cursor: '../../etc' }), {
      code: 'INVALID_INPUT',
      message: /cursor/,
    });
  });
});

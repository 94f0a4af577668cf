import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../test/support/services.ts';
import { hashTokenValue } from '../core/api-token.ts';

describe('bootstrap token and authentication', () => {
  let t: TestServices;
  before(async () => {
    t = await openTestServices();
  });
  after(() => t.dispose());

  it('refuses a chosen bootstrap token that is too short, creating nothing', async () => {
    await assert.rejects(t.services.tokens.ensureBootstrap('short'), {
      code: 'INVALID_INPUT',
      message: /DOSSIER_BOOTSTRAP_TOKEN must be at least 16 characters/,
    });
    assert.equal(await t.services.deps.store.countTokens(), 0);
  });

  it('creates a random admin token once on an empty store, keeping only its hash', async () => {
    const first = await t.services.tokens.ensureBootstrap(undefined);
    assert.equal(first.created, true);
    assert.match(first.generatedToken ?? '', /^dsr_[A-Za-z0-9_-]{43}$/);
    const stored = await t.services.deps.store.findTokenByHash(
      hashTokenValue(first.generatedToken ?? ''),
    );
    assert.equal(stored?.name, 'bootstrap-admin');
    assert.deepEqual(stored?.roles, ['admin']);
    assert.ok(!JSON.stringify(stored).includes(first.generatedToken ?? '-'));
    const [entry] = await t.services.deps.store.listAuditEntries({ fromSeq: 0, limit: 1 });
    assert.equal(entry?.action, 'token.created');
    assert.equal(entry?.actor, 'system');

    const second = await t.services.tokens.ensureBootstrap('a-chosen-token-that-is-long');
    assert.deepEqual(second, { created: false });
    assert.equal(await t.services.deps.store.countTokens(), 1);
  });

  it('authenticates the token as its actor and refuses a missing or unknown one', async () => {
    const other = await openTestServices();
    try {
      await other.services.tokens.ensureBootstrap('operator-chosen-token-0001');
      const actor = await other.services.tokens.authenticate('operator-chosen-token-0001');
      assert.deepEqual(actor, {
        id: 'token:bootstrap-admin',
        roles: ['admin'],
        method: 'api-token',
      });
      await assert.rejects(other.services.tokens.authenticate(undefined), {
        code: 'UNAUTHENTICATED',
        message: /Bearer/,
      });
      await assert.rejects(other.services.tokens.authenticate('operator-chosen-token-0002'), {
        code: 'UNAUTHENTICATED',
        message: 'the API token was not accepted',
      });
    } finally {
      await other.dispose();
    }
  });
});

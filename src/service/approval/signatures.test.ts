import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { bytes, openTestServices, type TestServices } from '../../../test/support/services.ts';
import type { Actor } from '../../core/actor.ts';
import {
  approve,
  meetCondition,
  type SignerIdentity,
  signingView,
  withdraw,
} from './signatures.ts';

const POLICY = new URL('../../../test/fixtures/policies/approvals.yaml', import.meta.url);
const actorOf = (name: string, roles: string[]): Actor => ({
  id: `user:${name}`,
  roles: roles as unknown as Actor['roles'],
  person: name,
});
const signerOf = (name: string, roles: string[]): SignerIdentity => ({
  username: name,
  fullName: `${name[0]?.toUpperCase()}${name.slice(1)} Example`,
  method: 'password',
  roles,
});
const eligible = async () => undefined;

describe('signatures (approvals)', () => {
  let t: TestServices;
  let n = 0;
  before(async () => {
    t = await openTestServices();
    await t.services.policies.apply(actorOf('root', ['admin']), await readFile(POLICY, 'utf8'));
  });
  after(() => t.dispose());

  const newRelease = async (createdBy = 'ci') => {
    n++;
    const { release } = await t.services.releases.create(actorOf(createdBy, ['engineering']), {
      service: 'pump',
      version: `1.${n}.0`,
      commit: n.toString(16).padStart(40, '0'),
    });
    return release;
  };
  const sign = (who: string, role: string, releaseId: string, extra: object = {}) =>
    approve(
      t.services.deps,
      actorOf(who, [role]),
      signerOf(who, ['engineering', 'qa']),
      releaseId,
      { role, meaning: `${role} review done`, ...extra },
      eligible,
    );

  it('binds a signature to the release, its evidence set and its policy, and the gate counts it', async () => {
    const release = await newRelease();
    const signature = await sign('quinn', 'qa', release.id);
    assert.equal(signature.signer.fullName, 'Quinn Example');
    assert.equal(signature.authMethod, 'password');
    assert.match(signature.contentHash, /^[0-9a-f]{64}$/);
    const decision = (await t.services.gates.decide(actorOf('ci', []), release.id, 'production'))
      .decision;
    const qa = decision.outcomes.find((o) => o.id === 'approval:qa');
    assert.equal(qa?.status, 'passed');
    assert.deepEqual(qa?.approvalIds, [signature.id]);
  });

  it('shows earlier signatures as no longer covering the release once evidence is added', async () => {
    const release = await newRelease();
    await sign('quinn', 'qa', release.id);
    await t.services.evidence.attach(actorOf('ci', ['engineering']), {
      release: release.id,
      kind: 'custom',
      name: 'late.txt',
      body: bytes('added after the signature'),
    });
    const view = await signingView(t.services.deps, release.id);
    assert.equal(view.signatures[0]?.status, 'stale');
    const decision = (await t.services.gates.decide(actorOf('ci', []), release.id, 'production'))
      .decision;
    assert.equal(decision.outcomes.find((o) => o.id === 'approval:qa')?.status, 'pending-approval');
    assert.ok(view.lines.some((line) => line.trim().startsWith('custom sha256:')));
  });

  it('refuses the release creator and a second role for one person, and audits each refusal', async () => {
    const release = await newRelease('alice');
    await assert.rejects(sign('alice', 'qa', release.id), /alice created this release/);
    await sign('bob', 'engineering', release.id);
    await assert.rejects(sign('bob', 'qa', release.id), /one person fills one role/);
    await assert.rejects(
      approve(
        t.services.deps,
        actorOf('carol', ['engineering']),
        signerOf('carol', ['engineering']),
        release.id,
        { role: 'qa', meaning: 'not mine to give' },
        eligible,
      ),
      /does not hold the role qa/,
    );
    await assert.rejects(
      approve(
        t.services.deps,
        actorOf('dan', ['qa']),
        signerOf('dan', ['qa']),
        release.id,
        { role: 'qa', meaning: 'untrained' },
        async () => 'qa requires course GCP-101 v3, not recorded',
      ),
      /GCP-101/,
    );
    const refusals = (await t.services.deps.store.listAuditEntriesFor(`release:${release.id}`))
      .filter((e) => e.action === 'signature.refused')
      .map((e) => String(e.details.reason));
    assert.equal(refusals.length, 4);
    assert.equal((await t.services.deps.store.listSignatures(release.id)).length, 1);
  });

  it('counts two approvals for the same role given at the same instant, and refuses a duplicate', async () => {
    const release = await newRelease();
    const results = await Promise.allSettled([
      sign('erin', 'engineering', release.id),
      sign('frank', 'engineering', release.id),
      sign('erin', 'engineering', release.id),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    const decision = (await t.services.gates.decide(actorOf('ci', []), release.id, 'production'))
      .decision;
    const engineering = decision.outcomes.find((o) => o.id === 'approval:engineering');
    assert.equal(engineering?.status, 'passed');
    assert.match(engineering?.reason ?? '', /2 of 2 approvals \(erin, frank\)/);
  });

  it('lets only the signer withdraw, as a new record; the approval then stops counting', async () => {
    const release = await newRelease();
    const signature = await sign('quinn', 'qa', release.id);
    await assert.rejects(
      withdraw(
        t.services.deps,
        actorOf('mallory', ['qa']),
        signerOf('mallory', ['qa']),
        signature.id,
        {
          meaning: 'not mine',
        },
      ),
      /only they can withdraw it/,
    );
    const withdrawal = await withdraw(
      t.services.deps,
      actorOf('quinn', ['qa']),
      signerOf('quinn', ['qa']),
      signature.id,
      { meaning: 'Found an untested path' },
    );
    assert.equal(withdrawal.withdraws, signature.id);
    await assert.rejects(
      withdraw(t.services.deps, actorOf('quinn', ['qa']), signerOf('quinn', ['qa']), signature.id, {
        meaning: 'Withdrawing twice',
      }),
      {
        code: 'SIGNATURE_REFUSED',
        message: new RegExp(`was already withdrawn at .*${withdrawal.id}`),
      },
    );
    const view = await signingView(t.services.deps, release.id);
    assert.deepEqual(
      view.signatures.map((s) => [s.kind, s.status]),
      [
        ['approval', 'withdrawn'],
        ['withdrawal', 'valid'],
      ],
    );
  });

  it('keeps a conditional approval counting until its deadline unless the condition is met', async () => {
    const release = await newRelease();
    const { evidence } = await t.services.evidence.attach(actorOf('ci', ['engineering']), {
      release: release.id,
      kind: 'custom',
      name: 'field-test.txt',
      body: bytes('field test passed'),
    });
    const signature = await sign('quinn', 'qa', release.id, {
      condition: { text: 'Field test report', owner: 'ann', deadline: '2026-11-23T12:00:00Z' },
    });
    assert.equal(
      (await signingView(t.services.deps, release.id)).signatures[0]?.status,
      'condition-pending',
    );
    // Another approver may not turn it into a full approval; the owner (ann) may.
    await assert.rejects(
      meetCondition(t.services.deps, actorOf('bruno', ['qa']), signature.id, evidence.id),
      { code: 'FORBIDDEN', message: /only ann \(the condition's owner\) or quinn \(who signed\)/ },
    );
    await assert.rejects(
      meetCondition(t.services.deps, actorOf('ann', ['qa']), signature.id, 'evd_other'),
      /is not evidence of the release/,
    );
    await meetCondition(t.services.deps, actorOf('ann', ['qa']), signature.id, evidence.id);
    assert.equal((await signingView(t.services.deps, release.id)).signatures[0]?.status, 'valid');
    await assert.rejects(
      meetCondition(t.services.deps, actorOf('quinn', ['qa']), signature.id, evidence.id),
      { code: 'SIGNATURE_REFUSED', message: /already met at/ },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildRelease } from '../../test/support/builders.ts';
import type { SignatureRecord } from '../core/approval/signature.ts';
import type { ExceptionRecord } from '../core/exception/exception.ts';
import type { StoreConformanceOptions } from './store.conformance.ts';
import { type Store, StoreConflictError } from './store.ts';

const T = '2026-11-23T10:00:00.000Z';

export function signature(
  releaseId: string,
  overrides: Partial<SignatureRecord> = {},
): SignatureRecord {
  return {
    id: `sig_${Math.random().toString(36).slice(2)}`,
    releaseId,
    kind: 'approval',
    role: 'qa',
    meaning: 'QA evidence reviewed',
    signer: { username: 'quinn', fullName: 'Quinn Quality' },
    delegation: null,
    authMethod: 'password',
    signedAt: T,
    contentHash: 'a'.repeat(64),
    content: {
      release: { id: releaseId, tag: 't', commit: 'c'.repeat(40), artifacts: [] },
      evidence: [],
      policySha256: 'p'.repeat(64),
    },
    withdraws: null,
    condition: null,
    ...overrides,
  };
}

export function exception(overrides: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return {
    id: `exc_${Math.random().toString(36).slice(2)}`,
    ruleId: 'coverage-floor',
    scope: {},
    reason: 'Legacy module',
    compensatingControl: 'Manual review',
    requestedBy: 'alice',
    requestedAt: T,
    expiresAt: '2026-12-01T00:00:00.000Z',
    approval: null,
    ...overrides,
  };
}

/** Signatures and exceptions behave the same on every adapter: append-only, write-once. */
export function runSignatureConformance({ name, open }: StoreConformanceOptions): void {
  describe(`Store conformance, signatures and exceptions: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      const subject = await open();
      store = subject.store;
      dispose = () => subject.dispose();
    });
    after(() => dispose());

    it('keeps signatures in order, as written, and one withdrawal per approval', async () => {
      const release = buildRelease();
      await store.transaction((tx) => tx.insertRelease(release));
      const approval = signature(release.id, {
        condition: { text: 'Field test', owner: 'ann', deadline: '2026-12-01T00:00:00.000Z' },
      });
      const withdrawal = signature(release.id, { kind: 'withdrawal', withdraws: approval.id });
      await store.transaction(async (tx) => {
        await tx.lockRelease(release.id);
        await tx.insertSignature(approval);
        await tx.insertSignature(withdrawal);
      });
      assert.deepEqual(await store.listSignatures(release.id), [approval, withdrawal]);
      assert.deepEqual(await store.getSignature(approval.id), approval);
      await assert.rejects(
        store.transaction((tx) =>
          tx.insertSignature(signature(release.id, { kind: 'withdrawal', withdraws: approval.id })),
        ),
        (error) => error instanceof StoreConflictError,
      );
      assert.equal((await store.listSignatures(release.id)).length, 2);
    });

    it('records a met condition once', async () => {
      const release = buildRelease();
      const approval = signature(release.id);
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertSignature(approval);
      });
      const met = { signatureId: approval.id, evidenceId: 'evd_1', metAt: T, metBy: 'ann' };
      await store.transaction((tx) => tx.insertConditionFulfilment(met));
      assert.deepEqual(await store.listConditionFulfilments(release.id), [met]);
      await assert.rejects(
        store.transaction((tx) => tx.insertConditionFulfilment({ ...met, evidenceId: 'evd_2' })),
        (error) => error instanceof StoreConflictError,
      );
    });

    it('finds exceptions by release or service scope, with their approval once given', async () => {
      const release = buildRelease({ service: 'exc-svc' });
      await store.transaction((tx) => tx.insertRelease(release));
      const mine = exception({ scope: { releaseId: release.id } });
      const service = exception({ scope: { service: 'exc-svc', environment: 'production' } });
      const other = exception({ scope: { service: 'elsewhere' } });
      await store.transaction(async (tx) => {
        await tx.insertException(mine);
        await tx.insertException(service);
        await tx.insertException(other);
      });
      assert.deepEqual(
        (await store.listExceptionsFor(release)).map((e) => e.id),
        [mine.id, service.id],
      );
      const approval = { approvedBy: 'quinn', role: 'qa', approvedAt: T };
      await store.transaction((tx) => tx.insertExceptionApproval(mine.id, approval));
      assert.deepEqual(await store.getException(mine.id), { ...mine, approval });
      assert.deepEqual(await store.getException(service.id), service);
      await assert.rejects(
        store.transaction((tx) =>
          tx.insertExceptionApproval(mine.id, { ...approval, approvedBy: 'other' }),
        ),
        (error) => error instanceof StoreConflictError,
      );
      assert.equal((await store.listExceptions({ limit: 1 })).items[0]?.id, other.id);
    });

    it('keeps delegations write-once and finds them by delegate', async () => {
      const delegation = {
        id: `dlg_${Math.random().toString(36).slice(2)}`,
        delegator: 'quinn',
        delegate: 'bruno',
        role: 'qa',
        startsAt: T,
        endsAt: '2026-12-01T00:00:00.000Z',
        reason: 'Leave',
        createdAt: T,
        createdBy: 'user:quinn',
      };
      await store.transaction((tx) => tx.insertDelegation(delegation));
      assert.deepEqual(await store.listDelegationsTo('bruno'), [delegation]);
      assert.deepEqual(await store.listDelegationsTo('quinn'), []);
      assert.equal((await store.listDelegations(1))[0]?.id, delegation.id);
      const unique = delegation.id.slice(4);
      const backup = {
        ...delegation,
        id: `${delegation.id}b`,
        delegator: `lead-${unique}`,
        delegate: `backup-${unique}`,
      };
      await store.transaction((tx) => tx.insertDelegation(backup));
      assert.deepEqual(await store.listDelegations(10, `lead-${unique}`), [backup]);
      assert.deepEqual(await store.listDelegations(10, `backup-${unique}`), [backup]);
      assert.deepEqual(await store.listDelegations(10, `other-${unique}`), []);
      await assert.rejects(
        store.transaction((tx) => tx.insertDelegation(delegation)),
        (error) => error instanceof StoreConflictError,
      );
    });

    it('adds, lists and removes outbound webhook subscriptions', async () => {
      const webhook = {
        id: `owh_${Math.random().toString(36).slice(2)}`,
        url: 'https://hooks.example/dossier',
        secret: 'a-secret-of-enough-length',
        events: ['gate.changed' as const, 'approval.given' as const],
        createdAt: T,
        createdBy: 'user:root',
      };
      await store.transaction((tx) => tx.insertOutboundWebhook(webhook));
      assert.deepEqual(await store.getOutboundWebhook(webhook.id), webhook);
      assert.ok((await store.listOutboundWebhooks()).some((w) => w.id === webhook.id));
      assert.equal(await store.transaction((tx) => tx.deleteOutboundWebhook(webhook.id)), true);
      assert.equal(await store.transaction((tx) => tx.deleteOutboundWebhook(webhook.id)), false);
      assert.equal(await store.getOutboundWebhook(webhook.id), undefined);
    });
  });
}

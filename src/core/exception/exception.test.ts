import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ExceptionRecord,
  exceptionAging,
  exceptionApprovalProblem,
  exceptionState,
  gateExceptions,
} from './exception.ts';

const NOW = new Date('2026-11-23T12:00:00Z');

function exception(overrides: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return {
    id: 'exc_1',
    ruleId: 'coverage-floor',
    scope: { releaseId: 'rel_1' },
    reason: 'Legacy module without tests',
    compensatingControl: 'Manual review of the module by QA',
    requestedBy: 'alice',
    requestedAt: '2026-11-23T09:00:00Z',
    expiresAt: '2026-12-20T00:00:00Z',
    approval: null,
    ...overrides,
  };
}
const approved = { approvedBy: 'quinn', role: 'qa', approvedAt: '2026-11-23T10:00:00Z' };

describe('exceptions', () => {
  it('moves from requested to active to expiring soon to expired by the clock alone', () => {
    assert.equal(exceptionState(exception(), NOW), 'requested');
    assert.equal(exceptionState(exception({ approval: approved }), NOW), 'active');
    const soon = exception({ approval: approved, expiresAt: '2026-11-26T00:00:00Z' });
    assert.equal(exceptionState(soon, NOW), 'expiring-soon');
    assert.equal(exceptionState(soon, new Date('2026-11-26T00:00:00Z')), 'expired');
  });

  it('passes only approved exceptions to the gate', () => {
    const list = [exception(), exception({ id: 'exc_2', approval: approved })];
    assert.deepEqual(
      gateExceptions(list).map((e) => e.id),
      ['exc_2'],
    );
  });

  it('needs another person than the requester, holding a role the policy names', () => {
    const authority = { approver: 'quinn', approverRoles: ['qa'], allowedRoles: ['qa'] };
    assert.equal(exceptionApprovalProblem(exception(), authority, NOW), undefined);
    assert.match(
      exceptionApprovalProblem(exception(), { ...authority, approver: 'alice' }, NOW) ?? '',
      /requested exc_1; another person must approve it/,
    );
    assert.match(
      exceptionApprovalProblem(
        exception(),
        { ...authority, approverRoles: ['engineering'] },
        NOW,
      ) ?? '',
      /needs one of the roles qa/,
    );
    assert.match(
      exceptionApprovalProblem(exception({ approval: approved }), authority, NOW) ?? '',
      /already approved/,
    );
    assert.match(
      exceptionApprovalProblem(exception({ expiresAt: '2026-11-23T11:00:00Z' }), authority, NOW) ??
        '',
      /expired at/,
    );
  });

  it('sorts exceptions into aging buckets', () => {
    const aging = exceptionAging(
      [
        exception(),
        exception({ id: 'a', approval: approved }),
        exception({ id: 's', approval: approved, expiresAt: '2026-11-24T00:00:00Z' }),
        exception({ id: 'x', approval: approved, expiresAt: '2026-11-01T00:00:00Z' }),
      ],
      NOW,
    );
    assert.deepEqual(
      [aging.requested, aging.active, aging.expiringSoon, aging.expired].map((b) =>
        b.map((e) => e.id),
      ),
      [['exc_1'], ['a'], ['s'], ['x']],
    );
  });
});

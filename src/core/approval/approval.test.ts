import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delegationProblem, delegationWindow, findDelegation } from './delegation.ts';
import { separationOfDutiesProblem } from './separation-of-duties.ts';
import {
  countingApprovals,
  type SignatureRecord,
  type SignatureState,
  signatureStatus,
} from './signature.ts';
import { signedContentHash, signedContentOf } from './signed-content.ts';

const release = {
  id: 'rel_1',
  tag: 'assay@2.0.0+chg-7',
  commit: 'a'.repeat(40),
  artifacts: [`sha256:${'b'.repeat(64)}`],
};
const evidence = [
  { kind: 'junit' as const, sha256: '1'.repeat(64) },
  { kind: 'sbom' as const, sha256: '2'.repeat(64) },
];
const POLICY = 'c'.repeat(64);
const content = signedContentOf(release, evidence, POLICY);
const hash = signedContentHash(content);

function signature(overrides: Partial<SignatureRecord> = {}): SignatureRecord {
  return {
    id: 'sig_1',
    releaseId: 'rel_1',
    kind: 'approval',
    role: 'qa',
    meaning: 'QA evidence reviewed',
    signer: { username: 'quinn', fullName: 'Quinn Q.' },
    delegation: null,
    authMethod: 'password',
    signedAt: '2026-11-23T10:00:00.000Z',
    contentHash: hash,
    content,
    withdraws: null,
    condition: null,
    ...overrides,
  };
}

const state = (signatures: SignatureRecord[], overrides: Partial<SignatureState> = {}) => ({
  currentContentHash: hash,
  signatures,
  fulfilments: [],
  now: new Date('2026-11-24T00:00:00Z'),
  ...overrides,
});

describe('signed content', () => {
  it('does not depend on the order evidence was attached in, or on repeats', () => {
    const reversed = signedContentOf(release, [...evidence].reverse().concat(evidence), POLICY);
    assert.equal(signedContentHash(reversed), hash);
  });

  it('changes when evidence is added or removed, the policy changes, or the release differs', () => {
    const more = [...evidence, { kind: 'coverage' as const, sha256: '3'.repeat(64) }];
    assert.notEqual(signedContentHash(signedContentOf(release, more, POLICY)), hash);
    assert.notEqual(signedContentHash(signedContentOf(release, evidence.slice(1), POLICY)), hash);
    assert.notEqual(signedContentHash(signedContentOf(release, evidence, 'd'.repeat(64))), hash);
    assert.notEqual(
      signedContentHash(signedContentOf({ ...release, commit: 'e'.repeat(40) }, evidence, POLICY)),
      hash,
    );
    // The same bytes as another kind is another fact.
    const asCustom = [
      { kind: 'custom' as const, sha256: '1'.repeat(64) },
      { kind: 'sbom' as const, sha256: '2'.repeat(64) },
    ];
    assert.notEqual(signedContentHash(signedContentOf(release, asCustom, POLICY)), hash);
  });
});

describe('signature status', () => {
  it('counts an approval that covers the release as it is', () => {
    const s = signature();
    assert.equal(signatureStatus(s, state([s])).status, 'valid');
    assert.deepEqual(countingApprovals(state([s])), [{ id: 'sig_1', role: 'qa', signer: 'quinn' }]);
  });

  it('stops counting an approval once evidence changed (stale)', () => {
    const s = signature();
    const changed = state([s], { currentContentHash: 'f'.repeat(64) });
    assert.equal(signatureStatus(s, changed).status, 'stale');
    assert.deepEqual(countingApprovals(changed), []);
  });

  it('stops counting a withdrawn approval; the withdrawal itself never counts', () => {
    const s = signature();
    const w = signature({
      id: 'sig_2',
      kind: 'withdrawal',
      withdraws: 'sig_1',
      meaning: 'Found a gap',
    });
    assert.equal(signatureStatus(s, state([s, w])).status, 'withdrawn');
    assert.match(signatureStatus(s, state([s, w])).reason, /Found a gap/);
    assert.deepEqual(countingApprovals(state([s, w])), []);
  });

  it('counts a conditional approval until its deadline, then lets it lapse unless met', () => {
    const s = signature({
      condition: { text: 'Field test report', owner: 'ann', deadline: '2026-11-25T00:00:00Z' },
    });
    const before = state([s], { now: new Date('2026-11-24T23:59:59Z') });
    assert.equal(signatureStatus(s, before).status, 'condition-pending');
    assert.equal(countingApprovals(before).length, 1);
    const after = state([s], { now: new Date('2026-11-25T00:00:00Z') });
    assert.equal(signatureStatus(s, after).status, 'lapsed');
    assert.equal(countingApprovals(after).length, 0);
    const met = state([s], {
      now: new Date('2026-11-26T00:00:00Z'),
      fulfilments: [
        { signatureId: 'sig_1', evidenceId: 'evd_9', metAt: '2026-11-24T12:00:00Z', metBy: 'ann' },
      ],
    });
    assert.equal(signatureStatus(s, met).status, 'valid');
    assert.equal(countingApprovals(met).length, 1);
  });
});

describe('separation of duties at signing', () => {
  const base = {
    signer: 'quinn',
    role: 'qa',
    release: { createdBy: 'token:ci' },
    changeAuthor: 'user:alice',
    counting: [],
    policy: { authorMayApprove: false, oneRolePerSigner: true },
  };

  it('lets an independent person sign', () => {
    assert.equal(separationOfDutiesProblem(base), undefined);
  });

  it('refuses the release creator and the change author', () => {
    assert.match(
      separationOfDutiesProblem({ ...base, release: { createdBy: 'user:quinn' } }) ?? '',
      /created this release/,
    );
    assert.match(
      separationOfDutiesProblem({ ...base, signer: 'alice' }) ?? '',
      /authored the change request/,
    );
    assert.equal(
      separationOfDutiesProblem({
        ...base,
        signer: 'alice',
        policy: { authorMayApprove: true, oneRolePerSigner: true },
      }),
      undefined,
    );
  });

  it('refuses a second role, or the same role twice, for one person', () => {
    const signed = [
      { id: 'sig_1', role: 'engineering', signer: { username: 'quinn', fullName: 'Q' } },
    ];
    assert.match(
      separationOfDutiesProblem({ ...base, counting: signed }) ?? '',
      /already approved this release as engineering; one person fills one role/,
    );
    assert.match(
      separationOfDutiesProblem({ ...base, role: 'engineering', counting: signed }) ?? '',
      /already approved this release as engineering$/,
    );
  });
});

describe('delegation (backup approvers)', () => {
  const delegation = {
    id: 'dlg_1',
    delegator: 'quinn',
    delegate: 'tina',
    role: 'qa',
    startsAt: '2026-11-20T00:00:00Z',
    endsAt: '2026-11-30T00:00:00Z',
    reason: 'Holiday',
    createdAt: '2026-11-19T00:00:00Z',
    createdBy: 'user:quinn',
  };
  const use = (now: string, overrides: Record<string, string> = {}) => ({
    delegator: 'quinn',
    delegate: 'tina',
    role: 'qa',
    now: new Date(now),
    ...overrides,
  });

  it('lets the delegate sign for the role inside the window only', () => {
    assert.equal(findDelegation([delegation], use('2026-11-25T00:00:00Z')).delegation?.id, 'dlg_1');
    assert.match(
      findDelegation([delegation], use('2026-11-30T00:00:00Z')).problem ?? '',
      /expired at 2026-11-30/,
    );
    assert.match(
      findDelegation([delegation], use('2026-11-19T00:00:00Z')).problem ?? '',
      /starts at/,
    );
  });

  it('refuses another role, another delegate, or no delegation at all', () => {
    assert.match(
      findDelegation([delegation], use('2026-11-25T00:00:00Z', { role: 'regulatory' })).problem ??
        '',
      /delegates the qa role, not regulatory/,
    );
    assert.match(
      findDelegation([delegation], use('2026-11-25T00:00:00Z', { delegate: 'mallory' })).problem ??
        '',
      /quinn has not delegated to mallory/,
    );
    assert.equal(
      delegationProblem(delegation, {
        delegate: 'tina',
        role: 'qa',
        now: new Date('2026-11-21T00:00:00Z'),
      }),
      undefined,
    );
  });
});

describe('delegationWindow', () => {
  const window = { startsAt: '2026-12-20T00:00:00.000Z', endsAt: '2027-01-05T00:00:00.000Z' };
  it('is upcoming before the start, active from the start, ended at the end instant', () => {
    assert.equal(delegationWindow(window, new Date('2026-12-19T23:59:59.999Z')), 'upcoming');
    assert.equal(delegationWindow(window, new Date('2026-12-20T00:00:00.000Z')), 'active');
    assert.equal(delegationWindow(window, new Date('2027-01-04T23:59:59.999Z')), 'active');
    assert.equal(delegationWindow(window, new Date('2027-01-05T00:00:00.000Z')), 'ended');
  });
});

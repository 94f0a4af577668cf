import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GateOutcome } from '../policy/evaluate-gate.ts';
import { githubCommitStatus, gitlabCommitStatus, statusSummary } from './commit-status.ts';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const outcome = (id: string, status: GateOutcome['status'], reason = 'r'): GateOutcome => ({
  id,
  requirement: id.startsWith('approval:') ? 'approval' : 'rule',
  status,
  reason,
  evidenceIds: [],
});
const facts = (decision: 'allowed' | 'blocked', outcomes: GateOutcome[]) => ({
  decision: { decision, environment: 'production', outcomes, riskClass: 'medium' },
  targetUrl: 'https://dossier.example/releases/rel_1',
});

describe('commit statuses from gate decisions', () => {
  it('says blocked with the first failing rule and its figures', () => {
    const blocked = facts('blocked', [
      outcome('tests-pass', 'passed'),
      outcome('coverage-floor', 'failed', 'coverage.lines 0.71 < 0.80'),
      outcome('approval:qa', 'pending-approval', 'qa: 0 of 1 approval'),
    ]);
    assert.deepEqual(githubCommitStatus(blocked), {
      state: 'failure',
      target_url: 'https://dossier.example/releases/rel_1',
      description: 'blocked: coverage-floor: coverage.lines 0.71 < 0.80; 1 more',
      context: 'dossier/gate: production',
    });
    assert.equal(gitlabCommitStatus(blocked).state, 'failed');
    assert.equal(gitlabCommitStatus(blocked).name, 'dossier/gate: production');
  });

  it('is pending, not failed, when only approvals are missing', () => {
    const waiting = facts('blocked', [
      outcome('tests-pass', 'passed'),
      outcome('approval:qa', 'pending-approval'),
      outcome('approval:engineering', 'pending-approval'),
    ]);
    assert.equal(githubCommitStatus(waiting).state, 'pending');
    assert.equal(statusSummary(waiting).description, 'awaiting approval: qa, engineering');
  });

  it('is success when allowed, and never longer than 140 characters', () => {
    assert.equal(githubCommitStatus(facts('allowed', [])).state, 'success');
    const long = facts('blocked', [outcome('x', 'failed', 'y'.repeat(400))]);
    assert.equal([...githubCommitStatus(long).description].length, 140);
  });
});

describe('outbound webhook signatures', () => {
  const body = '{"event":"gate.changed"}';
  it('verifies a fresh signature over the exact body', () => {
    const header = signWebhook('s3cret', 1_800_000_000, body);
    assert.match(header, /^t=1800000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyWebhookSignature('s3cret', header, body, 1_800_000_010), { ok: true });
  });

  it('refuses a changed body, another secret, or a replay outside the tolerance', () => {
    const header = signWebhook('s3cret', 1_800_000_000, body);
    assert.equal(verifyWebhookSignature('s3cret', header, `${body} `, 1_800_000_000).ok, false);
    assert.equal(verifyWebhookSignature('other', header, body, 1_800_000_000).ok, false);
    const replay = verifyWebhookSignature('s3cret', header, body, 1_800_001_000);
    assert.deepEqual(replay, { ok: false, reason: 'timestamp outside the tolerance (a replay?)' });
    assert.equal(verifyWebhookSignature('s3cret', 'garbage', body, 1_800_000_000).ok, false);
  });
});

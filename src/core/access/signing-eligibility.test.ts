import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SigningCandidate, signingEligibility } from './signing-eligibility.ts';
import type { TrainingRecord, TrainingRequirement } from './training.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const GCP: TrainingRequirement = { role: 'qa', course: 'GCP-101', version: '3' };

function training(overrides: Partial<TrainingRecord> = {}): TrainingRecord {
  return {
    id: 'trn_1',
    username: 'alice',
    course: 'GCP-101',
    version: '3',
    completedOn: '2026-01-10',
    expiresOn: '2027-01-10',
    recordedAt: '2026-01-11T09:00:00.000Z',
    recordedBy: 'user:root',
    ...overrides,
  };
}

function alice(overrides: Partial<SigningCandidate> = {}): SigningCandidate {
  return {
    username: 'alice',
    roles: ['qa'],
    disabledAt: null,
    training: [training()],
    ...overrides,
  };
}

describe('signingEligibility', () => {
  it('is eligible with the role and a current training at the required version', () => {
    assert.deepEqual(signingEligibility(alice(), 'qa', NOW, [GCP]), { eligible: true });
  });

  it('needs no training for a role that requires none', () => {
    const result = signingEligibility(
      alice({ roles: ['qa', 'security'], training: [] }),
      'security',
      NOW,
      [GCP],
    );
    assert.deepEqual(result, { eligible: true });
  });

  it('refuses a disabled account before anything else', () => {
    const result = signingEligibility(
      alice({ disabledAt: '2026-11-01T00:00:00.000Z' }),
      'qa',
      NOW,
      [GCP],
    );
    assert.equal(result.eligible, false);
    assert.equal(!result.eligible && result.code, 'ACCOUNT_DISABLED');
  });

  it('refuses a role the person does not hold, naming it', () => {
    const result = signingEligibility(alice(), 'clinical', NOW, []);
    assert.deepEqual(result, {
      eligible: false,
      code: 'ROLE_NOT_HELD',
      reason: 'alice does not hold the clinical role',
    });
  });

  it('says the course is not recorded, and which versions are', () => {
    const none = signingEligibility(alice({ training: [] }), 'qa', NOW, [GCP]);
    assert.deepEqual(none, {
      eligible: false,
      code: 'TRAINING_MISSING',
      reason: 'qa requires course GCP-101 v3, not recorded for alice',
    });
    const older = signingEligibility(alice({ training: [training({ version: '2' })] }), 'qa', NOW, [
      GCP,
    ]);
    assert.equal(
      !older.eligible && older.reason,
      'qa requires course GCP-101 v3, not recorded for alice (alice has v2)',
    );
  });

  it('says when the training expired; the last day still counts', () => {
    const expired = signingEligibility(
      alice({ training: [training({ expiresOn: '2026-11-22' })] }),
      'qa',
      NOW,
      [GCP],
    );
    assert.equal(
      !expired.eligible && expired.reason,
      'qa requires course GCP-101 v3, which expired for alice on 2026-11-22',
    );
    const lastDay = signingEligibility(
      alice({ training: [training({ expiresOn: '2026-11-23' })] }),
      'qa',
      NOW,
      [GCP],
    );
    assert.deepEqual(lastDay, { eligible: true });
  });

  it('counts a renewed record when an older one expired', () => {
    const renewed = alice({
      training: [training({ expiresOn: '2025-12-31' }), training({ id: 'trn_2', expiresOn: null })],
    });
    assert.deepEqual(signingEligibility(renewed, 'qa', NOW, [GCP]), { eligible: true });
  });

  it('does not count a completion dated after today', () => {
    const result = signingEligibility(
      alice({ training: [training({ completedOn: '2026-12-01', expiresOn: null })] }),
      'qa',
      NOW,
      [GCP],
    );
    assert.match(
      !result.eligible ? result.reason : '',
      /completed on 2026-12-01, which is after today \(2026-11-23\)/,
    );
  });

  it('checks every requirement of the role', () => {
    const sop: TrainingRequirement = { role: 'qa', course: 'SOP-7', version: '1' };
    const result = signingEligibility(alice(), 'qa', NOW, [GCP, sop]);
    assert.equal(
      !result.eligible && result.reason,
      'qa requires course SOP-7 v1, not recorded for alice',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EvaluateGateOptions, evaluateGate, type GateDecision } from './evaluate-gate.ts';
import { buildEvidence, buildGate } from './fixtures/gate-inputs.ts';
import { type Policy, parsePolicy } from './policy-schema.ts';

const POLICY = `version: 1
risk:
  classes:
    - { name: medium, when: "score < 15" }
    - { name: high, when: "true" }
tiers:
  medium:
    default:
      evidence: [junit, coverage]
      rules:
        - id: tests-pass
          description: no failed tests
          when: "evidence.junit.failed == 0 && evidence.junit.tests > 0"
        - id: coverage-floor
          description: line coverage floor
          when: "evidence.coverage.lines >= 0.80"
        - id: rollback-plan-attached
          description: a rollback plan is attached
          evidence: rollback-plan
          when: "true"
      approvals: [{ role: qa, count: 1 }, { role: engineering, count: 2 }]
  high:
    default:
      evidence: [junit, coverage, provenance]
      approvals: [{ role: qa, count: 2 }]
environments:
  staging: {}
  production: { requireTier: true, promoteFrom: [staging] }
`;

const parsed = parsePolicy(POLICY);
if (!parsed.policy) throw new Error(JSON.stringify(parsed.problems));
const policy: Policy = parsed.policy;

const complete = (): Partial<EvaluateGateOptions> => ({
  evidence: [buildEvidence('junit'), buildEvidence('coverage'), buildEvidence('rollback-plan')],
  approvals: [
    { id: 'sig-1', role: 'qa', signer: 'quinn' },
    { id: 'sig-2', role: 'engineering', signer: 'erin' },
    { id: 'sig-3', role: 'engineering', signer: 'eli' },
  ],
});

function gate(overrides: Partial<EvaluateGateOptions> = {}): GateDecision {
  return evaluateGate(buildGate(policy, { ...complete(), ...overrides }));
}

function outcome(decision: GateDecision, id: string) {
  const found = decision.outcomes.find((o) => o.id === id);
  assert.ok(found, `no outcome ${id} in ${decision.outcomes.map((o) => o.id).join(', ')}`);
  return found;
}

describe('evaluateGate outcomes', () => {
  it('everything present and approved → allowed, every outcome passed, with the evidence it read', () => {
    const decision = gate();
    assert.equal(decision.decision, 'allowed');
    assert.ok(decision.outcomes.every((o) => o.status === 'passed'));
    assert.deepEqual(outcome(decision, 'tests-pass').evidenceIds, ['ev-junit']);
    assert.deepEqual(outcome(decision, 'rollback-plan-attached').evidenceIds, ['ev-rollback-plan']);
    assert.deepEqual(outcome(decision, 'approval:engineering').approvalIds, ['sig-2', 'sig-3']);
  });

  it('coverage below the floor → failed, the reason naming the figure and the threshold as written', () => {
    const decision = gate({
      evidence: [
        buildEvidence('junit'),
        buildEvidence('coverage', { figures: { lines: 0.71 } }),
        buildEvidence('rollback-plan'),
      ],
    });
    assert.equal(decision.decision, 'blocked');
    const coverage = outcome(decision, 'coverage-floor');
    assert.equal(coverage.status, 'failed');
    assert.equal(coverage.reason, 'coverage.lines 0.71 < 0.80');
    assert.deepEqual(coverage.evidenceIds, ['ev-coverage']);
  });

  it('a conjunction → names only the parts that are false', () => {
    const decision = gate({
      evidence: [
        buildEvidence('junit', { figures: { failed: 2 } }),
        buildEvidence('coverage'),
        buildEvidence('rollback-plan'),
      ],
    });
    assert.equal(outcome(decision, 'tests-pass').reason, 'junit.failed 2 != 0');
  });

  it('no record of a kind → evidence requirement and the rules reading it are missing-evidence', () => {
    const decision = gate({ evidence: [buildEvidence('junit'), buildEvidence('rollback-plan')] });
    assert.equal(outcome(decision, 'evidence:coverage').status, 'missing-evidence');
    assert.equal(outcome(decision, 'coverage-floor').status, 'missing-evidence');
    assert.equal(outcome(decision, 'coverage-floor').reason, 'no coverage evidence');
    assert.equal(decision.decision, 'blocked');
  });

  it("a rule's declared evidence kind counts even when `when` does not read it", () => {
    const decision = gate({ evidence: [buildEvidence('junit'), buildEvidence('coverage')] });
    assert.equal(outcome(decision, 'rollback-plan-attached').status, 'missing-evidence');
  });

  describe('odd evidence never throws; the rule fails with a reason', () => {
    const odd: Array<[string, Record<string, unknown> | null, RegExp]> = [
      ['a missing field', { tests: 3 }, /junit evidence ev-junit has no 'failed'/],
      [
        'a string where a count belongs',
        { tests: 3, failed: 'none' },
        /junit\.failed is "none" \(string\), expected int/,
      ],
      [
        'a fractional count',
        { tests: 3, failed: 0.5 },
        /junit\.failed is 0\.5 \(double\), expected int/,
      ],
      [
        'null where a count belongs',
        { tests: 3, failed: null },
        /junit\.failed is null, expected int/,
      ],
      ['no summary yet', null, /has no summary to read/],
    ];
    for (const [name, summary, reason] of odd) {
      it(`${name} → failed: ${reason.source}`, () => {
        const decision = gate({
          evidence: [
            buildEvidence('junit', { summary }),
            buildEvidence('coverage'),
            buildEvidence('rollback-plan'),
          ],
        });
        const tests = outcome(decision, 'tests-pass');
        assert.equal(tests.status, 'failed');
        assert.match(tests.reason, reason);
      });
    }

    it('a null coverage ratio (nothing measured) → failed, saying so', () => {
      const decision = gate({
        evidence: [
          buildEvidence('junit'),
          buildEvidence('coverage', { figures: { lines: null } }),
          buildEvidence('rollback-plan'),
        ],
      });
      const coverage = outcome(decision, 'coverage-floor');
      assert.equal(coverage.status, 'failed');
      assert.match(coverage.reason, /coverage\.lines = null/);
    });
  });

  it('several records of a kind → the rule holds for each, and the reason names the failing one', () => {
    const decision = gate({
      evidence: [
        buildEvidence('junit'),
        buildEvidence('junit', { id: 'ev-junit-2', figures: { failed: 1 } }),
        buildEvidence('coverage'),
        buildEvidence('rollback-plan'),
      ],
    });
    const tests = outcome(decision, 'tests-pass');
    assert.equal(tests.status, 'failed');
    assert.equal(tests.reason, 'junit.failed 1 != 0 [ev-junit-2]');
    assert.deepEqual(tests.evidenceIds, ['ev-junit', 'ev-junit-2']);
  });

  describe('waived', () => {
    const failing = () => ({
      evidence: [
        buildEvidence('junit'),
        buildEvidence('coverage', { figures: { lines: 0.71 } }),
        buildEvidence('rollback-plan'),
      ],
    });
    it('an exception in force for the rule → waived, naming the exception, and the gate allows', () => {
      const decision = gate({
        ...failing(),
        exceptions: [
          {
            id: 'EXC-3',
            ruleId: 'coverage-floor',
            scope: { releaseId: 'rel-1' },
            expiresAt: '2026-04-01T00:00:00Z',
          },
        ],
      });
      const coverage = outcome(decision, 'coverage-floor');
      assert.equal(coverage.status, 'waived');
      assert.equal(coverage.exceptionId, 'EXC-3');
      assert.match(
        coverage.reason,
        /^waived by EXC-3 until 2026-04-01T00:00:00Z: coverage\.lines 0\.71 < 0\.80$/,
      );
      assert.equal(decision.decision, 'allowed');
    });

    it('an expired exception → does not count, and the reason says it expired', () => {
      const decision = gate({
        ...failing(),
        exceptions: [
          {
            id: 'EXC-2',
            ruleId: 'coverage-floor',
            scope: { service: 'assay-analysis' },
            expiresAt: '2026-03-03T12:00:00Z',
          },
        ],
      });
      const coverage = outcome(decision, 'coverage-floor');
      assert.equal(coverage.status, 'failed');
      assert.match(coverage.reason, /exception EXC-2 expired at 2026-03-03T12:00:00Z/);
      assert.equal(decision.decision, 'blocked');
    });

    it('an exception for another environment or with no scope → does not count', () => {
      const decision = gate({
        ...failing(),
        exceptions: [
          {
            id: 'EXC-4',
            ruleId: 'coverage-floor',
            scope: { environment: 'staging' },
            expiresAt: '2027-01-01T00:00:00Z',
          },
          { id: 'EXC-5', ruleId: 'coverage-floor', scope: {}, expiresAt: '2027-01-01T00:00:00Z' },
        ],
      });
      assert.equal(outcome(decision, 'coverage-floor').status, 'failed');
    });

    it('missing evidence can be waived; an approval cannot', () => {
      const decision = gate({
        evidence: [buildEvidence('junit'), buildEvidence('coverage')],
        approvals: [],
        exceptions: [
          {
            id: 'EXC-6',
            ruleId: 'rollback-plan-attached',
            scope: { releaseId: 'rel-1' },
            expiresAt: '2027-01-01T00:00:00Z',
          },
          {
            id: 'EXC-7',
            ruleId: 'approval:qa',
            scope: { releaseId: 'rel-1' },
            expiresAt: '2027-01-01T00:00:00Z',
          },
        ],
      });
      assert.equal(outcome(decision, 'rollback-plan-attached').status, 'waived');
      assert.equal(outcome(decision, 'approval:qa').status, 'pending-approval');
    });
  });

  describe('pending-approval', () => {
    it('fewer signers than required → pending-approval with the count', () => {
      const decision = gate({ approvals: [{ id: 'sig-2', role: 'engineering', signer: 'erin' }] });
      assert.equal(outcome(decision, 'approval:engineering').status, 'pending-approval');
      assert.equal(
        outcome(decision, 'approval:engineering').reason,
        'engineering: 1 of 2 approvals (erin)',
      );
      assert.equal(outcome(decision, 'approval:qa').reason, 'qa: 0 of 1 approval');
      assert.equal(decision.decision, 'blocked');
    });

    it('the same signer twice → counts once', () => {
      const decision = gate({
        approvals: [
          { id: 'sig-1', role: 'qa', signer: 'quinn' },
          { id: 'sig-2', role: 'engineering', signer: 'erin' },
          { id: 'sig-3', role: 'engineering', signer: 'erin' },
        ],
      });
      assert.equal(outcome(decision, 'approval:engineering').status, 'pending-approval');
    });

    it('the author signing → does not count (authorMayApprove: false)', () => {
      const decision = gate({
        approvals: [
          { id: 'sig-1', role: 'qa', signer: 'dana' },
          { id: 'sig-2', role: 'engineering', signer: 'erin' },
          { id: 'sig-3', role: 'engineering', signer: 'eli' },
        ],
      });
      const qa = outcome(decision, 'approval:qa');
      assert.equal(qa.status, 'pending-approval');
      assert.match(qa.reason, /dana is the author and may not approve/);
    });

    it('one person in two roles → counts for the first role only (oneRolePerSigner)', () => {
      const decision = gate({
        approvals: [
          { id: 'sig-1', role: 'qa', signer: 'erin' },
          { id: 'sig-2', role: 'engineering', signer: 'erin' },
          { id: 'sig-3', role: 'engineering', signer: 'eli' },
        ],
      });
      assert.equal(outcome(decision, 'approval:qa').status, 'passed');
      const engineering = outcome(decision, 'approval:engineering');
      assert.equal(engineering.status, 'pending-approval');
      assert.match(engineering.reason, /erin already approved as qa/);
    });
  });

  describe('environments and risk class', () => {
    it('not yet through staging → promote-from:staging failed', () => {
      const decision = gate({ environmentHistory: [] });
      assert.equal(outcome(decision, 'promote-from:staging').status, 'failed');
      assert.equal(
        outcome(decision, 'promote-from:staging').reason,
        'the release has not been through staging',
      );
    });

    it('the latest staging deployment rolled back → failed, even after an earlier pass', () => {
      const decision = gate({
        environmentHistory: [
          { environment: 'staging', status: 'rolled-back', at: '2026-03-02T10:00:00Z' },
          { environment: 'staging', status: 'passed', at: '2026-03-01T10:00:00Z' },
        ],
      });
      assert.match(
        outcome(decision, 'promote-from:staging').reason,
        /rolled-back at 2026-03-02T10:00:00Z/,
      );
    });

    it('an environment the policy does not name → blocked', () => {
      const decision = gate({ environment: 'qa-lab' });
      assert.equal(outcome(decision, 'environment').status, 'failed');
      assert.equal(decision.decision, 'blocked');
    });

    it('no risk assessment where production requires one → blocked, showing the strictest tier', () => {
      const decision = gate({ change: { id: 'CHG-9', type: 'code', risk: null } });
      assert.equal(outcome(decision, 'risk-class').status, 'failed');
      assert.equal(decision.riskClass, 'high');
      assert.equal(decision.riskClassSource, 'strictest');
      assert.equal(outcome(decision, 'evidence:provenance').status, 'missing-evidence');
    });

    it('a chosen class over the baseline → that tier applies, and both are named', () => {
      const decision = gate({
        change: {
          id: 'CHG-9',
          type: 'code',
          risk: { baselineClass: 'medium', chosenClass: 'high' },
        },
      });
      assert.equal(decision.riskClass, 'high');
      assert.equal(decision.riskClassSource, 'chosen');
      assert.equal(
        outcome(decision, 'risk-class').reason,
        'class high, chosen over the baseline medium',
      );
    });
  });
});

describe('evaluateGate determinism', () => {
  it('the same inputs → the same decision and hash; input order does not matter', () => {
    const a = gate();
    const options = complete();
    const b = gate({
      evidence: [...(options.evidence ?? [])].reverse(),
      approvals: [...(options.approvals ?? [])].reverse(),
    });
    assert.deepEqual(a, b);
    assert.match(a.decisionHash, /^[0-9a-f]{64}$/);
  });

  it('the hash covers the decision without itself', () => {
    const { decisionHash: _, ...rest } = gate();
    assert.equal(Object.keys(rest).includes('decisionHash'), false);
  });

  const base = gate();
  const changes: Array<[string, Partial<EvaluateGateOptions>]> = [
    [
      'a different evidence record',
      {
        evidence: [
          buildEvidence('junit', { sha256: 'ff' }),
          buildEvidence('coverage'),
          buildEvidence('rollback-plan'),
        ],
      },
    ],
    [
      'a failing figure',
      {
        evidence: [
          buildEvidence('junit'),
          buildEvidence('coverage', { figures: { lines: 0.5 } }),
          buildEvidence('rollback-plan'),
        ],
      },
    ],
    ['one approval fewer', { approvals: complete().approvals?.slice(1) }],
    ['another environment', { environment: 'staging' }],
    [
      'another change type',
      { change: { id: 'CHG-12', type: 'config', risk: { baselineClass: 'medium' } } },
    ],
    [
      'another change',
      { change: { id: 'CHG-13', type: 'code', risk: { baselineClass: 'medium' } } },
    ],
    [
      'another risk class',
      { change: { id: 'CHG-12', type: 'code', risk: { baselineClass: 'high' } } },
    ],
    [
      'another release',
      { release: { id: 'rel-2', service: 'assay-analysis', version: '4.2.1', author: 'dana' } },
    ],
    ['no staging pass', { environmentHistory: [] }],
    [
      'a waiver in force',
      {
        evidence: [buildEvidence('junit'), buildEvidence('coverage')],
        exceptions: [
          {
            id: 'EXC-1',
            ruleId: 'rollback-plan-attached',
            scope: { releaseId: 'rel-1' },
            expiresAt: '2027-01-01T00:00:00Z',
          },
        ],
      },
    ],
  ];
  for (const [name, override] of changes) {
    it(`${name} → a different hash`, () => {
      assert.notEqual(gate(override).decisionHash, base.decisionHash);
    });
  }

  it('another policy text → a different hash', () => {
    const other = parsePolicy(`${POLICY}# revised\n`).policy;
    assert.ok(other);
    assert.notEqual(evaluateGate(buildGate(other, complete())).decisionHash, base.decisionHash);
  });

  it('time alone → the same hash (the audit entry records when); time crossing an expiry → a different one', () => {
    assert.equal(gate({ now: new Date('2026-03-05T00:00:00Z') }).decisionHash, base.decisionHash);
    const waiver = {
      evidence: [buildEvidence('junit'), buildEvidence('coverage')],
      exceptions: [
        {
          id: 'EXC-1',
          ruleId: 'rollback-plan-attached',
          scope: { releaseId: 'rel-1' },
          expiresAt: '2026-03-04T00:00:00Z',
        },
      ],
    };
    assert.notEqual(
      gate({ ...waiver, now: new Date('2026-03-03T00:00:00Z') }).decisionHash,
      gate({ ...waiver, now: new Date('2026-03-05T00:00:00Z') }).decisionHash,
    );
  });
});

describe('evaluateGate binds only the summary fields a rule reads', () => {
  const listPolicy = parsePolicy(`version: 1
risk:
  classes:
    - { name: only, when: "true" }
tiers:
  only:
    default:
      evidence: [junit]
      rules:
        - id: no-warnings
          description: the report parsed without warnings
          when: "size(evidence.junit.warnings) == 0 && (!has(evidence.junit.flaky) || evidence.junit.flaky == 0)"
environments:
  staging: {}
`);
  if (!listPolicy.policy) throw new Error(JSON.stringify(listPolicy.problems));
  const withSummary = (summary: Record<string, unknown>) =>
    evaluateGate(
      buildGate(listPolicy.policy as Policy, {
        environment: 'staging',
        evidence: [{ ...buildEvidence('junit'), summary }],
        approvals: [],
      }),
    );

  it('reads list fields and has() of the fields named, ignoring large fields it never reads', () => {
    const cases = Array.from({ length: 10_000 }, (_, i) => ({
      name: `case ${i}`,
      status: 'passed',
    }));
    const clean = withSummary({ tests: 3, failed: 0, errored: 0, flaky: 0, warnings: [], cases });
    assert.equal(outcome(clean, 'no-warnings').status, 'passed');
    const warned = withSummary({
      tests: 3,
      failed: 0,
      errored: 0,
      flaky: 0,
      warnings: ['duplicate suite'],
    });
    assert.equal(outcome(warned, 'no-warnings').status, 'failed');
    const flaky = withSummary({ tests: 3, failed: 0, errored: 0, warnings: [], flaky: 2 });
    assert.equal(outcome(flaky, 'no-warnings').status, 'failed');
  });
});

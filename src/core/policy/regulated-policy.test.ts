import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EvidenceKind } from '../evidence-record.ts';
import { compileExpression } from './cel-expression.ts';
import { evaluateGate, type GateEvidence } from './evaluate-gate.ts';
import { approvalsFor, badEvidence, buildEvidence, buildGate } from './fixtures/gate-inputs.ts';
import {
  CHANGE_TYPES,
  type ChangeType,
  type Policy,
  type PolicyRule,
  parsePolicy,
  RULE_VARIABLES,
  requirementsFor,
} from './policy-schema.ts';

// The example policy shipped for IVD teams (examples/policies/regulated.yaml).
const text = readFileSync(
  new URL('../../../examples/policies/regulated.yaml', import.meta.url),
  'utf8',
);
const parsed = parsePolicy(text);
if (!parsed.policy)
  throw new Error(`regulated.yaml does not parse: ${JSON.stringify(parsed.problems)}`);
const policy: Policy = parsed.policy;

function kindsRead(rule: PolicyRule): EvidenceKind[] {
  const compiled = compileExpression(rule.when, { variables: RULE_VARIABLES });
  assert.ok(compiled.expression, `rule ${rule.id} compiles`);
  return [...new Set([...compiled.expression.kinds, ...(rule.evidence ? [rule.evidence] : [])])];
}

// Every tier × change type, plus a release with no change request (the `default` block).
const cases = policy.document.risk.classes.flatMap(({ name }) =>
  [...CHANGE_TYPES, null].map((type: ChangeType | null) => ({ riskClass: name, type })),
);

describe('examples/policies/regulated.yaml', () => {
  it('parses, with four tiers and three environments', () => {
    assert.deepEqual(Object.keys(policy.document.tiers), ['low', 'medium', 'high', 'critical']);
    assert.deepEqual(Object.keys(policy.document.environments), [
      'verification',
      'staging',
      'production',
    ]);
  });

  it('generates a case for every tier × change type', () => {
    assert.equal(cases.length, 4 * 6);
  });

  it('keeps controls proportional: a critical emergency still needs clinical sign-off, a low config change needs only a review', () => {
    const critical = policy.document.tiers.critical;
    const low = policy.document.tiers.low;
    assert.ok(critical && low);
    assert.ok(requirementsFor(critical, 'emergency').approvals.some((a) => a.role === 'clinical'));
    assert.deepEqual(requirementsFor(low, 'config').evidence, ['review']);
    assert.deepEqual(requirementsFor(low, 'config').rules, []);
  });

  for (const { riskClass, type } of cases) {
    const label = `${riskClass} × ${type ?? 'no change request'}`;
    const tier = policy.document.tiers[riskClass];
    assert.ok(tier);
    const required = requirementsFor(tier, type);
    const kinds = [...new Set([...required.evidence, ...required.rules.flatMap(kindsRead)])];
    const goodEvidence = kinds.map((kind) => buildEvidence(kind));
    const change = type === null ? null : { id: 'CHG-7', type, risk: { baselineClass: riskClass } };
    // Without a change request the strictest tier applies, and production requires a class.
    const environment = type === null ? 'staging' : 'production';
    const history =
      environment === 'staging'
        ? [{ environment: 'verification', status: 'passed' as const, at: '2026-03-01T09:00:00Z' }]
        : undefined;
    const gate = (evidence: GateEvidence[], approvals = approvalsFor(required.approvals)) =>
      evaluateGate(
        buildGate(policy, {
          change,
          evidence,
          approvals,
          environment,
          ...(history ? { environmentHistory: history } : {}),
        }),
      );

    describe(label, () => {
      it('with every required record and approval → allowed, one passed outcome per requirement', () => {
        if (type === null) {
          // Strictest tier: evaluate against its requirements instead.
          const strict = requirementsFor(policy.document.tiers.critical as typeof tier, null);
          const strictKinds = [
            ...new Set([...strict.evidence, ...strict.rules.flatMap(kindsRead)]),
          ];
          const decision = evaluateGate(
            buildGate(policy, {
              change: null,
              environment,
              evidence: strictKinds.map((kind) => buildEvidence(kind)),
              approvals: approvalsFor(strict.approvals),
              environmentHistory: history ?? [],
            }),
          );
          assert.equal(decision.riskClass, 'critical');
          assert.equal(decision.riskClassSource, 'strictest');
          assert.equal(decision.decision, 'allowed', JSON.stringify(decision.outcomes, null, 1));
          return;
        }
        const decision = gate(goodEvidence);
        assert.equal(decision.decision, 'allowed', JSON.stringify(decision.outcomes, null, 1));
        assert.equal(decision.riskClass, riskClass);
        const ids = decision.outcomes.map((o) => o.id);
        for (const kind of required.evidence) assert.ok(ids.includes(`evidence:${kind}`));
        for (const rule of required.rules) assert.ok(ids.includes(rule.id));
        for (const approval of required.approvals)
          assert.ok(ids.includes(`approval:${approval.role}`));
        assert.ok(ids.includes('promote-from:staging'));
        assert.ok(decision.outcomes.every((o) => o.status === 'passed'));
      });

      if (type === null) return;

      for (const kind of required.evidence) {
        it(`without ${kind} → blocked, evidence:${kind} missing-evidence`, () => {
          const decision = gate(goodEvidence.filter((record) => record.kind !== kind));
          assert.equal(decision.decision, 'blocked');
          const outcome = decision.outcomes.find((o) => o.id === `evidence:${kind}`);
          assert.equal(outcome?.status, 'missing-evidence');
          for (const rule of required.rules.filter((r) => kindsRead(r).includes(kind))) {
            assert.equal(
              decision.outcomes.find((o) => o.id === rule.id)?.status,
              'missing-evidence',
            );
          }
        });
      }

      for (const rule of required.rules) {
        it(`with failing ${kindsRead(rule).join(' and ')} → ${rule.id} failed with the figures`, () => {
          const read = kindsRead(rule);
          const evidence = goodEvidence.map((record) =>
            read.includes(record.kind) ? badEvidence(record.kind) : record,
          );
          const decision = gate(evidence);
          assert.equal(decision.decision, 'blocked');
          const outcome = decision.outcomes.find((o) => o.id === rule.id);
          assert.equal(outcome?.status, 'failed');
          assert.match(outcome?.reason ?? '', /\d|false/);
          assert.deepEqual(outcome?.evidenceIds, read.map((kind) => `ev-${kind}-bad`).sort());
        });
      }

      for (const { role } of required.approvals) {
        it(`one ${role} approval short → blocked, approval:${role} pending-approval`, () => {
          const approvals = approvalsFor(required.approvals);
          const index = approvals.findIndex((a) => a.role === role);
          approvals.splice(index, 1);
          const decision = gate(goodEvidence, approvals);
          assert.equal(decision.decision, 'blocked');
          assert.equal(
            decision.outcomes.find((o) => o.id === `approval:${role}`)?.status,
            'pending-approval',
          );
        });
      }
    });
  }
});

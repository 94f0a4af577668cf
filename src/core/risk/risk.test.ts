import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../policy/policy-schema.ts';
import { chooseRiskClass } from './choose-risk-class.ts';
import { defectHistoryLevel } from './defect-history.ts';
import { draftRiskNarrative } from './draft-risk-narrative.ts';
import { riskModelSchema } from './risk-model.ts';
import { type RiskFactorsInput, scoreRisk } from './score-risk.ts';

const model = riskModelSchema.parse({
  factors: { criticality: { weight: 2 } },
  classes: [
    { name: 'low', when: 'score < 9' },
    { name: 'medium', when: 'score < 15 && customerImpact < 4' },
    { name: 'high', when: 'score < 20' },
    { name: 'critical', when: 'true' },
  ],
});

const steady = {
  deployments: Array.from({ length: 20 }, () => ({ failed: false, rolledBack: false })),
  gateFailures: 0,
  releases: 20,
};
const input = (overrides: Partial<RiskFactorsInput> = {}): RiskFactorsInput => ({
  scope: 1,
  criticality: 2,
  customerImpact: 1,
  rollbackComplexity: 1,
  history: steady,
  ...overrides,
});

describe('defectHistoryLevel', () => {
  const history = model.defectHistory;
  const deployments = (failed: number, total: number) =>
    Array.from({ length: total }, (_, i) => ({ failed: i < failed, rolledBack: false }));
  const cases: Array<[string, Parameters<typeof defectHistoryLevel>[0], number]> = [
    ['no history → the unknown level', { deployments: [], gateFailures: 0, releases: 0 }, 3],
    ['no failures → 1', { deployments: deployments(0, 20), gateFailures: 0, releases: 20 }, 1],
    [
      '1 in 20 failed (5%) → 2',
      { deployments: deployments(1, 20), gateFailures: 0, releases: 20 },
      2,
    ],
    [
      'a rollback counts as a failure',
      {
        deployments: [{ failed: false, rolledBack: true }, ...deployments(0, 3)],
        gateFailures: 0,
        releases: 4,
      },
      3,
    ],
    ['half failed → 5', { deployments: deployments(10, 20), gateFailures: 0, releases: 20 }, 5],
    [
      'gates blocking 13 of 20 releases outweigh clean deployments → 4',
      { deployments: deployments(0, 20), gateFailures: 13, releases: 20 },
      4,
    ],
  ];
  for (const [name, facts, level] of cases) {
    it(name, () => assert.equal(defectHistoryLevel(facts, history).level, level));
  }
  it('explains the figures it used', () => {
    const result = defectHistoryLevel(
      { deployments: deployments(1, 20), gateFailures: 2, releases: 20 },
      history,
    );
    assert.equal(
      result.explanation,
      '1 of 20 deployments failed or were rolled back (5%); 2 of 20 releases were blocked by a gate (10%): level 2',
    );
  });
});

describe('scoreRisk', () => {
  it('weights each level and takes the first class that holds', () => {
    const risk = scoreRisk(input(), model);
    // 1 + 2×2 + 1 + 1 + 1 (clean history)
    assert.equal(risk.score, 8);
    assert.equal(risk.baselineClass, 'low');
    assert.equal(risk.factors.criticality.points, 4);
    assert.deepEqual(risk.classes, ['low', 'medium', 'high', 'critical']);
  });

  it('class conditions read factors, not only the score', () => {
    const risk = scoreRisk(input({ customerImpact: 4 }), model);
    assert.equal(risk.score, 11);
    assert.equal(risk.baselineClass, 'high');
  });

  it('the worst case → the last class', () => {
    const worst = {
      deployments: [{ failed: true, rolledBack: true }],
      gateFailures: 1,
      releases: 1,
    };
    const risk = scoreRisk(
      input({ scope: 5, criticality: 5, customerImpact: 5, rollbackComplexity: 5, history: worst }),
      model,
    );
    assert.equal(risk.score, 30);
    assert.equal(risk.baselineClass, 'critical');
  });

  it('a level outside 1–5 → INVALID_INPUT naming the factor', () => {
    assert.throws(() => scoreRisk(input({ scope: 6 }), model), {
      name: 'DossierError',
      code: 'INVALID_INPUT',
    });
  });

  it('the example policy scores a result-calculation change as critical', async () => {
    const { readFileSync } = await import('node:fs');
    const policy = parsePolicy(
      readFileSync(new URL('../../../examples/policies/regulated.yaml', import.meta.url), 'utf8'),
    ).policy;
    assert.ok(policy);
    const risk = scoreRisk(
      input({ scope: 4, criticality: 5, customerImpact: 5, rollbackComplexity: 3 }),
      policy.document.risk,
    );
    assert.equal(risk.baselineClass, 'critical');
    const typo = scoreRisk(input(), policy.document.risk);
    assert.equal(typo.baselineClass, 'low');
  });
});

describe('chooseRiskClass', () => {
  const baseline = scoreRisk(input(), model);
  it('the baseline → accepted without justification', () => {
    const result = chooseRiskClass(baseline, 'low');
    assert.equal(result.risk?.chosenClass, 'low');
    assert.equal(result.risk?.justification, null);
  });
  it('another class without a justification → refused', () => {
    assert.match(chooseRiskClass(baseline, 'high').problem ?? '', /needs a written justification/);
    assert.match(
      chooseRiskClass(baseline, 'high', '   ').problem ?? '',
      /needs a written justification/,
    );
    assert.match(
      chooseRiskClass(baseline, 'high', 'because').problem ?? '',
      /at least 20 characters/,
    );
  });
  it('another class with a justification → both classes kept', () => {
    const result = chooseRiskClass(
      baseline,
      'high',
      'Touches the dilution-factor calculation used in reports.',
    );
    assert.equal(result.risk?.baselineClass, 'low');
    assert.equal(result.risk?.chosenClass, 'high');
    assert.equal(
      result.risk?.justification,
      'Touches the dilution-factor calculation used in reports.',
    );
  });
  it('a class the policy does not have → refused', () => {
    assert.match(
      chooseRiskClass(baseline, 'extreme', 'x'.repeat(30)).problem ?? '',
      /not a risk class/,
    );
  });
});

describe('draftRiskNarrative', () => {
  it('says what changed, why it scored so, what evidence there is and what is missing', () => {
    const risk = chooseRiskClass(
      scoreRisk(input({ criticality: 5, customerImpact: 4 }), model),
      'critical',
      'Changes how the assay result is rounded before reporting.',
    ).risk;
    assert.ok(risk);
    const text = draftRiskNarrative({
      change: {
        id: 'CHG-7',
        title: 'Round HbA1c results to one decimal',
        type: 'code',
        reason: 'Customers asked for IFCC rounding.',
      },
      service: 'assay-analysis',
      risk,
      evidence: [
        { id: 'ev-1', kind: 'junit', summary: { tests: 412, failed: 0, errored: 0, skipped: 2 } },
        { id: 'ev-2', kind: 'coverage', summary: { lines: 0.912, branches: null, fileCount: 40 } },
      ],
      requiredEvidence: ['junit', 'coverage', 'validation'],
      linkedRequirements: ['REQ-31'],
    });
    assert.equal(
      text,
      'CHG-7 is a code change to assay-analysis: Round HbA1c results to one decimal, because customers asked for IFCC rounding. It traces to REQ-31. ' +
        'It scores 17, baseline class high, driven by system criticality (level 5) and customer impact (level 4). ' +
        'Defect history: 0 of 20 deployments failed or were rolled back (0%); 0 of 20 releases were blocked by a gate (0%): level 1. ' +
        'The owner chose class critical instead: Changes how the assay result is rounded before reporting. ' +
        'Evidence that reduces the uncertainty: coverage: line coverage 91.2%, branch coverage not measured over 40 files; junit: 412 tests, 0 failed, 0 errored, 2 skipped. ' +
        'Still missing for this class: validation.',
    );
  });
});

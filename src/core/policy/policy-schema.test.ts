import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PolicyProblem, parsePolicy } from './policy-schema.ts';

// A small valid policy; each test breaks one line of it (line numbers below are 1-based).
const VALID = `version: 1
risk:
  classes:
    - name: low
      when: "score < 12"
    - name: high
      when: "true"
tiers:
  low:
    default:
      evidence: [junit]
      rules:
        - id: tests-pass
          description: no failed tests
          when: "evidence.junit.failed == 0"
  high:
    default:
      evidence: [junit, coverage]
      rules:
        - id: coverage-floor
          description: coverage floor
          when: "evidence.coverage.lines >= 0.80"
      approvals: [{ role: qa, count: 1 }]
environments:
  staging: {}
  production: { requireTier: true, promoteFrom: [staging] }
`;

function problemsOf(text: string): PolicyProblem[] {
  const result = parsePolicy(text);
  assert.ok(result.problems, 'expected the policy to be refused');
  return result.problems;
}

function replaceLine(line: number, content: string, text = VALID): string {
  const lines = text.split('\n');
  lines[line - 1] = content;
  return lines.join('\n');
}

describe('parsePolicy', () => {
  it('a valid policy → the document and the sha256 of its text', () => {
    const result = parsePolicy(VALID);
    assert.ok(result.policy);
    assert.match(result.policy.sha256, /^[0-9a-f]{64}$/);
    assert.equal(result.policy.document.separationOfDuties.authorMayApprove, false);
    assert.equal(result.policy.document.risk.factors.scope.weight, 1);
    assert.notEqual(parsePolicy(`${VALID}# comment\n`).policy?.sha256, result.policy.sha256);
  });

  const cases: Array<{
    name: string;
    text: string;
    expect: Partial<Omit<PolicyProblem, 'message'>> & { message: RegExp };
  }> = [
    {
      name: 'YAML syntax error',
      text: replaceLine(11, '      evidence: [junit'),
      expect: { line: 12, message: /^YAML: / },
    },
    {
      name: 'duplicate YAML key',
      text: replaceLine(9, '  low:\n    default: {}\n  low:'),
      expect: { message: /YAML: .*unique/i },
    },
    {
      name: 'wrong version',
      text: replaceLine(1, 'version: 2'),
      expect: { line: 1, column: 10, path: 'version', message: /version 1/ },
    },
    {
      name: 'unknown field',
      text: replaceLine(14, '          descripton: no failed tests'),
      expect: {
        line: 14,
        path: 'tiers.low.default.rules[0].descripton',
        message: /unknown field 'descripton'/,
      },
    },
    {
      name: 'missing required field',
      text: replaceLine(14, ''),
      expect: {
        line: 13,
        path: 'tiers.low.default.rules[0].description',
        message: /missing required field 'description'/,
      },
    },
    {
      name: 'unknown evidence kind',
      text: replaceLine(18, '      evidence: [junit, covrage]'),
      expect: {
        line: 18,
        column: 25,
        path: 'tiers.high.default.evidence[1]',
        message: /unknown evidence kind "covrage"/,
      },
    },
    {
      name: 'duplicate rule id',
      text: replaceLine(
        20,
        '        - id: tests-pass\n          description: dup\n          when: "true"\n        - id: tests-pass',
      ),
      expect: {
        line: 23,
        path: 'tiers.high.default.rules[1].id',
        message: /duplicate rule id 'tests-pass'/,
      },
    },
    {
      name: 'CEL syntax error',
      text: replaceLine(15, '          when: "evidence.junit.failed =="'),
      expect: { line: 15, path: 'tiers.low.default.rules[0].when', message: /CEL syntax error/ },
    },
    {
      name: 'CEL reference to an unknown top-level variable',
      text: replaceLine(15, '          when: "evidense.junit.failed == 0"'),
      expect: { line: 15, column: 18, message: /unknown variable 'evidense'/ },
    },
    {
      name: 'CEL reference to a summary field that does not exist',
      text: replaceLine(15, '          when: "evidence.junit.totl == 0"'),
      expect: { line: 15, column: 33, message: /junit summary has no field 'totl'/ },
    },
    {
      name: 'CEL reference to an unknown evidence kind',
      text: replaceLine(15, '          when: "evidence.unit.failed == 0"'),
      expect: { line: 15, column: 27, message: /unknown evidence kind 'unit'/ },
    },
    {
      name: 'CEL reading a kind that has no summary',
      text: replaceLine(15, '          when: "evidence.rollbackPlan.approved"'),
      expect: { line: 15, message: /rollback-plan evidence has no summary fields/ },
    },
    {
      name: 'CEL problem inside a literal block, on its second line',
      text: replaceLine(
        15,
        '          when: |\n            evidence.junit.failed == 0 &&\n              evidence.junit.passd > 0',
      ),
      expect: { line: 17, column: 30, message: /no field 'passd'/ },
    },
    {
      name: 'class condition naming an unknown variable',
      text: replaceLine(5, '      when: "scroe < 12"'),
      expect: { line: 5, path: 'risk.classes[0].when', message: /unknown variable 'scroe'/ },
    },
    {
      name: 'risk class without a tier',
      text: replaceLine(6, '    - name: medium'),
      expect: { line: 6, message: /risk class 'medium' has no tier/ },
    },
    {
      name: 'promoteFrom naming an unknown environment',
      text: replaceLine(26, '  production: { requireTier: true, promoteFrom: [stage] }'),
      expect: {
        line: 26,
        path: 'environments.production.promoteFrom[0]',
        message: /unknown environment 'stage'/,
      },
    },
    {
      name: 'promoteFrom cycle',
      text: replaceLine(25, '  staging: { promoteFrom: [production] }'),
      expect: { message: /cycle/ },
    },
  ];

  for (const { name, text, expect } of cases) {
    it(`${name} → refused with the line and field`, () => {
      const problems = problemsOf(text);
      const found = problems.find((p) => expect.message.test(p.message));
      assert.ok(found, `no problem matching ${expect.message}: ${JSON.stringify(problems)}`);
      const { message: _, ...where } = expect;
      for (const [key, value] of Object.entries(where)) {
        assert.equal(
          found[key as keyof PolicyProblem],
          value,
          `${key} of ${JSON.stringify(found)}`,
        );
      }
    });
  }

  it('reports every problem of a document in one pass, in line order', () => {
    let text = replaceLine(1, 'version: 3');
    text = replaceLine(11, '      evidence: [junit, bogus]', text);
    text = replaceLine(15, '          when: "evidence.junit.totl == 0"', text);
    text = replaceLine(22, '          when: "evidence.coverage.lines >="', text);
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => p.line),
      [1, 11, 15, 22],
    );
  });

  it('a policy over 1 MiB → refused before parsing', () => {
    const problems = problemsOf(`${VALID}#${'x'.repeat(1024 * 1024)}\n`);
    assert.match(problems[0]?.message ?? '', /at most/);
  });

  it('alias expansion beyond the bound → refused, not expanded', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    assert.ok(problemsOf(bomb).length > 0);
  });
});

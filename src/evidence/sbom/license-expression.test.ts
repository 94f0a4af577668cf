import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLicenseExpression } from './license-expression.ts';

describe('parseLicenseExpression', () => {
  for (const [input, canonical] of [
    ['MIT', 'MIT'],
    ['mit', 'MIT'],
    ['(MIT)', 'MIT'],
    ['  Apache-2.0  ', 'Apache-2.0'],
    ['(LGPL-2.0-only OR LicenseRef-3)', 'LGPL-2.0-only OR LicenseRef-3'],
    ['MIT and (apache-2.0 or BSD-3-Clause)', 'MIT AND (Apache-2.0 OR BSD-3-Clause)'],
    ['(MIT AND Apache-2.0) OR BSD-3-Clause', 'MIT AND Apache-2.0 OR BSD-3-Clause'],
    ['MIT OR (Apache-2.0 OR ISC)', 'MIT OR Apache-2.0 OR ISC'],
    ['gpl-2.0+ with classpath-exception-2.0', 'GPL-2.0+ WITH Classpath-exception-2.0'],
    ['DocumentRef-ext:LicenseRef-x OR MIT', 'DocumentRef-ext:LicenseRef-x OR MIT'],
    ['GPL-2.0-only WITH AdditionRef-mine', 'GPL-2.0-only WITH AdditionRef-mine'],
  ] as const) {
    it(`writes "${input}" as "${canonical}"`, () => {
      assert.deepEqual(parseLicenseExpression(input), {
        kind: 'expression',
        expression: canonical,
        unknownIds: [],
      });
    });
  }

  it('reads NOASSERTION and NONE as the SPDX special values', () => {
    assert.deepEqual(parseLicenseExpression('NOASSERTION'), { kind: 'noAssertion' });
    assert.deepEqual(parseLicenseExpression(' NONE '), { kind: 'none' });
  });

  it('keeps ids that are not on the SPDX License List, and names them', () => {
    assert.deepEqual(parseLicenseExpression('Apache-2 OR MIT WITH Made-up-exception'), {
      kind: 'expression',
      expression: 'Apache-2 OR MIT WITH Made-up-exception',
      unknownIds: ['Apache-2', 'Made-up-exception'],
    });
  });

  for (const [input, reason] of [
    ['', /empty/],
    ['MIT AND', /ends where a license was expected/],
    ['(MIT', /parenthesis is not closed/],
    ['MIT OR OR Apache-2.0', /"OR" stands where a license was expected/],
    ['Apache License 2.0', /"License" is out of place/],
    ['MIT WITH', /WITH is not followed by an exception id/],
    ['(MIT OR ISC) WITH Classpath-exception-2.0', /WITH follows a parenthesized expression/],
    ['MIT/X11', /"MIT\/X11" is not a license id/],
  ] as const) {
    it(`refuses "${input}" as invalid: ${reason.source}`, () => {
      const parsed = parseLicenseExpression(input);
      assert.equal(parsed.kind, 'invalid');
      assert.match((parsed as { reason: string }).reason, reason);
    });
  }

  it('is idempotent and never throws, for random expressions and random text', () => {
    const id = fc.constantFrom('MIT', 'apache-2.0', 'GPL-2.0+', 'LicenseRef-a', 'Unknown-1');
    const expression: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        id,
        fc
          .tuple(id, fc.constantFrom('Classpath-exception-2.0', 'foo'))
          .map(([l, e]) => `${l} WITH ${e}`),
        fc
          .tuple(tie('node'), fc.constantFrom('AND', 'OR', 'and', 'or'), tie('node'))
          .map(([a, op, b]) => `${a} ${op} ${b}`),
        tie('node').map((inner) => `(${inner})`),
      ),
    })).node;
    fc.assert(
      fc.property(fc.oneof(expression, fc.string()), (text) => {
        const first = parseLicenseExpression(text);
        if (first.kind !== 'expression') return;
        const again = parseLicenseExpression(first.expression);
        assert.equal(again.kind, 'expression');
        assert.equal((again as { expression: string }).expression, first.expression);
      }),
      { numRuns: 500 },
    );
  });
});

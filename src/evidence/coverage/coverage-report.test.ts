import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COVERAGE_LIMITS, CoverageReport, Problems, tally, Warnings } from './coverage-report.ts';

describe('CoverageReport', () => {
  it('puts ratios and counts at the top, null with the metric named when nothing was measured', () => {
    const report = new CoverageReport('test', ['statements']);
    report.addFile('a.js', { lines: tally(3, 4), statements: tally(0, 0) });
    report.addFile('b.js', { lines: tally(1, 4), branches: tally(1, 2) });
    const summary = report.toSummary({ extra: 1 });
    assert.equal(summary.format, 'test');
    assert.equal(summary.extra, 1);
    assert.equal(summary.lines, 0.5);
    assert.deepEqual([summary.linesCovered, summary.linesTotal], [4, 8]);
    assert.equal(summary.branches, 0.5);
    assert.equal(summary.functions, null);
    assert.equal(summary.statements, null);
    assert.deepEqual(summary.unmeasured, ['functions', 'statements']);
    assert.deepEqual((summary.files as unknown[])[0], {
      path: 'a.js',
      lines: 0.75,
      linesCovered: 3,
      linesTotal: 4,
      branches: null,
      branchesCovered: 0,
      branchesTotal: 0,
      functions: null,
      functionsCovered: 0,
      functionsTotal: 0,
      statements: null,
      statementsCovered: 0,
      statementsTotal: 0,
    });
  });

  it('clamps covered to total with a warning, and cuts long paths', () => {
    const report = new CoverageReport('test');
    report.addFile('x'.repeat(10_000), { functions: tally(5, 3) });
    const summary = report.toSummary();
    assert.deepEqual([summary.functionsCovered, summary.functionsTotal], [3, 3]);
    const [file] = summary.files as Array<{ path: string }>;
    assert.equal(file?.path.length, COVERAGE_LIMITS.maxTextLength);
    assert.match(
      (summary.warnings as string[])[0] ?? '',
      /5 functions covered of only 3; counted as 3 of 3$/,
    );
  });

  it('keeps at most the warning limit, then a count of the rest', () => {
    const warnings = new Warnings();
    for (let i = 0; i < COVERAGE_LIMITS.maxWarnings + 5; i++) warnings.add(`w${i}`);
    const list = warnings.toArray();
    assert.equal(list.length, COVERAGE_LIMITS.maxWarnings + 1);
    assert.equal(list.at(-1), '5 more warnings were left out');
  });

  it('Problems gives up once the issue limit is reached', () => {
    const problems = new Problems('fmt');
    for (let i = 1; i < COVERAGE_LIMITS.maxIssues; i++) problems.add(`line ${i}`, 'bad');
    assert.throws(() => problems.add('line 99', 'bad'), {
      code: 'EVIDENCE_MALFORMED',
      message: `fmt: line 1: bad (and ${COVERAGE_LIMITS.maxIssues - 1} more problems)`,
    });
  });
});

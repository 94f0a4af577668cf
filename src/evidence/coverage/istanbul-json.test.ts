import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures, fileOf, fixture, parseText } from '../../../test/support/coverage-fixtures.ts';
import { istanbulFinalJsonFormat } from './istanbul-final-json.ts';
import { istanbulSummaryJsonFormat } from './istanbul-summary-json.ts';

const entry = (s: string, extra = '') =>
  `{"path":"a.js","statementMap":{"0":{"start":{"line":1,"column":0},"end":{"line":1,"column":1}}},"fnMap":{},"branchMap":{},"s":${s},"f":{},"b":{}${extra}}`;

describe('Istanbul coverage-final.json', () => {
  it('derives lines from statements as Istanbul does, unwraps FileCoverage data, survives tricky strings', async () => {
    const summary = await parseText(
      istanbulFinalJsonFormat,
      fixture('istanbul-final-edge.json'),
      3,
    );
    assert.equal(summary.fileCount, 2);
    const wrapped = fileOf(summary, '/src/wrapped.js');
    // Statements 0 and 1 start on line 1 (the highest count wins); statement 9 has no location.
    assert.deepEqual(figures(wrapped, 'lines'), [1, 2]);
    assert.deepEqual(figures(wrapped, 'statements'), [2, 4]);
    const tricky = fileOf(summary, '/src/strings "quoted" {braces}.js');
    assert.deepEqual(figures(tricky, 'branches'), [1, 3]);
    assert.deepEqual(figures(tricky, 'functions'), [1, 1]);
    assert.deepEqual(figures(summary, 'lines'), [2, 3]);
    assert.deepEqual(summary.warnings, []);
  });

  it('refuses counts that are not numbers and entries without statements, with JSON paths', async () => {
    const bad = `{"a.js":${entry('{"0":"many"}')},\n"b.js":{"path":"b.js"}}`;
    await assert.rejects(
      parseText(istanbulFinalJsonFormat, bad),
      (error: Error & { code?: string; issues?: unknown[] }) => {
        assert.equal(error.code, 'EVIDENCE_MALFORMED');
        assert.equal(
          error.message,
          'Istanbul coverage-final.json: $["a.js"].s["0"] (entry from line 1): is not a count (and 1 more problems)',
        );
        assert.deepEqual(error.issues?.[1], {
          path: '$["b.js"] (entry from line 2)',
          message: "needs the objects 'statementMap' and 's'",
        });
        return true;
      },
    );
  });

  it('refuses broken JSON naming the entry and the line it starts on', async () => {
    await assert.rejects(
      parseText(istanbulFinalJsonFormat, `{\n"a.js": ${entry('{"0":1}')},\n"b.js": {"s": {,}}}`),
      {
        code: 'EVIDENCE_MALFORMED',
        message: /^Istanbul coverage-final\.json: entry "b\.js" \(from line 3\) is not valid JSON/,
      },
    );
  });

  it('detects coverage-final.json by statementMap, not the summary', () => {
    assert.equal(
      istanbulFinalJsonFormat.detect(Buffer.from(`{"/x/a.js": ${entry('{}').slice(0, 40)}`)),
      true,
    );
    assert.equal(istanbulFinalJsonFormat.detect(fixture('istanbul-final-edge.json')), true);
    assert.equal(
      istanbulFinalJsonFormat.detect(
        Buffer.from('{"total":{"lines":{"total":1,"covered":1,"pct":100}}}'),
      ),
      false,
    );
    assert.equal(istanbulFinalJsonFormat.detect(Buffer.from('["statementMap"]')), false);
  });
});

describe('Istanbul coverage-summary.json', () => {
  const metrics = (l: number, lt: number) =>
    `{"lines":{"total":${lt},"covered":${l},"skipped":0,"pct":0},"statements":{"total":${lt},"covered":${l},"skipped":0,"pct":0},"functions":{"total":0,"covered":0,"skipped":0,"pct":100},"branches":{"total":2,"covered":1,"skipped":0,"pct":50}}`;

  it('sums the files and checks the declared total, keeping the sum where they disagree', async () => {
    const text = `{"total":${metrics(3, 10)},"a.js":${metrics(1, 4)},"b.js":${metrics(3, 4)}}`;
    const summary = await parseText(istanbulSummaryJsonFormat, text, 9);
    assert.deepEqual(figures(summary, 'lines'), [4, 8]);
    assert.deepEqual(figures(summary, 'branches'), [2, 4]);
    assert.equal(summary.functions, null);
    assert.ok((summary.unmeasured as string[]).includes('functions'));
    assert.deepEqual(summary.warnings, [
      '"total" declares 3 of 10 lines covered, but its files give 4 of 8; the summary uses 4 of 8',
      '"total" declares 3 of 10 statements covered, but its files give 4 of 8; the summary uses 4 of 8',
      '"total" declares 1 of 2 branches covered, but its files give 2 of 4; the summary uses 2 of 4',
    ]);
  });

  it('uses the total alone when no file is listed, and says so', async () => {
    const summary = await parseText(istanbulSummaryJsonFormat, `{"total":${metrics(3, 10)}}`);
    assert.equal(summary.fileCount, 0);
    assert.deepEqual(figures(summary, 'lines'), [3, 10]);
    assert.deepEqual(summary.warnings, ['the summary lists no files, only its total']);
  });

  it('refuses entries without counts and an empty object', async () => {
    await assert.rejects(parseText(istanbulSummaryJsonFormat, '{"a.js":{"lines":{"total":"4"}}}'), {
      code: 'EVIDENCE_MALFORMED',
      message: /\$\["a\.js"\]\.lines \(entry from line 1\): needs counts 'total' and 'covered'/,
    });
    await assert.rejects(parseText(istanbulSummaryJsonFormat, '{}'), {
      message: 'Istanbul coverage-summary.json: $: holds neither a total nor any file',
    });
  });

  it('detects the summary by its metric objects, also from a cut head', () => {
    assert.equal(
      istanbulSummaryJsonFormat.detect(
        Buffer.from(
          `{\n\t"total": {\n\t\t"lines": {\n\t\t\t"total": 145,\n\t\t\t"covered": 60,\n\t\t\t"skipped": 0,\n\t\t\t"pct": 41`,
        ),
      ),
      true,
    );
    assert.equal(istanbulSummaryJsonFormat.detect(fixture('istanbul-final-edge.json')), false);
    assert.equal(istanbulSummaryJsonFormat.detect(Buffer.from('{"total": 3, "pct": 1}')), false);
  });
});

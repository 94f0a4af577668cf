import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures, fileOf, fixture, parseText } from '../../../test/support/coverage-fixtures.ts';
import { COVERAGE_LIMITS } from './coverage-report.ts';
import { detectLcov, lcovFormat } from './lcov.ts';

describe('lcov', () => {
  it('merges the records of one file from several tests line by line, as lcov does', async () => {
    const summary = await parseText(lcovFormat, fixture('lcov-two-tests.info'), 13);
    assert.equal(summary.records, 3);
    assert.equal(summary.fileCount, 2);
    const shared = fileOf(summary, 'src/shared.c');
    assert.deepEqual(figures(shared, 'lines'), [4, 5]);
    assert.deepEqual(figures(shared, 'functions'), [2, 2]);
    assert.deepEqual(figures(shared, 'branches'), [2, 3]);
    assert.deepEqual(figures(summary, 'lines'), [4, 6]);
    assert.equal(summary.lines, 4 / 6);
    assert.deepEqual(summary.warnings, []);
  });

  it('reads lcov 2 records: FN with an end line, FNL/FNA, exception blocks, branch expressions, MC/DC', async () => {
    const summary = await parseText(lcovFormat, fixture('lcov-2-records.info'));
    assert.deepEqual(figures(summary, 'functions'), [1, 3]);
    assert.deepEqual(figures(summary, 'branches'), [2, 4]);
    assert.deepEqual(figures(summary, 'lines'), [4, 5]);
    assert.deepEqual(summary.warnings, []);
  });

  it('gives the same summary for CRLF line endings and any chunk size', async () => {
    const text = fixture('lcov-two-tests.info').toString();
    const expected = await parseText(lcovFormat, text, 4096);
    assert.deepEqual(await parseText(lcovFormat, text.replaceAll('\n', '\r\n'), 1), expected);
    assert.deepEqual(await parseText(lcovFormat, `\uFEFF${text}`, 5), expected);
  });

  it('keeps the computed figures where LF/LH disagree, with a warning naming both', async () => {
    const summary = await parseText(
      lcovFormat,
      'SF:a.js\nDA:1,1\nDA:1,0\nDA:2,0\nLF:3\nLH:2\nend_of_record\n',
    );
    assert.deepEqual(figures(summary, 'lines'), [1, 2]);
    assert.deepEqual(summary.warnings, [
      'the record for "a.js" (line 1) declares 2 of 3 lines covered, but its DA records give 1 of 2; the summary uses 1 of 2',
    ]);
  });

  it('accepts a file cut before end_of_record, with a warning that it may be truncated', async () => {
    const summary = await parseText(
      lcovFormat,
      'TN:\nSF:a.js\nDA:1,1\nend_of_record\nSF:b.js\nDA:1,1\nSF:c.js\nDA:4,0',
    );
    assert.equal(summary.fileCount, 3);
    assert.deepEqual(figures(summary, 'lines'), [2, 3]);
    const warnings = summary.warnings as string[];
    assert.match(
      warnings[0] ?? '',
      /"b\.js" \(line 5\) ends at the next SF: without end_of_record/,
    );
    assert.match(
      warnings[1] ?? '',
      /"c\.js" \(line 7\) has no end_of_record: the file may be truncated/,
    );
  });

  it('counts negative hit counts as not covered and ignores unknown record types, with warnings', async () => {
    const summary = await parseText(lcovFormat, 'SF:a.js\nDA:1,-1\nDA:2,3\nXYZ:1\nend_of_record\n');
    assert.deepEqual(figures(summary, 'lines'), [1, 2]);
    const warnings = summary.warnings as string[];
    assert.ok(warnings.some((warning) => /1 DA records carry negative hit counts/.test(warning)));
    assert.ok(warnings.some((warning) => /1 lines of unknown record type XYZ/.test(warning)));
  });

  it('says null, never 0, for metrics with nothing measured, and names them', async () => {
    const summary = await parseText(lcovFormat, 'SF:a.js\nDA:1,1\nend_of_record\n');
    assert.equal(summary.branches, null);
    assert.equal(summary.functions, null);
    assert.deepEqual(summary.unmeasured, ['branches', 'functions']);
    assert.equal(fileOf(summary, 'a.js').branches, null);
  });

  it('refuses text that is not lcov, naming every bad line (up to a limit) and its number', async () => {
    const bad = 'SF:a.js\nDA:1,1\nthis is prose\nDA:x,1\nBRDA:1,2\nend_of_record\n';
    await assert.rejects(
      parseText(lcovFormat, bad),
      (error: Error & { code?: string; issues?: unknown[] }) => {
        assert.equal(error.code, 'EVIDENCE_MALFORMED');
        assert.match(
          error.message,
          /^lcov: line 3: not an lcov record: "this is prose" \(and 2 more problems\)$/,
        );
        assert.deepEqual(
          (error.issues as Array<{ path: string }>).map((issue) => issue.path),
          ['line 3', 'line 4', 'line 5'],
        );
        return true;
      },
    );
    const garbage = 'x\n'.repeat(1000);
    await assert.rejects(
      parseText(lcovFormat, garbage),
      (error: Error & { issues?: unknown[] }) => {
        assert.equal(error.issues?.length, COVERAGE_LIMITS.maxIssues);
        return true;
      },
    );
  });

  it('refuses records outside a source-file record and over-long lines', async () => {
    await assert.rejects(parseText(lcovFormat, 'TN:\nDA:1,1\n'), {
      code: 'EVIDENCE_MALFORMED',
      message: /^lcov: line 2: DA outside a source-file record/,
    });
    await assert.rejects(parseText(lcovFormat, `SF:${'a'.repeat(1024 * 1024 + 10)}\n`, 65536), {
      code: 'EVIDENCE_MALFORMED',
      message: /^lcov: line 1 is longer than 1048576 characters/,
    });
  });

  it(`lists at most ${COVERAGE_LIMITS.maxFiles} files, counting the rest in the totals`, async () => {
    const records = COVERAGE_LIMITS.maxFiles + 2;
    const parts: string[] = [];
    for (let i = 0; i < records; i++) parts.push(`SF:f${i}\nDA:1,${i % 2}\nend_of_record\n`);
    // A repeat of a path past the cap is summed, not merged: that is what the warning says.
    parts.push(`SF:f${records - 1}\nDA:1,1\nend_of_record\n`);
    const summary = await parseText(lcovFormat, parts.join(''), 1 << 16);
    assert.equal(summary.fileCount, records + 1);
    assert.equal((summary.files as unknown[]).length, COVERAGE_LIMITS.maxFiles);
    assert.equal(summary.filesOmitted, 3);
    assert.deepEqual(figures(summary, 'lines'), [records / 2 + 1, records + 1]);
    const warnings = summary.warnings as string[];
    assert.ok(
      warnings.some((warning) => /3 records for files beyond the first 100000/.test(warning)),
    );
    assert.ok(
      warnings.some((warning) =>
        /3 of 100003 files are counted in the totals but not listed/.test(warning),
      ),
    );
  });

  it('detects tracefiles from their first records, also when the head is cut mid-line', () => {
    const yes = [
      'TN:\nSF:/a/b.c\nDA:1,',
      'SF:a.js\nFN:1,f\nFNDA:1,f\nDA:1,1\nend_of_record\n',
      '\n\nTN:x\r\nSF:a\r\nD',
    ];
    for (const text of yes) assert.equal(detectLcov(Buffer.from(text)), true, text);
    const no = [
      '',
      'TN:\n',
      'DA:1,1\nSF:a\n',
      '{"SF:": 1}',
      '<?xml version="1.0"?><coverage/>',
      'SF:a\nhello world\n',
    ];
    for (const text of no) assert.equal(detectLcov(Buffer.from(text)), false, text);
  });
});

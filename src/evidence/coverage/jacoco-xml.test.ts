import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures, fileOf, fixture, parseText } from '../../../test/support/coverage-fixtures.ts';
import { jacocoXmlFormat } from './jacoco-xml.ts';

describe('JaCoCo XML', () => {
  it('reads source files inside groups and the default package; counters stand in where lines are missing', async () => {
    const summary = await parseText(jacocoXmlFormat, fixture('jacoco-groups.xml'), 31);
    assert.equal(summary.reportName, 'multi');
    assert.equal(summary.fileCount, 2);
    const a = fileOf(summary, 'com/a/A.java');
    assert.deepEqual(figures(a, 'lines'), [2, 3]);
    assert.deepEqual(figures(a, 'branches'), [1, 2]);
    assert.deepEqual(figures(a, 'instructions'), [4, 10]);
    assert.deepEqual(figures(a, 'functions'), [1, 2]);
    const fallback = fileOf(summary, 'Default.java');
    assert.deepEqual(figures(fallback, 'lines'), [3, 4]);
    assert.deepEqual(figures(fallback, 'functions'), [2, 2]);
    assert.equal(fallback.branches, null);
    assert.deepEqual(figures(summary, 'lines'), [5, 7]);
    assert.deepEqual(figures(summary, 'instructions'), [13, 19]);
    assert.deepEqual(summary.warnings, [
      'sourcefile com/a/A.java: its counter declares 1 of 2 lines covered, but its <line> entries give 2 of 3; the summary uses 2 of 3',
    ]);
  });

  it('falls back to the report counters when there are no source files, and says so', async () => {
    const xml =
      '<report name="r"><package name="p"><class name="p/A"><counter type="LINE" missed="1" covered="3"/></class></package>' +
      '<counter type="LINE" missed="1" covered="3"/><counter type="METHOD" missed="0" covered="1"/></report>';
    const summary = await parseText(jacocoXmlFormat, xml);
    assert.equal(summary.fileCount, 0);
    assert.deepEqual(figures(summary, 'lines'), [3, 4]);
    assert.deepEqual(figures(summary, 'functions'), [1, 1]);
    assert.match((summary.warnings as string[])[0] ?? '', /no <sourcefile> elements/);
  });

  it('refuses counters and lines that are not counts, naming the source file', async () => {
    const xml =
      '<report name="r"><package name="p"><sourcefile name="A.java"><line nr="1" mi="x" ci="0" mb="0" cb="0"/>' +
      '<counter type="LINE" missed="-1" covered="0"/></sourcefile></package></report>';
    await assert.rejects(parseText(jacocoXmlFormat, xml), {
      code: 'EVIDENCE_MALFORMED',
      message:
        'JaCoCo XML: sourcefile p/A.java, line 1: nr, mi, ci, mb and cb must be counts (and 1 more problems)',
    });
    await assert.rejects(parseText(jacocoXmlFormat, '<coverage/>'), {
      message: /root element is not <report>/,
    });
  });

  it('detects JaCoCo by its DTD, session info or counters, not other <report> documents', () => {
    const yes = [
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="x">',
      '<report name="x"><sessioninfo id="a" start="1" dump="2"/>',
      '<report name="x"><package name="a/b"><class name="a/b/C" sourcefilename="C.java"><method name="m" desc="()V" line="3"><counter type="INSTR',
    ];
    for (const text of yes) assert.equal(jacocoXmlFormat.detect(Buffer.from(text)), true, text);
    const no = [
      '<report><title>Quarterly</title></report>',
      '<coverage line-rate="1"><packages/>',
      '<repo',
    ];
    for (const text of no) assert.equal(jacocoXmlFormat.detect(Buffer.from(text)), false, text);
  });
});

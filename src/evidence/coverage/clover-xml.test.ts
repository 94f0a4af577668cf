import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures, fileOf, fixture, parseText } from '../../../test/support/coverage-fixtures.ts';
import { cloverXmlFormat } from './clover-xml.ts';

describe('Clover XML', () => {
  it('counts files from their line entries where they have no metrics, and leaves the test project out', async () => {
    const summary = await parseText(cloverXmlFormat, fixture('clover-without-metrics.xml'), 40);
    assert.equal(summary.fileCount, 2);
    const plain = fileOf(summary, '/src/p/Plain.java');
    assert.deepEqual(figures(plain, 'lines'), [2, 4]);
    assert.deepEqual(figures(plain, 'statements'), [1, 3]);
    assert.deepEqual(figures(plain, 'branches'), [1, 2]);
    assert.deepEqual(figures(plain, 'functions'), [1, 2]);
    const noLines = fileOf(summary, '/src/p/NoLines.java');
    assert.equal(noLines.lines, null);
    assert.deepEqual(figures(noLines, 'statements'), [3, 5]);
    assert.deepEqual(figures(summary, 'statements'), [4, 8]);
    assert.deepEqual(summary.warnings, [
      '1 files count statements in their metrics but list no <line> entries (e.g. "/src/p/NoLines.java"); their lines could not be counted',
      "the project's <metrics> declares 5 of 8 statements covered, but its files give 4 of 8; the summary uses 4 of 8",
    ]);
  });

  it('refuses a Cobertura report, another root, a missing project and bad metrics', async () => {
    await assert.rejects(parseText(cloverXmlFormat, '<coverage><packages/></coverage>'), {
      code: 'EVIDENCE_MALFORMED',
      message: /this is a Cobertura report, not Clover/,
    });
    await assert.rejects(parseText(cloverXmlFormat, '<report/>'), {
      message: /root element is not <coverage>/,
    });
    await assert.rejects(parseText(cloverXmlFormat, '<coverage clover="1"/>'), {
      message: /no <project> element/,
    });
    const bad =
      '<coverage><project><file path="a"><metrics statements="x" coveredstatements="1"/></file></project></coverage>';
    await assert.rejects(parseText(cloverXmlFormat, bad), {
      message: 'Clover XML: file a, <metrics>: statements and coveredstatements must be counts',
    });
  });

  it('detects Clover by its clover attribute or <project>, not Cobertura', () => {
    const yes = [
      '<coverage generated="1" clover="3.2.0">',
      '<?xml version="1.0"?>\n<coverage generated="1">\n  <project timestamp="1" name="x">',
    ];
    for (const text of yes) assert.equal(cloverXmlFormat.detect(Buffer.from(text)), true, text);
    const no = ['<coverage line-rate="1"><packages>', '<report name="x">', '{"total":{}}'];
    for (const text of no) assert.equal(cloverXmlFormat.detect(Buffer.from(text)), false, text);
  });
});

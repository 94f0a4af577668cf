import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures, fileOf, fixture, parseText } from '../../../test/support/coverage-fixtures.ts';
import { coberturaXmlFormat } from './cobertura-xml.ts';

const wrap = (root: string, classes: string) =>
  `<?xml version="1.0"?><coverage ${root}><packages><package name="p"><classes>${classes}</classes></package></packages></coverage>`;

describe('Cobertura XML', () => {
  it('merges the classes of one file by line, takes method lines only where a class lists none', async () => {
    const summary = await parseText(coberturaXmlFormat, fixture('cobertura-shared-file.xml'), 50);
    assert.equal(summary.fileCount, 3);
    assert.deepEqual(summary.sources, ['/src']);
    const outer = fileOf(summary, 'app/outer.py');
    assert.deepEqual(figures(outer, 'lines'), [3, 4]);
    assert.deepEqual(figures(outer, 'branches'), [3, 6]);
    assert.deepEqual(figures(outer, 'functions'), [1, 2]);
    const swift = fileOf(summary, 'app/swift.swift');
    assert.deepEqual(figures(swift, 'lines'), [1, 2]);
    assert.deepEqual(figures(swift, 'functions'), [1, 2]);
    assert.equal(swift.branches, null);
    // istanbul lists a method's declaration line under the method only: not a statement line.
    assert.deepEqual(figures(fileOf(summary, 'app/istanbul.js'), 'lines'), [1, 1]);
    assert.deepEqual(figures(summary, 'lines'), [5, 7]);
    assert.deepEqual(figures(summary, 'branches'), [3, 6]);
    assert.deepEqual(summary.warnings, [
      'the root <coverage> declares 5 of 8 lines covered, but its lines give 5 of 7; the summary uses 5 of 7',
    ]);
  });

  it('checks a declared line-rate when no counts are given, allowing for rounding', async () => {
    const lines =
      '<line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/>';
    const cls = `<class name="a" filename="a.py"><lines>${lines}</lines></class>`;
    const rounded = await parseText(coberturaXmlFormat, wrap('line-rate="0.67"', cls));
    assert.deepEqual(rounded.warnings, []);
    const wrong = await parseText(coberturaXmlFormat, wrap('line-rate="0.9"', cls));
    assert.deepEqual(wrong.warnings, [
      'the root <coverage> declares a lines rate of 0.9, but its lines give 2 of 3 (0.6667); the summary uses 2 of 3',
    ]);
  });

  it('warns about branch lines without condition-coverage and about an empty report', async () => {
    const cls =
      '<class name="a" filename="a.py"><lines><line number="1" hits="1" branch="true"/></lines></class>';
    const summary = await parseText(coberturaXmlFormat, wrap('', cls));
    assert.equal(summary.branches, null);
    assert.match(
      (summary.warnings as string[])[0] ?? '',
      /1 lines say branch="true" without a condition-coverage/,
    );
    const empty = await parseText(
      coberturaXmlFormat,
      '<coverage line-rate="1"><packages/></coverage>',
    );
    assert.equal(empty.fileCount, 0);
    assert.deepEqual(empty.unmeasured, ['lines', 'branches', 'functions']);
    assert.deepEqual(empty.warnings, ['the report lists no classes (source files)']);
  });

  it('refuses classes without a filename and lines without numbers, naming where', async () => {
    const bad = wrap(
      '',
      '<class name="ok" filename="a.py"/><class name="x"><lines><line number="one" hits="1"/></lines></class>',
    );
    await assert.rejects(
      parseText(coberturaXmlFormat, bad),
      (error: Error & { code?: string; issues?: unknown[] }) => {
        assert.equal(error.code, 'EVIDENCE_MALFORMED');
        assert.equal(
          error.message,
          "Cobertura XML: packages/package[1]/classes/class[2]: missing 'filename' (and 1 more problems)",
        );
        assert.equal(error.issues?.length, 2);
        return true;
      },
    );
  });

  it('refuses another root element, a Clover report, and a DOCTYPE that declares entities', async () => {
    await assert.rejects(parseText(coberturaXmlFormat, '<report/>'), {
      code: 'EVIDENCE_MALFORMED',
      message: /^Cobertura XML: <report>: the root element is not <coverage>/,
    });
    await assert.rejects(parseText(coberturaXmlFormat, fixture('clover-without-metrics.xml')), {
      message: /this is a Clover report, not Cobertura/,
    });
    const entity =
      '<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><coverage>&x;</coverage>';
    await assert.rejects(parseText(coberturaXmlFormat, entity), {
      code: 'EVIDENCE_MALFORMED',
      message: /^Cobertura XML: XML line 1, column \d+: DOCTYPE declares entities/,
    });
  });

  it('detects Cobertura by its root and children, not Clover or JaCoCo, even from a cut head', () => {
    const yes = [
      '<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n<coverage line-rate="0.5" branch-rate="0" ',
      '<coverage version="7.6"><sources><source>/x</sou',
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><coverage line-rate="0.1"><packages><pack',
    ];
    for (const text of yes) assert.equal(coberturaXmlFormat.detect(Buffer.from(text)), true, text);
    const no = [
      '<coverage generated="1" clover="4.3.1"><project timestamp="1">',
      '<coverage generated="1693391816">\n  <project timestamp="1">',
      '<report name="x"><sessioninfo id="a"/>',
      '<testsuites><testsuite name="coverage"/></testsuites>',
      'SF:a\nDA:1,1\n',
      '<cover',
    ];
    for (const text of no) assert.equal(coberturaXmlFormat.detect(Buffer.from(text)), false, text);
  });
});

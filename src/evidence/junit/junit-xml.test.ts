import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath } from '../../../test/support/corpus.ts';
import { junitFormats } from './index.ts';
import { JUNIT_LIMITS, type JunitLimits, type JunitSummary } from './junit-summary.ts';
import { junitXml, parseJunitXml } from './junit-xml.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function* chunks(input: string | Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const parse = (input: string | Uint8Array, limits?: JunitLimits, size?: number) =>
  parseJunitXml(chunks(input, size), limits);

const brief = (summary: JunitSummary) =>
  summary.cases.map((c) => `${c.name}:${c.status}${c.flaky ? ':flaky' : ''}`);

describe('junit-xml format', () => {
  it('is exported for the registry as the one junit format, id junit-xml', () => {
    assert.deepEqual(
      junitFormats.map((f) => [f.id, f.kind, f.label]),
      [['junit-xml', 'junit', 'JUnit XML']],
    );
  });

  it('detects <testsuites> and bare <testsuite> roots past a BOM, declaration, comment and DOCTYPE', () => {
    const yes = [
      '<testsuites/>',
      '\uFEFF<?xml version="1.0"?>\n<!-- made by x -->\n<!DOCTYPE testsuite SYSTEM "junit.dtd">\n<testsuite name="a">',
      '  \n<testsuite',
    ];
    for (const text of yes) assert.equal(junitXml.detect(Buffer.from(text)), true, text);
    const no = [
      '',
      '<',
      '<?xml version="1.0"?>',
      '<tests',
      '<testsuiteX/>',
      '{"testsuites":[]}',
      '<robot>',
    ];
    for (const text of no) assert.equal(junitXml.detect(Buffer.from(text)), false, text);
  });

  it('never throws from detect, whatever the head and wherever it is cut', () => {
    const file = readFileSync(corpusPath('junit', 'maven-surefire-3.0.2-flaky-rerun.xml'));
    const utf16 = fixture('utf16be-bom-crlf-entities.xml');
    for (const bytes of [file, utf16]) {
      for (let cut = 0; cut < 400; cut++) {
        assert.doesNotThrow(() => junitXml.detect(bytes.subarray(0, cut)));
      }
      assert.equal(junitXml.detect(bytes.subarray(0, 400)), true);
    }
    assert.equal(junitXml.detect(Uint8Array.from([0xff, 0xfe, 0x3c])), false);
  });

  it('reads UTF-16BE with a byte-order mark, CRLF line ends and entities, in 1-byte chunks', async () => {
    const summary = await parse(fixture('utf16be-bom-crlf-entities.xml'), undefined, 1);
    assert.equal(summary.tests, 2);
    assert.equal(summary.failed, 1);
    assert.deepEqual(summary.cases[0], {
      suite: 'Ünïcode & friends',
      className: 'ns.Класс',
      name: 'проверка ✓',
      status: 'failed',
      timeSeconds: 0.5,
      message: '<expected> "a" & got \'b\' ✔',
      type: 'AssertionError',
    });
    assert.equal(summary.cases[1]?.name, '日本語のテスト');
    assert.equal(summary.durationSeconds, 0.75);
  });

  it('counts Surefire flaky* cases as passed and flaky, and rerun* beside a failure as failed', async () => {
    const summary = await parse(fixture('surefire-flaky-and-rerun.xml'));
    assert.deepEqual(
      [summary.tests, summary.passed, summary.failed, summary.errored, summary.flaky],
      [5, 3, 1, 1, 2],
    );
    assert.deepEqual(brief(summary), [
      'alwaysFails:failed',
      'alwaysErrors:errored',
      'passesOnSecondRun:passed:flaky',
      'errorsThenPasses:passed:flaky',
      'plainPass:passed',
    ]);
    assert.equal(summary.cases[0]?.message, 'still failing');
    assert.deepEqual(summary.warnings, []);
  });

  it('takes the outcome from status/result attributes only when no child element gives one', async () => {
    const summary = await parse(fixture('status-attributes.xml'));
    assert.deepEqual(
      [summary.tests, summary.passed, summary.failed, summary.errored, summary.skipped],
      [7, 1, 2, 1, 3],
    );
    const status = Object.fromEntries(summary.cases.map((c) => [c.name, c.status]));
    assert.equal(status.DISABLED_Slow, 'skipped');
    assert.equal(status.SkippedAtRuntime, 'skipped');
    assert.equal(status.disabled_test, 'skipped');
    assert.equal(status.failed_without_child, 'failed');
    assert.equal(status.errored_without_child, 'errored');
    assert.equal(status.child_wins, 'failed');
    assert.equal(status.ordinary, 'passed');
    // skipped="1" plus disabled="2" agree with the three skipped cases: no warning.
    assert.deepEqual(summary.declared, { tests: 7, failures: 2, errors: 1, skipped: 3 });
    assert.deepEqual(summary.warnings, []);
  });

  it('tolerates structural oddities with one warning each, naming where they are', async () => {
    const summary = await parse(fixture('structure-oddities.xml'));
    assert.deepEqual(
      [summary.tests, summary.passed, summary.errored, summary.suites],
      [6, 5, 1, 2],
    );
    assert.deepEqual(summary.cases[0], {
      suite: 'Outer',
      className: 'Outer',
      name: '(suite)',
      status: 'errored',
      timeSeconds: null,
      message: 'setUpClass failed',
      type: 'RuntimeError',
    });
    assert.equal(summary.cases.find((c) => c.name === 'loose')?.suite, '');
    assert.equal(summary.cases.find((c) => c.name === 'blank')?.timeSeconds, null);
    // Only the usable case times count: 1 (loose) + 900000 (slow).
    assert.equal(summary.durationSeconds, 900001);
    const expected = [
      /^1 testcase is outside any testsuite .*: testsuites\/testcase\[1\] "loose"$/,
      /^1 <failure> or <error> element is directly inside a testsuite.*testsuites\/testsuite\[1\] "Outer": <error>$/,
      /^1 testcase nested inside another testcase was ignored: inside testsuites\/testsuite\[1\]\/testsuite\[1\]\/testcase\[1\] "hasNested"$/,
      /^1 testcase has no name attribute: testsuites\/testsuite\[1\]\/testsuite\[1\]\/testcase\[2\]$/,
      /^4 time attributes are empty, negative or not a number.*"Outer" time="abc"; .*"hasNested" time="-1"; .*testcase\[2\] time="NaN", …$/,
      /^1 time attribute exceeds a week .*"slow" time="900000"$/,
    ];
    assert.equal(summary.warnings.length, expected.length, summary.warnings.join('\n'));
    for (const [i, pattern] of expected.entries()) assert.match(summary.warnings[i] ?? '', pattern);
  });

  it('keeps the first value of each property name, from suites and cases, as own data', async () => {
    const summary = await parse(fixture('structure-oddities.xml'));
    assert.deepEqual(Object.keys(summary.properties), [
      'ci.run',
      '__proto__',
      'multiline',
      'case.level',
    ]);
    assert.equal(summary.properties['ci.run'], '4711');
    assert.equal(Object.getPrototypeOf(summary.properties), Object.prototype);
    assert.equal(
      Object.getOwnPropertyDescriptor(summary.properties, '__proto__')?.value,
      'not a prototype',
    );
    assert.equal(summary.properties.multiline, 'line one\n        line two');
    assert.match(JSON.stringify(summary.properties), /"__proto__":"not a prototype"/);
  });

  it('falls back to the root time, then to the top-level suites, when no case has a time', async () => {
    const root = await parse(
      '<testsuites time="3.5"><testsuite time="1"><testcase name="a"/></testsuite></testsuites>',
    );
    assert.equal(root.durationSeconds, 3.5);
    const suites = await parse(
      '<testsuites><testsuite time="1.25"><testcase name="a"/></testsuite><testsuite time="2"><testsuite time="9"/></testsuite></testsuites>',
    );
    assert.equal(suites.durationSeconds, 3.25);
    const none = await parse('<testsuite><testcase name="a"/></testsuite>');
    assert.equal(none.durationSeconds, 0);
  });

  it('reads an empty <testsuites/> as zero tests, without warnings', async () => {
    const summary = await parse('<?xml version="1.0"?><testsuites/>');
    assert.deepEqual(
      [summary.tests, summary.suites, summary.cases, summary.warnings],
      [0, 0, [], []],
    );
  });
});

describe('junit-xml bounds what it keeps', () => {
  const report = (cases: string) => `<testsuite name="S">${cases}</testsuite>`;
  const passing = (n: number) =>
    Array.from({ length: n }, (_, i) => `<testcase name="pass${i}" time="0.1"/>`).join('');
  const failing = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => `<testcase name="fail${i}"><failure message="m${i}"/></testcase>`,
    ).join('');

  it('lists failed and errored cases before passing ones, evicting passing ones when full', async () => {
    const limits = { ...JUNIT_LIMITS, maxCases: 5 };
    const xml = report(
      `${passing(10)}${failing(3)}<testcase name="err"><error/></testcase>${passing(2)}`,
    );
    const summary = await parse(xml, limits, 64);
    assert.equal(summary.tests, 16);
    assert.deepEqual(brief(summary), [
      'fail0:failed',
      'fail1:failed',
      'fail2:failed',
      'err:errored',
      'pass0:passed',
    ]);
    assert.equal(summary.casesOmitted, 11);
    assert.match(
      summary.warnings.at(-1) ?? '',
      /keeps 5 of 16 test cases \(failed and errored first\)/,
    );
    assert.ok(Math.abs(summary.durationSeconds - 1.2) < 1e-9, 'totals still count every case');
  });

  it('keeps only the first failures once failures alone fill the list', async () => {
    const summary = await parse(report(`${passing(2)}${failing(6)}`), {
      ...JUNIT_LIMITS,
      maxCases: 4,
    });
    assert.deepEqual(brief(summary), [
      'fail0:failed',
      'fail1:failed',
      'fail2:failed',
      'fail3:failed',
    ]);
    assert.equal(summary.failed, 6);
    assert.equal(summary.casesOmitted, 4);
  });

  it('stops listing cases when their text reaches the character budget', async () => {
    const limits = { ...JUNIT_LIMITS, maxCaseTextChars: 20 };
    const summary = await parse(report(passing(10)), limits);
    // "pass0".."pass3" are 5 characters each: four fit in 20.
    assert.equal(summary.cases.length, 4);
    assert.equal(summary.casesOmitted, 6);
  });

  it('cuts messages at 4 KiB and names at 1 KiB, without splitting a surrogate pair', async () => {
    const message = `${'x'.repeat(4094)}😀${'y'.repeat(5000)}`;
    const name = 'n'.repeat(3000);
    const summary = await parse(
      report(`<testcase name="${name}"><failure message="${message}"/></testcase>`),
      undefined,
      1000,
    );
    const record = summary.cases[0];
    assert.equal(record?.message?.length, 4095);
    assert.ok(record?.message?.endsWith('x…'));
    assert.equal(record?.name.length, 1024);
    assert.ok(record?.name.endsWith('…'));
  });

  it('takes the first line of the text when a failure has no message attribute, cut at 4 KiB', async () => {
    const text = `\n\n   first line  \nsecond line\n${'z'.repeat(20000)}`;
    const one = await parse(
      report(`<testcase name="a"><failure><![CDATA[${text}]]></failure></testcase>`),
    );
    assert.equal(one.cases[0]?.message, 'first line');
    const long = await parse(
      report(`<testcase name="a"><error>${'w'.repeat(10000)}</error></testcase>`),
    );
    assert.equal(long.cases[0]?.message?.length, 4096);
  });

  it('keeps at most maxProperties names and counts the rest', async () => {
    const properties = Array.from(
      { length: 8 },
      (_, i) => `<property name="p${i % 6}" value="${i}"/>`,
    );
    const summary = await parse(report(`<properties>${properties.join('')}</properties>`), {
      ...JUNIT_LIMITS,
      maxProperties: 4,
    });
    assert.deepEqual(summary.properties, { p0: '0', p1: '1', p2: '2', p3: '3' });
    // p4 and p5 are new names that did not fit; the repeated p0 and p1 are simply ignored.
    assert.equal(summary.propertiesOmitted, 2);
    assert.match(
      summary.warnings.at(-1) ?? '',
      /kept the first 4 property names; 2 further property elements left out/,
    );
  });

  it('reports a few places for a warning however often it occurs', async () => {
    const bad = Array.from({ length: 500 }, (_, i) => `<testcase name="t${i}" time="-1"/>`).join(
      '',
    );
    const summary = await parse(report(bad));
    assert.equal(summary.warnings.length, 1);
    assert.match(
      summary.warnings[0] ?? '',
      /^500 time attributes .*testcase\[3\] "t2" time="-1", …$/,
    );
  });
});

describe('junit-xml errors', () => {
  it('refuses a document element other than testsuites/testsuite at the first tag', async () => {
    async function* endless(): AsyncIterable<Uint8Array> {
      yield Buffer.from('<?xml version="1.0"?>\n<Site Name="ctest">');
      for (;;) yield Buffer.from('<Test/>'.repeat(1000));
    }
    await assert.rejects(parseJunitXml(endless()), {
      name: 'DossierError',
      code: 'EVIDENCE_MALFORMED',
      message: /^junit: the document element is <Site>/,
    });
  });

  it('names line and column of a truncated report, prefixed with junit:', async () => {
    await assert.rejects(parse('<testsuite>\n  <testcase name="a">\n    <failure message="x'), {
      code: 'EVIDENCE_MALFORMED',
      message: /^junit: XML line 3, column \d+: /,
    });
  });

  it('refuses an empty file and one of only white space', async () => {
    for (const input of ['', '   \n']) {
      await assert.rejects(parse(input), { code: 'EVIDENCE_MALFORMED', message: /^junit: / });
    }
  });

  it('passes a failing source on as EVIDENCE_MALFORMED, not as a raw error', async () => {
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('<testsuite>'.padEnd(300, ' '));
      throw new TypeError('socket hang up');
    }
    await assert.rejects(parseJunitXml(broken()), {
      name: 'DossierError',
      code: 'EVIDENCE_MALFORMED',
      message: /socket hang up/,
    });
  });
});

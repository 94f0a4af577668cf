import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { DETECT_HEAD_BYTES, type ParseContext } from '../format.ts';
import { EVIDENCE_FORMATS } from '../registry.ts';
import type { JunitSummary } from './junit-summary.ts';
import { junitXml } from './junit-xml.ts';
import { oracleCounts } from './test-oracle.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };

async function* chunks(bytes: Uint8Array, size = 4096): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parse(bytes: Uint8Array): Promise<JunitSummary> {
  return (await junitXml.parse(chunks(bytes), context)) as unknown as JunitSummary;
}

function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder().decode(bytes);
}

/**
 * What each odd file bends, and the warning that must say so. odd-failure-no-attributes does
 * not contradict itself (message is optional), so its check is that the text became the message.
 */
const ODD: Record<string, RegExp | ((summary: JunitSummary) => void)> = {
  'odd-container-structure-test-huge-times.xml':
    /time="999638317".*exceed|exceed.*time="999638317"/,
  'odd-failure-no-attributes.xml': (summary) => {
    assert.equal(summary.cases[0]?.message, 'Failed!');
    assert.equal(summary.cases[0]?.type, undefined);
  },
  'odd-huge-generated-negative-times.xml':
    /5131 time attributes are empty, negative or not a number/,
  'odd-multi-level-declared-57-but-fewer-cases.xml': /tests=57 declared, 3 found/,
  'odd-multiple-failures-per-case.xml':
    /several <failure> or <error> elements.*testWithMultipleFailures/,
  'odd-multiresult.xml': /more than one outcome.*"test that errors" \(skipped, failure, error\)/,
  'odd-negative-duration.xml': /time="-345345"/,
  'odd-no-attributes.xml': /4 testcases have no name attribute/,
  'odd-no-cases-but-tests.xml': /tests=6 declared, 0 found/,
  'odd-pytest-binary-names-declared-3121.xml':
    /tests=3121 declared, 1 found, skipped=277 declared, 0 found/,
  'odd-various-timestamps.xml': /tests=8 declared, 12 found/,
};

describe('junit-xml on the shared corpus (junit/)', () => {
  const files = corpusFiles('junit');

  it('finds the 51 JUnit files SOURCES.md lists', () => {
    assert.equal(files.length, 51);
  });

  for (const file of files) {
    const name = basename(file);
    it(`${name}: detected, parsed, and its figures agree with an independent count`, async () => {
      const bytes = readFileSync(file);
      assert.equal(junitXml.detect(bytes.subarray(0, DETECT_HEAD_BYTES)), true, 'detect');
      for (const other of EVIDENCE_FORMATS.filter((format) => format.kind !== 'junit')) {
        assert.equal(other.detect(bytes.subarray(0, DETECT_HEAD_BYTES)), false, other.id);
      }

      const summary = await parse(bytes);
      const oracle = oracleCounts(decode(bytes));
      assert.equal(summary.tests, oracle.tests, 'tests');
      assert.equal(summary.failed, oracle.failed, 'failed');
      assert.equal(summary.errored, oracle.errored, 'errored');
      assert.equal(summary.skipped, oracle.skipped, 'skipped');
      assert.equal(summary.flaky, oracle.flaky, 'flaky');
      assert.equal(
        summary.passed,
        oracle.tests - oracle.failed - oracle.errored - oracle.skipped,
        'passed',
      );
      assert.equal(summary.suites, oracle.suites, 'suites');
      if (oracle.caseSeconds !== null) {
        assert.ok(Math.abs(summary.durationSeconds - oracle.caseSeconds) < 1e-5, 'duration');
      }

      // Every case is listed (the corpus is far below the cap), failed and errored first.
      assert.equal(summary.casesOmitted, 0);
      const byStatus = (list: string[]) => [...list].sort();
      assert.deepEqual(
        byStatus(summary.cases.map((c) => `${c.name}|${c.status}`)),
        byStatus(oracle.cases),
      );
      const firstOther = summary.cases.findIndex(
        (c) => c.status !== 'failed' && c.status !== 'errored',
      );
      const problems = summary.failed + summary.errored;
      assert.equal(
        firstOther === -1 ? summary.cases.length : firstOther,
        problems,
        'problems first',
      );
      for (const record of summary.cases) {
        assert.ok(record.message === undefined || record.message.length <= 4096);
        assert.ok(record.timeSeconds === null || record.timeSeconds >= 0);
      }

      // Declared totals that disagree with the cases are named, with both figures.
      const declared = oracle.root.attributes;
      for (const [attribute, found] of [
        ['tests', oracle.tests],
        ['failures', oracle.failed],
        ['errors', oracle.errored],
      ] as const) {
        const claimed = declared[attribute];
        if (claimed !== undefined && /^\d+$/.test(claimed) && Number(claimed) !== found) {
          assert.ok(
            summary.warnings.some((w) =>
              w.includes(`${attribute}=${claimed} declared, ${found} found`),
            ),
            `warning for ${attribute}: ${summary.warnings.join(' | ')}`,
          );
        }
      }

      const odd = ODD[name];
      if (name.startsWith('odd-')) assert.ok(odd, `an expectation for ${name}`);
      if (odd instanceof RegExp) {
        assert.ok(
          summary.warnings.some((w) => odd.test(w)),
          summary.warnings.join(' | '),
        );
      } else if (odd) {
        odd(summary);
      }
      assert.doesNotThrow(() => JSON.stringify(summary));
    });
  }

  it('keeps messages, types, properties and flaky marks as the producers wrote them', async () => {
    const read = async (name: string) => parse(readFileSync(corpusPath('junit', name)));
    const surefire = await read('maven-surefire-3.0.2-flaky-rerun.xml');
    assert.equal(surefire.properties['java.version'], '17.0.11');
    assert.equal(surefire.properties['line.separator'], '\n');
    assert.deepEqual(
      surefire.cases.map((c) => [c.name, c.status, c.flaky]),
      [['testApp', 'passed', true]],
    );

    const ant = await read('ant-junit-2009-errors-CRLF-entities.xml');
    const errored = ant.cases.filter((c) => c.status === 'errored');
    assert.equal(errored.length, 3);
    // No message attribute: the first line of the text, without the &#13; carriage return.
    assert.equal(errored[0]?.message, 'java.lang.NullPointerException');
    assert.equal(errored[0]?.type, 'java.lang.NullPointerException');

    const gtest = await read('googletest-1.10-fail.xml');
    assert.equal(
      gtest.cases[0]?.message,
      'github.com/launchableinc/rocket-car-googletest/test_a.cpp:21\nExpected equality of these values:\n  false\n  true',
    );

    const xctest = await read('xctest-xcpretty-junit.xml');
    assert.equal(
      xctest.cases[0]?.message,
      'XCTAssertEqual failed: (&quot;12&quot;) is not equal to (&quot;10&quot;)',
      'double-escaped entities stay as the producer wrote them',
    );

    const jenkins = await read('properties-multiline-and-testcase-properties.xml');
    assert.equal(jenkins.properties.prop1, 'value1');
    assert.equal(
      jenkins.properties.multiline,
      'Config line 1\n          Config line 2\n          Config line 3',
    );
    assert.equal(jenkins.properties.description, 'description of test testCaseA');

    const behave = await read('behave-russian-unicode.xml');
    assert.match(behave.cases[0]?.name ?? '', /[\u0400-\u04ff]/);

    const trivy = await read('trivy-junit-template-empty-time.xml');
    assert.equal(trivy.durationSeconds, 0);
    assert.ok(trivy.warnings.some((w) => /time="" *;|time=""/.test(w)));
  });
});

describe('junit-xml on negative/ and hostile/ files', () => {
  const negatives = corpusFiles('negative').filter((file) => basename(file).startsWith('junit-'));

  it('finds the 8 JUnit negatives SOURCES.md lists', () => {
    assert.equal(negatives.length, 8);
  });

  /** Files whose document element is not JUnit's: not detected, and refused by parse. */
  const notJunit = new Set([
    'junit-broken-not-xml.xml',
    'junit-expected-but-ctest-native-Test.xml',
    'junit-expected-but-other-xml-root.xml',
    'junit-expected-but-robot-framework-output.xml',
    'junit-zero-byte.xml',
  ]);

  for (const file of negatives) {
    const name = basename(file);
    const bytes = readFileSync(file);
    if (name === 'junit-utf16le-bom-bad-encoding-label.xml') {
      // SOURCES.md allows either answer; "UTF-16 LE" is not an EncName (XML 1.0 §4.3.3), and
      // the XML reader holds the declaration to the grammar, so the file is refused by name.
      it(`${name}: detected by its byte-order mark, refused for its invalid encoding label`, async () => {
        assert.equal(junitXml.detect(bytes), true);
        await assert.rejects(parse(bytes), {
          code: 'EVIDENCE_MALFORMED',
          message: /^junit: XML line 1, column \d+: encoding value must match/,
        });
      });
    } else if (notJunit.has(name)) {
      it(`${name}: not detected as JUnit, and parse refuses it with EVIDENCE_MALFORMED`, async () => {
        assert.equal(junitXml.detect(bytes), false);
        await assert.rejects(parse(bytes), { name: 'DossierError', code: 'EVIDENCE_MALFORMED' });
      });
    } else {
      it(`${name}: looks like JUnit, but parse refuses it with EVIDENCE_MALFORMED and a line`, async () => {
        assert.equal(junitXml.detect(bytes), true);
        await assert.rejects(parse(bytes), {
          name: 'DossierError',
          code: 'EVIDENCE_MALFORMED',
          message: /^junit: XML line \d+, column \d+: /,
        });
      });
    }
  }

  it('names the document element of a file that is XML but not JUnit', async () => {
    const bytes = readFileSync(
      corpusPath('negative', 'junit-expected-but-robot-framework-output.xml'),
    );
    await assert.rejects(parse(bytes), {
      code: 'EVIDENCE_MALFORMED',
      message:
        'junit: the document element is <robot>, not <testsuites> or <testsuite>; this is not JUnit XML',
    });
  });

  it('refuses the XXE file quickly, without fetching or expanding anything', async () => {
    const bytes = readFileSync(corpusPath('hostile', 'xxe-parameter-entity-jenkins-junit.xml'));
    assert.equal(junitXml.detect(bytes), false);
    const started = performance.now();
    await assert.rejects(parse(bytes), { code: 'EVIDENCE_MALFORMED', message: /^junit: .*entit/ });
    assert.ok(performance.now() - started < 1000);
  });
});

describe('junit-xml detection leaves other kinds alone', () => {
  const folders = [
    'coverage',
    'sarif',
    'sbom-cyclonedx',
    'sbom-spdx',
    'vuln',
    'vex',
    'provenance',
    'oscal',
  ];
  const files = folders.flatMap((folder) => corpusFiles(folder));

  it(`claims none of the ${files.length} files of other kinds`, () => {
    assert.ok(files.length > 100);
    const claimed = files.filter((file) =>
      junitXml.detect(readFileSync(file).subarray(0, DETECT_HEAD_BYTES)),
    );
    assert.deepEqual(claimed, []);
  });
});

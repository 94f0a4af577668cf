import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import type { EvidenceFormat, ParseContext } from '../format.ts';
import {
  type Expected,
  expectClover,
  expectCobertura,
  expectIstanbulFinal,
  expectIstanbulSummary,
  expectJacoco,
  expectLcov,
  totals,
} from './fixtures/expected-figures.ts';
import { coverageFormats } from './index.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** What each corpus file is, by its name (SOURCES.md names files after their producer). */
const EXPECTED_FORMAT: Array<[RegExp, string, (text: string) => Expected]> = [
  [/^(odd-)?lcov-/, 'lcov', expectLcov],
  [/^cobertura-/, 'cobertura-xml', expectCobertura],
  [/^jacoco-/, 'jacoco-xml', expectJacoco],
  [/^clover-/, 'clover-xml', expectClover],
  [/^istanbul-coverage-final-/, 'istanbul-final-json', expectIstanbulFinal],
  [/^istanbul-coverage-summary-/, 'istanbul-summary-json', expectIstanbulSummary],
];

/** Formats of other kinds, where their folders load: none of them may claim a coverage file. */
async function otherKindsFormats(): Promise<EvidenceFormat[]> {
  const found: EvidenceFormat[] = [];
  for (const folder of ['junit', 'sarif', 'sbom', 'vex', 'vuln-scan', 'provenance']) {
    try {
      const module = (await import(`../${folder}/index.ts`)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (Array.isArray(value)) found.push(...(value as EvidenceFormat[]));
      }
    } catch {
      // That folder has no public face yet; nothing to check against.
    }
  }
  return found.filter((format) => format.kind !== 'coverage');
}

const METRICS = ['lines', 'branches', 'functions', 'statements', 'instructions'] as const;

describe('coverage corpus (shared/corpus/coverage)', async () => {
  const files = corpusFiles('coverage');
  const others = await otherKindsFormats();

  it('finds the 20 files SOURCES.md lists', () => {
    assert.equal(files.length, 20);
  });

  for (const path of files) {
    const name = basename(path);
    it(`${name}: recognized by exactly its format and summarized with the file's own figures`, async () => {
      const entry = EXPECTED_FORMAT.find(([pattern]) => pattern.test(name));
      assert.ok(entry, `no expectation for ${name}`);
      const [, formatId, expect] = entry;
      const bytes = readFileSync(path);
      const head = bytes.subarray(0, 64 * 1024);
      assert.deepEqual(
        coverageFormats.filter((format) => format.detect(head)).map((format) => format.id),
        [formatId],
      );
      for (const other of others) {
        assert.equal(other.detect(head), false, `${other.id} claims ${name}`);
      }

      const format = coverageFormats.find(
        (candidate) => candidate.id === formatId,
      ) as EvidenceFormat;
      const summary = await format.parse(chunks(bytes, 997), context);
      const expected = expect(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      assert.equal(summary.format, formatId);
      assert.equal(summary.fileCount, expected.files.length);
      assert.ok(expected.files.length > 0);
      for (const metric of METRICS) {
        if (summary[`${metric}Total`] === undefined) continue;
        const want = totals(expected, metric);
        assert.deepEqual(
          [summary[`${metric}Covered`], summary[`${metric}Total`]],
          [want.covered, want.total],
          `${metric} totals`,
        );
        assert.equal(summary[metric], want.total > 0 ? want.covered / want.total : null);
        assert.equal((summary.unmeasured as string[]).includes(metric), want.total === 0);
      }
      const listed = summary.files as Array<Record<string, unknown>>;
      assert.equal(listed.length, expected.files.length);
      for (const want of expected.files) {
        const got = listed.find((file) => file.path === want.path);
        assert.ok(got, `file ${want.path} is listed`);
        for (const metric of METRICS) {
          const figure = want[metric];
          if (!figure || got[`${metric}Total`] === undefined) continue;
          assert.deepEqual(
            [got[`${metric}Covered`], got[`${metric}Total`]],
            [figure.covered, figure.total],
            `${want.path} ${metric}`,
          );
        }
      }
      // Each disagreement between declared totals and the files is a warning naming the metric.
      const warnings = summary.warnings as string[];
      const declaredWarnings = warnings.filter((warning) => /declares/.test(warning));
      assert.equal(declaredWarnings.length, expected.contradictions.length, warnings.join('\n'));
      for (const contradiction of expected.contradictions) {
        const [subject, metric] = contradiction.includes(' ')
          ? [
              contradiction.slice(0, contradiction.lastIndexOf(' ')),
              contradiction.slice(contradiction.lastIndexOf(' ') + 1),
            ]
          : ['', contradiction];
        assert.ok(
          declaredWarnings.some(
            (warning) => warning.includes(subject) && warning.includes(` ${metric} `),
          ),
          `a warning for ${contradiction}`,
        );
      }
    });
  }

  it('odd-lcov-da-with-checksums.info: summarized, with a warning about the DA checksum field', async () => {
    const bytes = readFileSync(corpusPath('coverage', 'odd-lcov-da-with-checksums.info'));
    const format = coverageFormats.find((candidate) => candidate.id === 'lcov') as EvidenceFormat;
    const summary = await format.parse(chunks(bytes, 64), context);
    const warnings = summary.warnings as string[];
    const checksumLines = bytes.toString('utf8').match(/^DA:\d+,\d+,\S+$/gm) ?? [];
    assert.ok(checksumLines.length > 0);
    assert.ok(
      warnings.some((warning) =>
        warning.startsWith(`${checksumLines.length} DA records carry a third field`),
      ),
      warnings.join('\n'),
    );
  });

  it('lcov-js-test.lcov: a hit count of 2^64-1 (a wrapped counter) is covered, with a warning', async () => {
    const bytes = readFileSync(corpusPath('coverage', 'lcov-js-test.lcov'));
    const format = coverageFormats.find((candidate) => candidate.id === 'lcov') as EvidenceFormat;
    const summary = await format.parse(chunks(bytes, 100), context);
    assert.ok(
      (summary.warnings as string[]).some((warning) => warning.includes('18446744073709551615')),
    );
  });
});

describe('coverage negatives (shared/corpus/negative: cobertura-*, lcov-*)', () => {
  const files = corpusFiles('negative').filter((path) => /^(cobertura|lcov)-/.test(basename(path)));
  const byName = (name: string) =>
    coverageFormats.find((format) => format.id === name) as EvidenceFormat;

  it('finds the 3 coverage negatives', () => {
    assert.deepEqual(
      files.map((path) => basename(path)),
      [
        'cobertura-one-newline-byte.xml',
        'cobertura-scoverage-not-well-formed.xml',
        'lcov-zero-byte.lcov',
      ],
    );
  });

  it('cobertura-one-newline-byte.xml: no format claims it; parsed as Cobertura it is malformed (no root element)', async () => {
    const bytes = readFileSync(corpusPath('negative', 'cobertura-one-newline-byte.xml'));
    assert.deepEqual(
      coverageFormats.filter((format) => format.detect(bytes)),
      [],
    );
    await assert.rejects(byName('cobertura-xml').parse(chunks(bytes, 1), context), {
      code: 'EVIDENCE_MALFORMED',
      message: /^Cobertura XML: XML line \d+, column \d+: .*root element/,
    });
  });

  it('cobertura-scoverage-not-well-formed.xml: recognized as Cobertura, then refused at the stray close tag', async () => {
    const bytes = readFileSync(corpusPath('negative', 'cobertura-scoverage-not-well-formed.xml'));
    assert.equal(byName('cobertura-xml').detect(bytes.subarray(0, 64 * 1024)), true);
    await assert.rejects(byName('cobertura-xml').parse(chunks(bytes, 4096), context), {
      code: 'EVIDENCE_MALFORMED',
      message: /^Cobertura XML: XML line 1, column \d+: unexpected close tag/,
    });
  });

  it('lcov-zero-byte.lcov: no format claims it; parsed as lcov it is malformed (no records)', async () => {
    const bytes = readFileSync(corpusPath('negative', 'lcov-zero-byte.lcov'));
    assert.deepEqual(
      coverageFormats.filter((format) => format.detect(bytes)),
      [],
    );
    await assert.rejects(byName('lcov').parse(chunks(bytes, 1), context), {
      code: 'EVIDENCE_MALFORMED',
      message: /^lcov: the file holds no source-file records/,
    });
  });
});

describe('coverage XML formats on the hostile corpus', () => {
  it('refuse the XXE parameter-entity file without fetching anything', async () => {
    const bytes = readFileSync(corpusPath('hostile', 'xxe-parameter-entity-jenkins-junit.xml'));
    for (const id of ['cobertura-xml', 'jacoco-xml', 'clover-xml']) {
      const format = coverageFormats.find((candidate) => candidate.id === id) as EvidenceFormat;
      assert.equal(format.detect(bytes), false);
      await assert.rejects(format.parse(chunks(bytes, 64), context), {
        code: 'EVIDENCE_MALFORMED',
        message: /entit/,
      });
    }
  });
});

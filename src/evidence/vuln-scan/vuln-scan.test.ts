import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import {
  mutateBytes,
  replaceMember,
  survivesParse,
} from '../../../test/support/parser-properties.ts';
import { isDossierError } from '../../core/errors.ts';
import {
  DETECT_HEAD_BYTES,
  type EvidenceFormat,
  type EvidenceSummary,
  type ParseContext,
} from '../format.ts';
import { sarifFormats } from '../sarif/index.ts';
import { vexFormats } from '../vex/index.ts';
import { grypeJsonFormat } from './grype-json.ts';
import { vulnScanFormats } from './index.ts';
import { npmAuditJsonFormat } from './npm-audit-json.ts';
import { osvScannerJsonFormat } from './osv-scanner-json.ts';
import { trivyJsonFormat } from './trivy-json.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

async function* chunks(bytes: Uint8Array, size = 16 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const parse = (format: EvidenceFormat, bytes: Uint8Array) => format.parse(chunks(bytes), context);

// biome-ignore lint/suspicious/noExplicitAny: the test reads corpus JSON as it comes
type Json = any;

const BANDS: Record<string, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'low',
  info: 'low',
};
const RANK = ['unknown', 'low', 'medium', 'high', 'critical'];

/** Unique findings by key, each at the highest band any copy gives: counted from the JSON. */
class Expected {
  readonly bands = new Map<string, string>();
  add(key: string, word: unknown): void {
    const band = BANDS[String(word).toLowerCase()] ?? 'unknown';
    const known = this.bands.get(key);
    if (!known || RANK.indexOf(band) > RANK.indexOf(known)) this.bands.set(key, band);
  }
  count(band: string): number {
    return [...this.bands.values()].filter((b) => b === band).length;
  }
}

function expectedTrivy(report: Json): Expected {
  const expected = new Expected();
  const results: Json[] = Array.isArray(report)
    ? report
    : report.ClusterName !== undefined
      ? ['Resources', 'Vulnerabilities', 'Misconfigurations'].flatMap((key) =>
          (report[key] ?? []).flatMap((resource: Json) => resource.Results ?? []),
        )
      : (report.Results ?? []);
  for (const result of results) {
    for (const v of result.Vulnerabilities ?? []) {
      expected.add(`${v.VulnerabilityID}|${v.PkgName}|${v.InstalledVersion}`, v.Severity);
    }
  }
  return expected;
}

function expectedGrype(report: Json): Expected {
  const expected = new Expected();
  for (const match of report.matches) {
    const { vulnerability: v, artifact: a } = match;
    expected.add(`${v.id}|${a.name}|${a.version}`, v.severity);
  }
  return expected;
}

function expectedNpm(report: Json): Expected {
  const expected = new Expected();
  if (report.auditReportVersion === 2) {
    for (const entry of Object.values(report.vulnerabilities) as Json[]) {
      for (const via of entry.via) {
        if (typeof via === 'object') expected.add(`${via.url}|${via.name}`, via.severity);
      }
    }
  } else {
    for (const advisory of Object.values(report.advisories) as Json[]) {
      for (const finding of advisory.findings) {
        expected.add(
          `${advisory.id}|${advisory.module_name}|${finding.version}`,
          advisory.severity,
        );
      }
    }
  }
  return expected;
}

/** OSV: one finding per group, plus each vulnerability no group names; unknown = no rating at all. */
function expectedOsv(report: Json): { total: number; unknown: number } {
  let total = 0;
  let unknown = 0;
  const rated = (v: Json) =>
    v?.database_specific?.severity !== undefined ||
    (v?.severity ?? []).some((s: Json) => s.type === 'CVSS_V3' || s.type === 'CVSS_V2');
  for (const result of report.results) {
    for (const pkg of result.packages ?? []) {
      const byId = new Map((pkg.vulnerabilities ?? []).map((v: Json) => [v.id, v]));
      const grouped = new Set((pkg.groups ?? []).flatMap((g: Json) => g.ids));
      const groups: Json[][] = [
        ...(pkg.groups ?? []).map((g: Json) => g.ids.map((id: string) => byId.get(id))),
        ...[...byId.keys()].filter((id) => !grouped.has(id)).map((id) => [byId.get(id)]),
      ];
      total += groups.length;
      unknown += groups.filter((members) => !members.some(rated)).length;
    }
  }
  return { total, unknown };
}

const FORMAT_BY_PREFIX: Array<[RegExp, EvidenceFormat]> = [
  [/^trivy-/, trivyJsonFormat],
  [/^grype-/, grypeJsonFormat],
  [/^osv-scanner-/, osvScannerJsonFormat],
  [/^(npm|pnpm)-audit-/, npmAuditJsonFormat],
];

function assertCounts(summary: EvidenceSummary, expected: Expected): void {
  assert.equal(summary.total, expected.bands.size, 'total');
  for (const band of ['critical', 'high', 'medium', 'low', 'unknown']) {
    assert.equal(summary[band], expected.count(band), band);
  }
}

describe('vulnerability scan corpus (shared/corpus/vuln)', () => {
  const files = corpusFiles('vuln');

  it('finds the 21 scan reports SOURCES.md lists', () => {
    assert.equal(files.length, 21);
  });

  for (const file of files) {
    const name = basename(file);
    it(`${name}: is recognized by its scanner's format alone and its counts agree with the file`, async () => {
      const bytes = readFileSync(file);
      const head = bytes.subarray(0, DETECT_HEAD_BYTES);
      const format = FORMAT_BY_PREFIX.find(([prefix]) => prefix.test(name))?.[1];
      assert.ok(format, `no format expected for ${name}`);
      assert.deepEqual(
        [...vulnScanFormats, ...sarifFormats, ...vexFormats]
          .filter((f) => f.detect(head))
          .map((f) => f.id),
        [format.id],
      );
      const summary = await parse(format, bytes);
      const report = JSON.parse(bytes.toString('utf8'));
      if (format === osvScannerJsonFormat) {
        const want = expectedOsv(report);
        assert.equal(summary.total, want.total);
        assert.equal(summary.unknown, want.unknown);
      } else {
        const expected =
          format === trivyJsonFormat
            ? expectedTrivy(report)
            : format === grypeJsonFormat
              ? expectedGrype(report)
              : expectedNpm(report);
        assertCounts(summary, expected);
      }
      const sum = ['critical', 'high', 'medium', 'low', 'unknown'].reduce(
        (n, band) => n + (summary[band] as number),
        0,
      );
      assert.equal(sum, summary.total);
      const list = summary.vulnerabilities as Json[];
      assert.equal(list.length, summary.total);
      assert.equal(list.filter((v) => v.fixedVersion !== null).length, summary.fixable);
      for (const v of list) {
        assert.equal(typeof v.id, 'string');
        assert.ok(!v.aliases.includes(v.id));
      }
      assert.doesNotThrow(() => JSON.stringify(summary));
    });
  }

  it('trivy-legacy-schema1-array (odd): read as results, with a warning', async () => {
    const summary = await parse(
      trivyJsonFormat,
      readFileSync(corpusPath('vuln', 'trivy-legacy-schema1-array.json')),
    );
    assert.deepEqual(summary.warnings, [
      'a Trivy report from before SchemaVersion 2 (a bare array of results); read as its Results',
    ]);
    assert.equal(summary.total, 93);
  });

  it('trivy-secrets and trivy-config: secrets and failed checks are counted apart from vulnerabilities', async () => {
    const secrets = await parse(
      trivyJsonFormat,
      readFileSync(corpusPath('vuln', 'trivy-secrets.json')),
    );
    assert.equal(secrets.total, 0);
    assert.deepEqual(secrets.secrets, {
      critical: 1,
      high: 1,
      medium: 0,
      low: 0,
      unknown: 0,
      total: 2,
    });
    const config = await parse(
      trivyJsonFormat,
      readFileSync(corpusPath('vuln', 'trivy-config-dockerfile-misconfig.json')),
    );
    assert.equal((config.misconfigurations as Json).high, 1);
  });

  it('grype-defectdojo-check-all-fields: a repeated match counts once, and says so', async () => {
    const summary = await parse(
      grypeJsonFormat,
      readFileSync(corpusPath('vuln', 'grype-defectdojo-check-all-fields.json')),
    );
    assert.equal(summary.duplicates, 1);
    assert.equal(summary.total, 5);
    assert.deepEqual(summary.scanner, { name: 'grype', version: '0.28.0' });
  });

  it("negative/npm-audit-error-object-ENOAUDIT: recognized, then refused with npm's own words", async () => {
    const bytes = readFileSync(corpusPath('negative', 'npm-audit-error-object-ENOAUDIT.json'));
    assert.equal(npmAuditJsonFormat.detect(bytes), true);
    await assert.rejects(parse(npmAuditJsonFormat, bytes), {
      code: 'EVIDENCE_MALFORMED',
      message:
        /^npm audit JSON: the file is npm's error report, not an audit: ENOAUDIT: Your configured registry/,
    });
  });

  it('negative/osv-scanner-zero-byte-clean-run: no format claims it, and parsing it is EVIDENCE_MALFORMED', async () => {
    const bytes = readFileSync(corpusPath('negative', 'osv-scanner-zero-byte-clean-run.json'));
    assert.equal(bytes.length, 0);
    for (const format of vulnScanFormats) {
      assert.equal(format.detect(bytes), false);
      await assert.rejects(parse(format, bytes), {
        code: 'EVIDENCE_MALFORMED',
        message: /the file is empty/,
      });
    }
  });

  it('claims no file of another kind in the corpus, and no other negative file', () => {
    const folders = [
      'junit',
      'coverage',
      'sbom-cyclonedx',
      'sbom-spdx',
      'provenance',
      'sarif',
      'vex',
      'webhooks-github',
      'webhooks-gitlab',
      'cdevents',
      'oscal',
      'hostile',
      'support',
    ];
    const others = [
      ...folders.flatMap((folder) => corpusFiles(folder)),
      ...corpusFiles('negative').filter((file) => !/npm-audit-error/.test(file)),
    ];
    assert.ok(others.length > 150);
    const claimed = others.filter((file) => {
      const head = readFileSync(file).subarray(0, DETECT_HEAD_BYTES);
      return vulnScanFormats.some((format) => format.detect(head));
    });
    assert.deepEqual(claimed, []);
  });
});

describe('vulnerability scan fixtures', () => {
  it('Trivy: scores stand in for missing words, repeats merge at the higher band, VEX-suppressed findings count apart', async () => {
    const summary = await parse(trivyJsonFormat, fixture('trivy-severity-fallbacks.json'));
    assert.deepEqual(
      [summary.critical, summary.high, summary.medium, summary.low, summary.unknown, summary.total],
      [1, 2, 0, 0, 1, 4],
    );
    assert.equal(summary.duplicates, 1);
    assert.equal(summary.suppressed, 1);
    assert.equal(summary.fixable, 1);
    assert.deepEqual((summary.misconfigurations as Json).total, 1);
    const libbar = (summary.vulnerabilities as Json[]).find((v) => v.id === 'CVE-0000-0003');
    assert.deepEqual(libbar, {
      id: 'CVE-0000-0003',
      aliases: ['DSA-1', 'GHSA-xxxx-yyyy-zzzz'],
      package: 'libbar',
      version: '2.0',
      fixedVersion: '2.1',
      severity: 'high',
      title: null,
    });
    assert.deepEqual(summary.scanner, { name: 'Trivy', version: '0.50.0' });
    assert.equal(summary.target, 'fixture:latest');
  });

  it('OSV-Scanner: CVSS v2/v3 vectors are scored, v4 stays unknown, groups merge aliases', async () => {
    const summary = await parse(osvScannerJsonFormat, fixture('osv-scanner-without-groups.json'));
    assert.deepEqual(
      [summary.critical, summary.high, summary.medium, summary.low, summary.unknown, summary.total],
      [1, 2, 1, 0, 1, 5],
    );
    const byId = Object.fromEntries((summary.vulnerabilities as Json[]).map((v) => [v.id, v]));
    assert.equal(byId['PYSEC-0000-1'].fixedVersion, '1.2');
    assert.equal(byId['PYSEC-0000-2'].severity, 'high');
    assert.equal(byId['PYSEC-0000-3'].severity, 'unknown');
    assert.deepEqual(byId['GHSA-aaaa-bbbb-cccc'].aliases, ['PYSEC-0000-5', 'CVE-0000-5']);
    assert.equal(byId['GHSA-aaaa-bbbb-cccc'].severity, 'high');
    assert.equal(summary.target, '/src/requirements.txt');
  });

  it('npm audit v2: warns where metadata.vulnerabilities disagrees with the entries', async () => {
    const summary = await parse(
      npmAuditJsonFormat,
      fixture('npm-audit-v2-metadata-disagrees.json'),
    );
    assert.deepEqual([summary.critical, summary.low, summary.total], [1, 1, 2]);
    assert.deepEqual(summary.warnings, [
      'metadata.vulnerabilities.high says 1 but the report lists 0 packages rated high',
      'metadata.vulnerabilities.critical says 1 but the report lists 2 packages rated critical',
    ]);
    const ids = (summary.vulnerabilities as Json[]).map((v) => [v.id, v.fixedVersion]);
    assert.deepEqual(ids, [
      ['GHSA-2222-3333-4444', '1.3.0'],
      ['npm:2', '1.3.0'],
    ]);
  });

  it('reports every malformed entry of a report in one error, each with its path', async () => {
    const report = {
      SchemaVersion: 2,
      Results: [{ Vulnerabilities: [{ PkgName: 'x' }, 7] }, { Vulnerabilities: {} }],
    };
    await assert.rejects(
      parse(trivyJsonFormat, Buffer.from(JSON.stringify(report))),
      (error: unknown) => {
        assert.ok(isDossierError(error));
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          [
            'Results[0].Vulnerabilities[0]',
            'Results[0].Vulnerabilities[1]',
            'Results[1].Vulnerabilities',
          ],
        );
        return true;
      },
    );
  });

  it('caps the list at 10,000 entries, most severe first, and still counts everything', async () => {
    const matches = Array.from({ length: 12_000 }, (_, i) => ({
      vulnerability: {
        id: `CVE-2024-${i}`,
        severity: i === 11_999 ? 'Critical' : 'Low',
        fix: { versions: [], state: 'not-fixed' },
      },
      artifact: { name: `pkg${i}`, version: '1.0' },
    }));
    const summary = await parse(
      grypeJsonFormat,
      Buffer.from(JSON.stringify({ matches, descriptor: { name: 'grype', version: '0.1' } })),
    );
    assert.equal(summary.total, 12_000);
    assert.equal((summary.vulnerabilities as Json[]).length, 10_000);
    assert.equal(summary.vulnerabilitiesOmitted, 2_000);
    assert.equal((summary.vulnerabilities as Json[])[0].id, 'CVE-2024-11999');
    assert.ok(
      (summary.warnings as string[]).includes(
        '2000 more vulnerabilities are counted but not listed',
      ),
    );
  });
});

describe('vulnerability scan formats under random and mutated input (fast-check)', () => {
  const corpus = corpusFiles('vuln').map((file) => ({
    bytes: new Uint8Array(readFileSync(file)),
    format:
      FORMAT_BY_PREFIX.find(([prefix]) => prefix.test(basename(file)))?.[1] ?? trivyJsonFormat,
  }));

  const survives = (format: EvidenceFormat, bytes: Uint8Array) =>
    survivesParse(vulnScanFormats, () => parse(format, bytes), bytes);

  it('random bytes, read by each format: a summary or EVIDENCE_MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom(...vulnScanFormats),
        (bytes, format) => survives(format, bytes),
      ),
      { numRuns: 150 },
    );
  });

  it('corpus reports with bytes flipped, truncated or spliced: a summary or EVIDENCE_MALFORMED', async () => {
    const mutated = fc.record({
      file: fc.nat({ max: corpus.length - 1 }),
      how: fc.constantFrom('flip', 'truncate', 'splice'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    });
    await fc.assert(
      fc.asyncProperty(mutated, ({ file, how, at, bytes }) => {
        const { bytes: base, format } = corpus[file] as (typeof corpus)[number];
        const changed = mutateBytes(base, how, at, bytes);
        return survives(format, changed);
      }),
      { numRuns: 150 },
    );
  });

  it('corpus reports with any member replaced by arbitrary JSON: a summary or EVIDENCE_MALFORMED', async () => {
    const small = corpus.filter(({ bytes }) => bytes.length < 100_000);
    const replaced = fc.record({
      file: fc.nat({ max: small.length - 1 }),
      pick: fc.nat(),
      value: fc.jsonValue({ maxDepth: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(replaced, ({ file, pick, value }) => {
        const { bytes, format } = small[file] as (typeof small)[number];
        return survives(format, replaceMember(bytes, pick, value));
      }),
      { numRuns: 200 },
    );
  });
});

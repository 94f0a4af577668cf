import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { replaceMember } from '../../../test/support/parser-properties.ts';
import { isDossierError } from '../../core/errors.ts';
import { DETECT_HEAD_BYTES, type EvidenceSummary, type ParseContext } from '../format.ts';
import { vexFormats } from '../vex/index.ts';
import { vulnScanFormats } from '../vuln-scan/index.ts';
import { sarifJsonFormat } from './sarif-json.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

async function* chunks(bytes: Uint8Array, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const parse = (bytes: Uint8Array) => sarifJsonFormat.parse(chunks(bytes), context);

// biome-ignore lint/suspicious/noExplicitAny: the test reads corpus JSON as it comes
type Json = any;

/**
 * What a SARIF file says, counted straight from the JSON with the spec's rules in their plain
 * form (rules from the driver by index or id; no extensions or overrides appear in the corpus).
 */
function expectedFigures(log: Json) {
  const levels = { error: 0, warning: 0, note: 0, none: 0 } as Record<string, number>;
  const bands = { critical: 0, high: 0, medium: 0, low: 0 } as Record<string, number>;
  let results = 0;
  let suppressed = 0;
  let failures = 0;
  let withRule = 0;
  for (const run of log.runs ?? []) {
    const rules: Json[] = run.tool?.driver?.rules ?? [];
    for (const result of run.results ?? []) {
      results++;
      const suppressions: Json[] = result.suppressions ?? [];
      if (
        suppressions.length > 0 &&
        !suppressions.some((s) => s.status === 'underReview' || s.status === 'rejected')
      ) {
        suppressed++;
        continue;
      }
      const rule =
        result.ruleIndex !== undefined
          ? rules[result.ruleIndex]
          : rules.find((r) => r.id === result.ruleId);
      const failure = (result.kind ?? 'fail') === 'fail';
      const level = failure
        ? (result.level ?? rule?.defaultConfiguration?.level ?? 'warning')
        : 'none';
      levels[level] = (levels[level] ?? 0) + 1;
      if (failure) failures++;
      if (failure && (result.ruleId ?? rule?.id) !== undefined) withRule++;
      const raw =
        result.properties?.['security-severity'] ?? rule?.properties?.['security-severity'];
      if (raw === undefined || level === 'none') continue;
      const word = String(raw).toLowerCase();
      const score = Number(raw);
      const band =
        word in bands
          ? word
          : score >= 9
            ? 'critical'
            : score >= 7
              ? 'high'
              : score >= 4
                ? 'medium'
                : score > 0
                  ? 'low'
                  : undefined;
      if (band) bands[band] = (bands[band] ?? 0) + 1;
    }
  }
  return { results, suppressed, open: results - suppressed, levels, bands, failures, withRule };
}

describe('SARIF corpus (shared/corpus/sarif)', () => {
  const files = corpusFiles('sarif');

  it('finds the 24 SARIF files SOURCES.md lists', () => {
    assert.equal(files.length, 24);
  });

  for (const file of files) {
    const name = basename(file);
    it(`${name}: is recognized as SARIF and its figures agree with the file`, async () => {
      const bytes = readFileSync(file);
      const head = bytes.subarray(0, DETECT_HEAD_BYTES);
      assert.equal(sarifJsonFormat.detect(head), true);
      for (const other of [...vulnScanFormats, ...vexFormats]) {
        assert.equal(other.detect(head), false, `${other.id} must not claim ${name}`);
      }
      const summary = await parse(bytes);
      const log = JSON.parse(bytes.toString('utf8'));
      const want = expectedFigures(log);
      assert.equal(summary.runs, log.runs.length);
      assert.equal(summary.results, want.results);
      assert.equal(summary.suppressed, want.suppressed);
      assert.equal(summary.open, want.open);
      for (const level of ['error', 'warning', 'note', 'none']) {
        assert.equal(summary[level], want.levels[level], `level ${level}`);
      }
      for (const band of ['critical', 'high', 'medium', 'low']) {
        assert.equal(summary[band], want.bands[band], `security severity ${band}`);
      }
      const findings = summary.findings as Json[];
      assert.equal(findings.length + (summary.findingsOmitted as number), want.failures);
      const ruleHits = (summary.rules as Json[]).reduce((sum, rule) => sum + rule.count, 0);
      assert.equal(ruleHits, want.withRule);
      const tools = summary.tools as Json[];
      assert.deepEqual(
        tools.map((tool) => tool.name),
        log.runs.map((run: Json) => run.tool?.driver?.name || null),
      );
      assert.deepEqual(
        tools.map((tool) => tool.semanticVersion),
        log.runs.map((run: Json) => run.tool?.driver?.semanticVersion ?? null),
      );
      const firstOpen = log.runs
        .flatMap((run: Json) => run.results ?? [])
        .find((r: Json) => !r.suppressions?.length && (r.kind ?? 'fail') === 'fail');
      const uri = firstOpen?.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      if (uri !== undefined) assert.equal(findings[0]?.uri, uri);
      assert.ok(Array.isArray(summary.warnings));
      assert.doesNotThrow(() => JSON.stringify(summary));
    });
  }

  it('odd-codeql-action-tool-names-empty-null: warns about the empty and null tool names', async () => {
    const summary = await parse(
      readFileSync(corpusPath('sarif', 'odd-codeql-action-tool-names-empty-null.sarif')),
    );
    const warnings = summary.warnings as string[];
    assert.ok(warnings.includes('runs[3].tool.driver.name is empty; the tool is unnamed'));
    assert.ok(warnings.includes('runs[4].tool.driver.name is null; the tool is unnamed'));
    assert.ok(warnings.some((w) => /runs\[0\] has no "results" array/.test(w)));
  });

  it('odd-lgtm-run-with-no-results: an empty results array is a clean run, with no warning', async () => {
    const summary = await parse(
      readFileSync(corpusPath('sarif', 'odd-lgtm-run-with-no-results.sarif')),
    );
    assert.deepEqual(summary.tools, [
      { name: 'LGTM.com', version: '1.24.0-SNAPSHOT', semanticVersion: null },
    ]);
    assert.equal(summary.results, 0);
    assert.deepEqual(summary.warnings, []);
  });

  it("odd-message-id-lookup: the message comes from the rule's messageStrings", async () => {
    const summary = await parse(readFileSync(corpusPath('sarif', 'odd-message-id-lookup.sarif')));
    assert.equal(
      (summary.findings as Json[])[0].message,
      'This is the message text. It might be very long.',
    );
  });

  it('odd-no-runs: an empty runs array is summarized with a warning', async () => {
    const summary = await parse(readFileSync(corpusPath('sarif', 'odd-no-runs.sarif')));
    assert.equal(summary.runs, 0);
    assert.deepEqual(summary.warnings, ['the log holds no runs: no analysis is reported']);
  });

  it('odd-suppressions: suppressed results are counted apart from open findings', async () => {
    const summary = await parse(readFileSync(corpusPath('sarif', 'odd-suppressions.sarif')));
    assert.equal(summary.suppressed, 3);
    assert.deepEqual(
      (summary.findings as Json[]).map((f) => f.ruleId),
      ['TST0004', 'TST0005'],
    );
  });

  it('semgrep-oss: band names in security-severity are read, with a warning', async () => {
    const summary = await parse(readFileSync(corpusPath('sarif', 'semgrep-oss-1.69.0.sarif')));
    assert.ok((summary.warnings as string[]).some((w) => /is a band name/.test(w)));
  });

  it('negative/sarif-results-is-a-number: refused as EVIDENCE_MALFORMED naming runs[0].results', async () => {
    const bytes = readFileSync(corpusPath('negative', 'sarif-results-is-a-number.sarif'));
    assert.equal(sarifJsonFormat.detect(bytes), true);
    await assert.rejects(parse(bytes), {
      name: 'DossierError',
      code: 'EVIDENCE_MALFORMED',
      message: 'SARIF: runs[0].results: expected an array of results, found a number',
    });
  });

  it('claims no file of another kind in the corpus', () => {
    const folders = [
      'junit',
      'coverage',
      'sbom-cyclonedx',
      'sbom-spdx',
      'provenance',
      'vuln',
      'vex',
      'webhooks-github',
      'webhooks-gitlab',
      'cdevents',
      'oscal',
      'hostile',
      'support',
    ];
    const others = folders.flatMap((folder) => corpusFiles(folder));
    assert.ok(others.length > 150);
    const claimed = others.filter((file) =>
      sarifJsonFormat.detect(readFileSync(file).subarray(0, DETECT_HEAD_BYTES)),
    );
    assert.deepEqual(claimed, []);
  });
});

describe('SARIF fixtures', () => {
  it("resolves levels and security severities by the spec's order", async () => {
    const summary = await parse(fixture('level-resolution.sarif'));
    assert.equal(summary.results, 10);
    assert.deepEqual([summary.error, summary.warning, summary.note, summary.none], [5, 3, 1, 1]);
    assert.deepEqual([summary.critical, summary.high, summary.medium, summary.low], [2, 1, 1, 1]);
    const findings = summary.findings as Json[];
    assert.equal(findings.length, 9, 'the pass result is no finding');
    assert.equal(findings[5].message, 'taint reached sink {sic}');
    assert.deepEqual(
      { uri: findings[6].uri, startLine: findings[6].startLine },
      { uri: 'src/indexed.c', startLine: 12 },
    );
    const rules = Object.fromEntries((summary.rules as Json[]).map((r) => [r.id, r]));
    assert.equal(rules['R-ERR'].count, 2, 'R-ERR/sub counts under R-ERR');
    assert.equal(rules['R-ERR'].securitySeverity, 'critical');
    assert.equal(rules['X-1'].level, 'error');
    assert.deepEqual(summary.tools, [
      { name: 'Fixture', version: '1.0', semanticVersion: '1.0.0' },
    ]);
    const warnings = summary.warnings as string[];
    assert.ok(
      warnings.some(
        (w) =>
          w.startsWith('results with a level that is not a SARIF level') &&
          w.includes('runs[0].results[6]'),
      ),
    );
    assert.ok(
      warnings.some((w) =>
        w.includes("runs[0].results[7]: ruleIndex 7 is outside the tool's 4 rules"),
      ),
    );
  });

  it('counts a result as suppressed only when no suppression is under review or rejected', async () => {
    const summary = await parse(fixture('suppression-statuses.sarif'));
    assert.equal(summary.suppressed, 2);
    assert.equal(summary.open, 3);
    assert.equal(summary.error, 3);
  });

  it('reports every structural fault of a log in one error, each with its path', async () => {
    const log = { version: '2.1.0', runs: [{ results: [1, {}] }, 'x', { results: {} }] };
    await assert.rejects(parse(Buffer.from(JSON.stringify(log))), (error: unknown) => {
      assert.ok(isDossierError(error));
      assert.equal(error.code, 'EVIDENCE_MALFORMED');
      assert.deepEqual(
        error.issues.map((issue) => issue.path),
        ['runs[0].results[0]', 'runs[1]', 'runs[2].results'],
      );
      return true;
    });
  });

  it('caps findings at 10,000 and counts the rest, for a generated 40,000-result log', async (t) => {
    const results = Array.from({ length: 40_000 }, (_, i) => ({
      ruleId: `R${i % 50}`,
      level: i % 2 ? 'error' : 'note',
      message: { text: `finding ${i} ${'x'.repeat(300)}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: `src/f${i}.c` }, region: { startLine: i } },
        },
      ],
    }));
    const bytes = Buffer.from(
      JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'Gen' } }, results }] }),
    );
    const started = performance.now();
    const summary = await sarifJsonFormat.parse(chunks(bytes), context);
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(
      `${(bytes.length / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s: ${(bytes.length / 1e6 / seconds).toFixed(0)} MB/s`,
    );
    assert.equal(summary.results, 40_000);
    assert.equal(summary.error, 20_000);
    assert.equal((summary.findings as Json[]).length, 10_000);
    assert.equal(summary.findingsOmitted, 30_000);
    assert.equal((summary.rules as Json[]).length, 50);
    assert.ok(
      (summary.warnings as string[]).includes('30000 more findings are counted but not listed'),
    );
    assert.ok(JSON.stringify(summary).length < bytes.length / 2);
  });
});

describe('SARIF under random and mutated input (fast-check)', () => {
  const corpus = corpusFiles('sarif').map((file) => new Uint8Array(readFileSync(file)));

  /** Runs parse and detect; anything but a summary or EVIDENCE_MALFORMED fails the property. */
  async function survives(bytes: Uint8Array): Promise<void> {
    assert.equal(typeof sarifJsonFormat.detect(bytes.subarray(0, DETECT_HEAD_BYTES)), 'boolean');
    const started = performance.now();
    let summary: EvidenceSummary | undefined;
    try {
      summary = await parse(bytes);
    } catch (error) {
      if (!isDossierError(error) || error.code !== 'EVIDENCE_MALFORMED') throw error;
    }
    assert.ok(performance.now() - started < 2000, 'one parse took over 2 s');
    if (summary) assert.doesNotThrow(() => JSON.stringify(summary));
  }

  it('random bytes: a summary or EVIDENCE_MALFORMED, never another error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), survives), {
      numRuns: 150,
    });
  });

  it('corpus files with bytes flipped, truncated or spliced: a summary or EVIDENCE_MALFORMED', async () => {
    const mutated = fc
      .record({
        file: fc.nat({ max: corpus.length - 1 }),
        other: fc.nat({ max: corpus.length - 1 }),
        how: fc.constantFrom('flip', 'truncate', 'splice'),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      })
      .map(({ file, other, how, at, bytes }) =>
        mutate(corpus[file] as Uint8Array, corpus[other] as Uint8Array, how, at, bytes),
      );
    await fc.assert(fc.asyncProperty(mutated, survives), { numRuns: 150 });
  });

  it('corpus logs with any member replaced by arbitrary JSON: a summary or EVIDENCE_MALFORMED', async () => {
    const small = corpus.filter((bytes) => bytes.length < 100_000);
    const replaced = fc
      .record({
        file: fc.nat({ max: small.length - 1 }),
        pick: fc.nat(),
        value: fc.jsonValue({ maxDepth: 3 }),
      })
      .map(({ file, pick, value }) => replaceMember(small[file] as Uint8Array, pick, value));
    await fc.assert(fc.asyncProperty(replaced, survives), { numRuns: 150 });
  });
});

function mutate(
  base: Uint8Array,
  other: Uint8Array,
  how: string,
  at: number,
  bytes: Uint8Array,
): Uint8Array {
  const offset = Math.floor(at * base.length);
  if (how === 'truncate') return base.subarray(0, offset);
  if (how === 'flip') {
    const copy = new Uint8Array(base);
    bytes.forEach((value, i) => {
      copy[(offset + i * 997) % Math.max(copy.length, 1)] = value;
    });
    return copy;
  }
  const from = Math.floor(at * other.length);
  const piece = other.subarray(from, from + 256);
  return Buffer.concat([base.subarray(0, offset), piece, base.subarray(offset + piece.length)]);
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import {
  mutateBytes,
  replaceMember,
  survivesParse,
} from '../../../test/support/parser-properties.ts';
import { isDossierError } from '../../core/errors.ts';
import { DETECT_HEAD_BYTES, type EvidenceFormat, type ParseContext } from '../format.ts';
import { sarifFormats } from '../sarif/index.ts';
import { vulnScanFormats } from '../vuln-scan/index.ts';
import { cycloneDxVexJsonFormat } from './cyclonedx-vex-json.ts';
import { cycloneDxVexXmlFormat } from './cyclonedx-vex-xml.ts';
import { vexFormats } from './index.ts';
import { openVexJsonFormat } from './openvex-json.ts';

// Heap figures mean something only after a collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

async function* chunks(bytes: Uint8Array, size = 4096): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const parse = (format: EvidenceFormat, bytes: Uint8Array) => format.parse(chunks(bytes), context);

// biome-ignore lint/suspicious/noExplicitAny: the test reads corpus JSON as it comes
type Json = any;

// The test's own reading of CycloneDX analysis states, to hold the parser to.
const STATE_TO_STATUS: Record<string, string> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

function tally(statuses: string[]) {
  const count = (status: string) => statuses.filter((s) => s === status).length;
  return {
    total: statuses.length,
    notAffected: count('not_affected'),
    affected: count('affected'),
    fixed: count('fixed'),
    underInvestigation: count('under_investigation'),
  };
}

/** Statuses straight from the file: OpenVEX statements, or CycloneDX analyses (JSON or XML text). */
function expectedStatuses(name: string, bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  if (name.endsWith('.xml')) {
    const analyses = text.match(/<analysis>[\s\S]*?<\/analysis>/g) ?? [];
    return analyses.map(
      (analysis) =>
        STATE_TO_STATUS[/<state>(\w+)<\/state>/.exec(analysis)?.[1] ?? ''] ?? 'under_investigation',
    );
  }
  const document = JSON.parse(text);
  if (document.statements) return document.statements.map((s: Json) => s.status);
  return document.vulnerabilities
    .filter((v: Json) => v.analysis)
    .map((v: Json) => STATE_TO_STATUS[v.analysis.state] ?? 'under_investigation');
}

describe('VEX corpus (shared/corpus/vex)', () => {
  const files = corpusFiles('vex');
  // SOURCES.md: the BOM that cyclonedx-vex-bom-examples.json refers to. It is an SBOM with no
  // vulnerabilities: the VEX formats leave it to the CycloneDX SBOM format.
  const targetBom = 'cyclonedx-vex-bom-examples-target-bom.json';

  it('finds the 13 VEX files SOURCES.md lists', () => {
    assert.equal(files.length, 13);
  });

  for (const file of files.filter((f) => basename(f) !== targetBom)) {
    const name = basename(file);
    it(`${name}: is recognized by one VEX format and its statements agree with the file`, async () => {
      const bytes = readFileSync(file);
      const head = bytes.subarray(0, DETECT_HEAD_BYTES);
      const expectedFormat = name.startsWith('openvex-')
        ? openVexJsonFormat
        : name.endsWith('.xml')
          ? cycloneDxVexXmlFormat
          : cycloneDxVexJsonFormat;
      assert.deepEqual(
        [...vexFormats, ...sarifFormats, ...vulnScanFormats]
          .filter((f) => f.detect(head))
          .map((f) => f.id),
        [expectedFormat.id],
      );
      const summary = await parse(expectedFormat, bytes);
      const want = tally(expectedStatuses(name, bytes));
      for (const [key, value] of Object.entries(want)) assert.equal(summary[key], value, key);
      const statements = summary.statements as Json[];
      assert.equal(statements.length, want.total);
      assert.deepEqual(tally(statements.map((s) => s.status)), want);
      for (const statement of statements) {
        assert.equal(typeof statement.vulnerability, 'string');
        assert.ok(statement.products.every((p: Json) => typeof p.id === 'string'));
      }
      assert.equal(
        summary.format,
        expectedFormat === openVexJsonFormat ? 'openvex' : 'cyclonedx-vex',
      );
      assert.doesNotThrow(() => JSON.stringify(summary));
    });
  }

  it(`${targetBom}: a BOM without vulnerabilities is not claimed as VEX`, () => {
    const head = readFileSync(corpusPath('vex', targetBom)).subarray(0, DETECT_HEAD_BYTES);
    assert.deepEqual(
      vexFormats.filter((f) => f.detect(head)),
      [],
    );
  });

  it('openvex-trivy-project-own: keeps vulnerability aliases and nested subcomponents', async () => {
    const summary = await parse(
      openVexJsonFormat,
      readFileSync(corpusPath('vex', 'openvex-trivy-project-own.json')),
    );
    const first = (summary.statements as Json[])[0];
    assert.equal(first.vulnerability, 'GO-2024-2575');
    assert.deepEqual(first.aliases, ['CVE-2024-26147', 'GHSA-r53h-jv2g-vpx6']);
    assert.deepEqual(first.products, [
      {
        id: 'pkg:golang/github.com/aquasecurity/trivy',
        subcomponents: ['pkg:golang/helm.sh/helm/v3'],
        versions: [],
      },
    ]);
    assert.equal(summary.author, 'Aqua Security');
    assert.equal(summary.specVersion, '0.2.0');
  });

  it('cyclonedx-vex-cisa-case8: keeps the CycloneDX state and the versions each statement covers', async () => {
    const summary = await parse(
      cycloneDxVexJsonFormat,
      readFileSync(corpusPath('vex', 'cyclonedx-vex-cisa-case8-multi-product.json')),
    );
    const first = (summary.statements as Json[])[0];
    assert.equal(first.status, 'affected');
    assert.equal(first.originalStatus, 'exploitable');
    assert.deepEqual(first.products[0].versions, ['2.4', '2.6', 'vers:generic/>=2.9|<=4.1']);
  });

  it('negative/openvex-not-a-document: no format claims it; read as OpenVEX it is EVIDENCE_MALFORMED', async () => {
    const bytes = readFileSync(corpusPath('negative', 'openvex-not-a-document.json'));
    assert.deepEqual(
      vexFormats.filter((f) => f.detect(bytes)),
      [],
    );
    await assert.rejects(parse(openVexJsonFormat, bytes), {
      code: 'EVIDENCE_MALFORMED',
      message: 'OpenVEX: expected an OpenVEX document object, found an array',
    });
  });

  it('claims no CycloneDX SBOM (not even those listing vulnerabilities without analysis) and no other kind', () => {
    const sboms = corpusFiles('sbom-cyclonedx');
    const withVulnerabilities = sboms.filter((file) =>
      readFileSync(file, 'utf8').includes('"vulnerabilities"'),
    );
    assert.ok(withVulnerabilities.length >= 3, 'the corpus has SBOMs that list vulnerabilities');
    const folders = [
      'junit',
      'coverage',
      'sbom-spdx',
      'provenance',
      'sarif',
      'vuln',
      'webhooks-github',
      'webhooks-gitlab',
      'cdevents',
      'oscal',
      'negative',
      'hostile',
      'support',
    ];
    const others = [...sboms, ...folders.flatMap((folder) => corpusFiles(folder))];
    const claimed = others.filter((file) => {
      const head = readFileSync(file).subarray(0, DETECT_HEAD_BYTES);
      return vexFormats.some((format) => format.detect(head));
    });
    assert.deepEqual(claimed, []);
  });
});

describe('VEX fixtures', () => {
  it('OpenVEX v0.0.1: string vulnerabilities and products, with warnings where the spec is not met', async () => {
    const summary = await parse(openVexJsonFormat, fixture('openvex-v0.0.1-strings.json'));
    assert.deepEqual([summary.total, summary.notAffected, summary.affected], [4, 3, 1]);
    assert.equal(summary.specVersion, null);
    assert.deepEqual((summary.statements as Json[])[0].products, [
      {
        id: 'pkg:oci/app@sha256%3Aabc',
        subcomponents: ['pkg:apk/alpine/zlib@1.2.13'],
        versions: [],
      },
    ]);
    assert.deepEqual(summary.warnings, [
      'statements[1]: a not_affected statement gives neither a justification nor an impact_statement (OpenVEX requires one)',
      'statements[2]: an affected statement gives no action_statement (OpenVEX requires one)',
      'statements[3].justification "we_looked_and_it_is_fine" is not an OpenVEX justification label',
      'statements[3] names no products',
    ]);
  });

  it('OpenVEX: statements without a known status or a vulnerability are refused together, with paths', async () => {
    const document = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      author: 'x',
      statements: [
        { vulnerability: { name: 'CVE-1' }, products: [], status: 'maybe' },
        { status: 'fixed' },
        5,
      ],
    };
    await assert.rejects(
      parse(openVexJsonFormat, Buffer.from(JSON.stringify(document))),
      (error: unknown) => {
        assert.ok(isDossierError(error));
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['statements[0].status', 'statements[1].vulnerability', 'statements[2]'],
        );
        return true;
      },
    );
  });

  it('CycloneDX JSON: every analysis state maps to a VEX status, the original kept', async () => {
    const summary = await parse(cycloneDxVexJsonFormat, fixture('cyclonedx-vex-all-states.json'));
    assert.deepEqual(
      [
        summary.total,
        summary.notAffected,
        summary.fixed,
        summary.affected,
        summary.underInvestigation,
        summary.withoutAnalysis,
      ],
      [7, 2, 2, 1, 2, 1],
    );
    const statements = summary.statements as Json[];
    assert.deepEqual(
      statements.map((s) => s.originalStatus),
      [
        'not_affected',
        'false_positive',
        'resolved',
        'resolved_with_pedigree',
        'exploitable',
        'in_triage',
        '',
      ],
    );
    assert.deepEqual(statements[4], {
      vulnerability: 'CVE-5-exploitable',
      aliases: [],
      products: [{ id: 'app', subcomponents: [], versions: ['vers:semver/<2.1'] }],
      status: 'affected',
      originalStatus: 'exploitable',
      justification: null,
      impactStatement: 'reachable from the login form',
      actionStatement: 'Upgrade to 2.1',
      responses: ['update'],
    });
    assert.equal(summary.author, 'Fixture PSIRT');
    assert.equal(summary.documentId, 'urn:uuid:00000000-0000-4000-8000-000000000001');
    assert.deepEqual(summary.warnings, [
      'vulnerabilities[6].analysis.state is missing; read as under_investigation (nothing is asserted)',
      '1 vulnerabilities carry no analysis; they are listed by the BOM but make no VEX statement',
    ]);
  });

  it('CycloneDX XML with a namespace prefix: streamed, entities and CDATA decoded', async () => {
    const bytes = fixture('cyclonedx-vex-prefixed.xml');
    assert.equal(cycloneDxVexXmlFormat.detect(bytes), true);
    const summary = await parse(cycloneDxVexXmlFormat, bytes);
    assert.equal(summary.specVersion, '1.6');
    assert.equal(summary.author, 'Fixture PSIRT');
    assert.equal(summary.version, 2);
    assert.equal(summary.withoutAnalysis, 1);
    assert.deepEqual(summary.statements, [
      {
        vulnerability: 'CVE-2024-0001',
        aliases: ['GHSA-aaaa-bbbb-cccc'],
        products: [{ id: 'pkg:npm/app@1.0.0', subcomponents: [], versions: ['1.0.0'] }],
        status: 'affected',
        originalStatus: 'exploitable',
        justification: null,
        impactStatement: 'Reachable <always>',
        actionStatement: 'Disable the <legacy> endpoint',
        responses: ['workaround_available'],
      },
    ]);
  });

  it('CycloneDX XML: refuses the XXE file from the hostile corpus without fetching anything', async () => {
    const bytes = readFileSync(corpusPath('hostile', 'xxe-parameter-entity-jenkins-junit.xml'));
    await assert.rejects(parse(cycloneDxVexXmlFormat, bytes), {
      code: 'EVIDENCE_MALFORMED',
      message: /entit/,
    });
  });

  it('streams a generated 40 MB CycloneDX XML VEX with heap growth far below its size', async (t) => {
    const count = 80_000;
    const description = 'A long advisory text. '.repeat(14);
    let size = 0;
    let peak = 0;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    async function* generate(): AsyncIterable<Uint8Array> {
      const emit = (text: string) => {
        const bytes = Buffer.from(text);
        size += bytes.length;
        return bytes;
      };
      yield emit(
        '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><vulnerabilities>',
      );
      for (let i = 0; i < count; i += 500) {
        let block = '';
        for (let j = i; j < i + 500; j++) {
          const state = j % 4 === 0 ? 'exploitable' : 'not_affected';
          // The description is read past (not kept), so input grows while the summary does not.
          block += `<vulnerability><id>CVE-2024-${j}</id><description>${description}</description><analysis><state>${state}</state><justification>code_not_reachable</justification><detail>reachable only in tests</detail></analysis><affects><target><ref>pkg:npm/p${j}@1.0.0</ref></target></affects></vulnerability>`;
        }
        if (i % 10_000 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
        yield emit(block);
      }
      yield emit('</vulnerabilities></bom>');
    }
    const started = performance.now();
    const summary = await cycloneDxVexXmlFormat.parse(generate(), context);
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(
      `${(size / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (${(size / 1e6 / seconds).toFixed(0)} MB/s), peak heap growth ${(peak / 1e6).toFixed(1)} MB`,
    );
    assert.ok(size > 40e6);
    assert.deepEqual(
      [summary.total, summary.affected, summary.notAffected],
      [count, count / 4, (count * 3) / 4],
    );
    assert.equal((summary.statements as Json[]).length, 10_000);
    assert.ok(peak < size / 4, `heap grew ${peak} bytes for a ${size}-byte file`);
  });

  it('caps statements at 10,000 and counts the rest, for a generated 15,000-statement document', async () => {
    const statements = Array.from({ length: 15_000 }, (_, i) => ({
      vulnerability: { name: `CVE-2024-${i}` },
      products: [{ '@id': `pkg:npm/p${i}@1.0.0` }],
      status: i % 3 === 0 ? 'affected' : 'fixed',
      action_statement: 'upgrade',
    }));
    const document = { '@context': 'https://openvex.dev/ns/v0.2.0', author: 'gen', statements };
    const summary = await parse(openVexJsonFormat, Buffer.from(JSON.stringify(document)));
    assert.deepEqual([summary.total, summary.affected, summary.fixed], [15_000, 5_000, 10_000]);
    assert.equal((summary.statements as Json[]).length, 10_000);
    assert.equal(summary.statementsOmitted, 5_000);
  });
});

describe('VEX formats under random and mutated input (fast-check)', () => {
  const corpus = [
    ...corpusFiles('vex').filter((file) => !file.endsWith(`target-bom.json`)),
    ...[
      'openvex-v0.0.1-strings.json',
      'cyclonedx-vex-all-states.json',
      'cyclonedx-vex-prefixed.xml',
    ].map((name) => new URL(`fixtures/${name}`, import.meta.url).pathname),
  ].map((file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const format = vexFormats.find((f) => f.detect(bytes)) ?? openVexJsonFormat;
    return { bytes, format };
  });

  const survives = (format: EvidenceFormat, bytes: Uint8Array) =>
    survivesParse(vexFormats, () => parse(format, bytes), bytes);

  it('random bytes, read by each format: a summary or EVIDENCE_MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom(...vexFormats),
        (bytes, format) => survives(format, bytes),
      ),
      { numRuns: 150 },
    );
  });

  it('VEX files with bytes flipped, truncated or spliced: a summary or EVIDENCE_MALFORMED', async () => {
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
      { numRuns: 200 },
    );
  });

  it('VEX JSON documents with any member replaced by arbitrary JSON: a summary or EVIDENCE_MALFORMED', async () => {
    const json = corpus.filter(({ format }) => format !== cycloneDxVexXmlFormat);
    const replaced = fc.record({
      file: fc.nat({ max: json.length - 1 }),
      pick: fc.nat(),
      value: fc.jsonValue({ maxDepth: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(replaced, ({ file, pick, value }) => {
        const { bytes, format } = json[file] as (typeof json)[number];
        return survives(format, replaceMember(bytes, pick, value));
      }),
      { numRuns: 200 },
    );
  });
});

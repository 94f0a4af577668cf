import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { DETECT_HEAD_BYTES, type EvidenceFormat, type ParseContext } from '../format.ts';
import { EVIDENCE_FORMATS } from '../registry.ts';
import { sbomFormats } from './index.ts';
import type { SbomSummary } from './sbom-summary.ts';
import { spdxJson } from './spdx-json.ts';
import { spdxTagValue } from './spdx-tag-value.ts';
import { spdx3JsonLd } from './spdx3-jsonld.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };
const head = (file: string) => readFileSync(file).subarray(0, DETECT_HEAD_BYTES);
const stream = (file: string) => createReadStream(file, { highWaterMark: 4 * 1024 });

// biome-ignore lint/suspicious/noExplicitAny: test oracles walk raw JSON
type Json = any;

function formatOf(file: string): EvidenceFormat {
  if (file.endsWith('.spdx')) return spdxTagValue;
  return basename(file).includes('jsonld') ? spdx3JsonLd : spdxJson;
}
const parse = async (file: string) =>
  (await formatOf(file).parse(stream(file), context)) as SbomSummary;

/** Dependency edges, by the SPDX 2.3 §11.1 names (written out here, not imported). */
const DEPENDENCY =
  /^(DEPENDS_ON|DEPENDENCY_OF|(BUILD|DEV|OPTIONAL|PROVIDED|TEST|RUNTIME)_DEPENDENCY_OF)$/;

function licenseStatements(summary: SbomSummary): number {
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const { expressions, names, noAssertion, none, other } = summary.licenses;
  return sum(expressions) + sum(names) + noAssertion + none + other;
}

function checkJson(summary: SbomSummary, doc: Json): void {
  const packages: Json[] = doc.packages ?? [];
  const relationships: Json[] = doc.relationships ?? [];
  assert.equal(summary.specVersion, doc.spdxVersion.replace('SPDX-', ''));
  assert.equal(summary.documentNamespace, doc.documentNamespace);
  assert.equal(summary.documentName, doc.name);
  assert.equal(summary.components, packages.length);
  assert.equal(summary.files, (doc.files ?? []).length);
  assert.equal(summary.relationships, relationships.length);
  assert.equal(
    summary.dependencies,
    relationships.filter((r) => DEPENDENCY.test(r.relationshipType)).length,
  );
  const purls = packages.flatMap((p) =>
    (p.externalRefs ?? []).filter((r: Json) => r.referenceType === 'purl').slice(0, 1),
  );
  assert.deepEqual(
    summary.purlList,
    purls.map((r: Json) => r.referenceLocator),
  );
  const stated = packages.filter((p) => p.licenseConcluded || p.licenseDeclared).length;
  assert.equal(licenseStatements(summary), stated);
  assert.equal(summary.licenses.unstated, packages.length - stated);
  const described = new Set<string>([
    ...(doc.documentDescribes ?? []),
    ...relationships
      .filter((r) => r.relationshipType === 'DESCRIBES' && r.spdxElementId === doc.SPDXID)
      .map((r) => r.relatedSpdxElement),
    ...relationships
      .filter((r) => r.relationshipType === 'DESCRIBED_BY' && r.relatedSpdxElement === doc.SPDXID)
      .map((r) => r.spdxElementId),
  ]);
  const nameOf = (id: string) =>
    packages.find((p) => p.SPDXID === id)?.name ??
    (doc.files ?? []).find((f: Json) => f.SPDXID === id)?.fileName ??
    null;
  assert.deepEqual(new Set(summary.subjects.map((s) => s.id)), described);
  for (const subject of summary.subjects) assert.equal(subject.name, nameOf(subject.id as string));
}

function checkTagValue(summary: SbomSummary, text: string): void {
  const lines = (tag: string) => text.match(new RegExp(`^${tag}:.*$`, 'gm')) ?? [];
  const value = (line: string) => line.slice(line.indexOf(':') + 1).trim();
  assert.equal(summary.specVersion, value(lines('SPDXVersion')[0] as string).replace('SPDX-', ''));
  assert.equal(summary.components, lines('PackageName').length);
  assert.equal(summary.files, lines('FileName').length);
  const relationships = lines('Relationship').map((line) => value(line).split(/\s+/));
  assert.equal(summary.relationships, relationships.length);
  assert.equal(
    summary.dependencies,
    relationships.filter((r) => DEPENDENCY.test(r[1] as string)).length,
  );
  assert.equal(
    summary.purls,
    lines('ExternalRef').filter((line) => value(line).split(/\s+/)[1] === 'purl').length,
  );
  assert.deepEqual(
    summary.subjects.map((s) => s.id),
    relationships.filter((r) => r[1] === 'DESCRIBES').map((r) => r[2]),
  );
  assert.ok(summary.subjects.every((s) => s.name !== null));
}

const files = corpusFiles('sbom-spdx');

describe('SPDX corpus (shared/corpus/sbom-spdx)', () => {
  it('finds the 10 files SOURCES.md lists', () => {
    assert.equal(files.length, 10);
  });

  for (const file of files) {
    const name = basename(file);
    const format = formatOf(file);

    it(`${name}: detected as ${format.label} only, by no format of another kind`, () => {
      const bytes = head(file);
      assert.deepEqual(
        sbomFormats.filter((f) => f.detect(bytes)).map((f) => f.id),
        [format.id],
      );
      const others = EVIDENCE_FORMATS.filter((f) => f.kind !== 'sbom' && f.detect(bytes));
      assert.deepEqual(
        others.map((f) => f.id),
        [],
      );
    });

    it(`${name}: summary figures agree with the file`, async () => {
      const summary = await parse(file);
      assert.equal(summary.format, 'spdx');
      const text = readFileSync(file, 'utf8');
      if (format === spdxTagValue) checkTagValue(summary, text);
      else if (format === spdxJson) checkJson(summary, JSON.parse(text));
      else {
        const graph: Json[] = JSON.parse(text)['@graph'];
        const ofType = (type: string) => graph.filter((e) => e.type === type);
        assert.equal(summary.specVersion, ofType('CreationInfo')[0].specVersion);
        assert.equal(summary.components, ofType('software_Package').length);
        assert.equal(summary.files, ofType('software_File').length);
        assert.equal(summary.relationships, ofType('Relationship').length);
        const bom = ofType('software_Sbom')[0];
        assert.deepEqual(
          summary.subjects.map((s) => s.id),
          bom.rootElement,
        );
        assert.equal(
          summary.subject?.name,
          ofType('software_Package').find((p) => p.spdxId === bom.rootElement[0])?.name,
        );
      }
    });
  }

  it('odd-wrong-spdx-version: summarized, with a warning that the 2.2 document follows 2.3', async () => {
    const summary = await parse(corpusPath('sbom-spdx', 'odd-wrong-spdx-version.spdx.json'));
    assert.equal(summary.specVersion, '2.2');
    assert.equal(summary.components, 4);
    const warning = summary.warnings.find((w) => w.startsWith('declares SPDX-2.2'));
    assert.ok(warning, `no version warning in ${JSON.stringify(summary.warnings)}`);
    assert.match(warning, /primaryPackagePurpose \(\$\.packages\[0\]\)/);
    assert.match(warning, /licenseConcluded omitted/);
  });

  it('the 2.2 reference example gives no such warning', async () => {
    const summary = await parse(corpusPath('sbom-spdx', 'spdx-example-v2.2.spdx.json'));
    assert.deepEqual(summary.warnings, []);
  });

  it('a license WITH an exception is counted as one canonical expression', async () => {
    const summary = await parse(
      corpusPath('sbom-spdx', 'spdx-example-v2.3-license-exception.spdx.json'),
    );
    assert.equal(
      summary.licenses.expressions['GPL-3.0-only WITH Autoconf-exception-3.0 OR LicenseRef-3'],
      1,
    );
  });

  it('the 2.3 example as tag-value and as JSON names the same packages, purls and subjects', async () => {
    const tv = await parse(corpusPath('sbom-spdx', 'spdx-example-v2.3.spdx'));
    const json = await parse(corpusPath('sbom-spdx', 'spdx-example-v2.3.spdx.json'));
    assert.deepEqual(
      tv.componentList.map((c) => [c.name, c.version, c.purl]),
      json.componentList.map((c) => [c.name, c.version, c.purl]),
    );
    assert.deepEqual(
      tv.subjects.map((s) => s.name).sort(),
      json.subjects.map((s) => s.name).sort(),
    );
    assert.equal(tv.files, json.files);
  });

  it('negative/spdx-bad-json: refused with EVIDENCE_MALFORMED listing every wrong field', async () => {
    const file = corpusPath('negative', 'spdx-bad-json.spdx.json');
    assert.equal(spdxJson.detect(head(file)), true);
    await assert.rejects(spdxJson.parse(stream(file), context), (error: Json) => {
      assert.equal(error.name, 'DossierError');
      assert.equal(error.code, 'EVIDENCE_MALFORMED');
      assert.deepEqual(
        error.issues.map((issue: Json) => issue.path),
        ['$.creationInfo.creators', '$.packages[0].filesAnalyzed', '$.packages[1].name'],
      );
      assert.match(
        error.message,
        /^SPDX JSON: 3 problems: \$\.creationInfo\.creators: expected an array/,
      );
      return true;
    });
  });

  it('no SBOM format claims a file of another kind, other than CycloneDX VEX documents', () => {
    const folders = ['junit', 'coverage', 'sarif', 'vuln', 'provenance', 'oscal', 'cdevents'];
    const others = [
      ...folders.flatMap((folder) => corpusFiles(folder)),
      ...corpusFiles('vex').filter((file) => !basename(file).startsWith('cyclonedx')),
      ...corpusFiles('negative').filter(
        (file) => !/^(cyclonedx-bomformat|spdx-bad-json)/.test(basename(file)),
      ),
    ];
    assert.ok(others.length > 150, `only ${others.length} files`);
    for (const file of others) {
      const bytes = head(file);
      assert.deepEqual(
        sbomFormats.filter((f) => f.detect(bytes)).map((f) => f.id),
        [],
        basename(file),
      );
    }
  });
});

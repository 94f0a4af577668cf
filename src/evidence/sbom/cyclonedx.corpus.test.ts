import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles, corpusPath } from '../../../test/support/corpus.ts';
import { DETECT_HEAD_BYTES, type ParseContext } from '../format.ts';
import { EVIDENCE_FORMATS } from '../registry.ts';
import { cyclonedxJson } from './cyclonedx-json.ts';
import { cyclonedxXml } from './cyclonedx-xml.ts';
import { sbomFormats } from './index.ts';
import type { SbomSummary } from './sbom-summary.ts';

const context: ParseContext = { trust: { dsseKeys: [] }, artifacts: [], now: new Date(0) };

const head = (file: string) => readFileSync(file).subarray(0, DETECT_HEAD_BYTES);
/** Small chunks, so every file crosses many chunk boundaries. */
const stream = (file: string) => createReadStream(file, { highWaterMark: 16 * 1024 });
const parse = async (file: string) => {
  const format = file.endsWith('.xml') ? cyclonedxXml : cyclonedxJson;
  return (await format.parse(stream(file), context)) as SbomSummary;
};

// biome-ignore lint/suspicious/noExplicitAny: test oracles walk raw JSON
type Json = any;

/** The figures, counted straight from JSON.parse of the file. */
function expectedFromJson(doc: Json) {
  const purls: string[] = [];
  let components = 0;
  let statements = 0;
  let unstated = 0;
  const ids = new Set<string>();
  const walk = (list: Json[] | undefined) => {
    for (const c of list ?? []) {
      components++;
      if (typeof c.purl === 'string' && c.purl !== '') purls.push(c.purl);
      const licenses = (c.licenses ?? []).filter(
        (l: Json) => l.expression || l.license?.id || l.license?.name,
      );
      if (licenses.length === 0) unstated++;
      statements += licenses.length;
      for (const l of licenses) if (l.license?.id) ids.add(l.license.id);
      walk(c.components);
    }
  };
  walk(doc.components);
  const countServices = (list: Json[] | undefined): number =>
    (list ?? []).reduce((n: number, s: Json) => n + 1 + countServices(s.services), 0);
  return {
    components,
    purls,
    statements,
    unstated,
    ids,
    dependencies: (doc.dependencies ?? []).reduce(
      (n: number, d: Json) => n + (d.dependsOn?.length ?? 0),
      0,
    ),
    vulnerabilities: doc.vulnerabilities?.length ?? 0,
    services: countServices(doc.services),
  };
}

/**
 * The same figures from XML, by a regex tokenizer that shares nothing with the parser: count
 * `component` elements in `components` under the root or under a counted component, and
 * `dependency` elements inside a `dependency`.
 */
function expectedFromXml(text: string) {
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const stack: Array<{ name: string; counted: boolean }> = [];
  const purls: string[] = [];
  let components = 0;
  let dependencies = 0;
  let statements = 0;
  let withLicense = 0;
  let textStart = -1;
  for (const match of body.matchAll(/<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([\w:-]+)([^>]*?)(\/?)>/g)) {
    if (match[0].startsWith('<![CDATA[')) continue;
    const [, closing, qualified, , selfClosing] = match as unknown as string[];
    const name = (qualified as string).replace(/^[\w-]+:/, '');
    if (closing) {
      const top = stack.pop();
      if (top?.name === 'purl' && stack.at(-1)?.counted) {
        const raw = body.slice(textStart, match.index);
        const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(raw);
        purls.push((cdata ? (cdata[1] as string) : decodeEntities(raw)).trim());
      }
      continue;
    }
    const parent = stack.at(-1);
    const grand = stack.at(-2);
    const counted =
      name === 'component' &&
      parent?.name === 'components' &&
      (grand?.name === 'bom' || grand?.counted === true);
    if (counted) components++;
    if (name === 'dependency' && parent?.name === 'dependency') dependencies++;
    const inCounted = stack.at(-2)?.counted === true && parent?.name === 'licenses';
    if (inCounted && (name === 'license' || name === 'expression')) statements++;
    if (name === 'licenses' && parent?.counted) withLicense++;
    if (!selfClosing) {
      stack.push({ name, counted });
      textStart = (match.index as number) + match[0].length;
    }
  }
  return { components, dependencies, purls, statements, unstated: components - withLicense };
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, entity: string) => named[entity] as string);
}

function licenseStatements(summary: SbomSummary): number {
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const { expressions, names, noAssertion, none, other } = summary.licenses;
  return sum(expressions) + sum(names) + noAssertion + none + other;
}

const files = corpusFiles('sbom-cyclonedx');

describe('CycloneDX corpus (shared/corpus/sbom-cyclonedx)', () => {
  it('finds the 22 files SOURCES.md lists', () => {
    assert.equal(files.length, 22);
  });

  for (const file of files) {
    const name = basename(file);
    const xml = file.endsWith('.xml');

    it(`${name}: detected as CycloneDX ${xml ? 'XML' : 'JSON'} only, by no format of another kind`, () => {
      const bytes = head(file);
      const claimed = sbomFormats.filter((format) => format.detect(bytes)).map((f) => f.id);
      assert.deepEqual(claimed, [xml ? 'cyclonedx-xml' : 'cyclonedx-json']);
      const others = EVIDENCE_FORMATS.filter((f) => f.kind !== 'sbom' && f.detect(bytes));
      assert.deepEqual(
        others.map((f) => f.id),
        [],
      );
    });

    it(`${name}: summary figures agree with the file`, async () => {
      const summary = await parse(file);
      assert.equal(summary.format, 'cyclonedx');
      assert.equal(summary.serialization, xml ? 'xml' : 'json');
      const text = readFileSync(file, 'utf8');
      if (xml) {
        const expected = expectedFromXml(text);
        assert.ok(expected.components > 0);
        assert.equal(summary.components, expected.components);
        assert.equal(summary.dependencies, expected.dependencies);
        assert.deepEqual(summary.purlList, expected.purls);
        assert.equal(licenseStatements(summary), expected.statements);
        assert.equal(summary.licenses.unstated, expected.unstated);
        assert.equal(summary.specVersion, /cyclonedx\.org\/schema\/bom\/(\d\.\d)/.exec(text)?.[1]);
        return;
      }
      const doc = JSON.parse(text);
      const expected = expectedFromJson(doc);
      assert.equal(summary.specVersion, doc.specVersion);
      assert.equal(summary.serialNumber, doc.serialNumber ?? null);
      assert.equal(summary.components, expected.components);
      assert.equal(summary.dependencies, expected.dependencies);
      assert.equal(summary.purls, expected.purls.length);
      assert.deepEqual(summary.purlList, expected.purls);
      assert.equal(summary.vulnerabilities, expected.vulnerabilities);
      assert.equal(summary.services, expected.services);
      assert.equal(licenseStatements(summary), expected.statements);
      assert.equal(summary.licenses.unstated, expected.unstated);
      for (const id of expected.ids)
        assert.ok(id in summary.licenses.expressions, `license id ${id} is not counted`);
      assert.equal(summary.componentList.length, expected.components);
      assert.equal(summary.componentList[0]?.name ?? null, doc.components?.[0]?.name ?? null);
      const subject = doc.metadata?.component;
      assert.equal(summary.subject?.name ?? null, subject?.name ?? null);
      assert.equal(summary.subject?.version ?? null, subject?.version ?? null);
      assert.equal(summary.subject?.purl ?? null, subject?.purl ?? null);
    });
  }

  it('odd-schema-invalid-license-id: summarized, with a warning naming the unknown license id', async () => {
    const summary = await parse(
      corpusPath('sbom-cyclonedx', 'odd-schema-invalid-license-id-1.6.cdx.json'),
    );
    assert.equal(summary.components, 1);
    assert.deepEqual(summary.licenses.expressions, { 'Apache-2': 1 });
    assert.deepEqual(summary.licenses.unknownIds, ['Apache-2']);
    assert.deepEqual(summary.warnings, [
      'license id "Apache-2" (component tomcat-catalina 9.0.14) is not on the SPDX License List',
    ]);
  });

  it('CycloneDX 1.1 XML (older than 1.2): summarized, with a warning about the version', async () => {
    const summary = await parse(
      corpusPath('sbom-cyclonedx', 'cyclonedx-php-composer-laravel-1.1.cdx.xml'),
    );
    assert.equal(summary.specVersion, '1.1');
    assert.match(summary.warnings.join('\n'), /CycloneDX 1\.1 is older than 1\.2/);
  });

  it('the same BOM as XML and as JSON gives the same figures (spec example 1.6, laravel 1.1/1.2)', async () => {
    for (const [xmlName, jsonName] of [
      ['spec-valid-bom-1.6.cdx.xml', 'spec-valid-bom-1.6.cdx.json'],
      ['cyclonedx-php-composer-laravel-1.1.cdx.xml', 'cyclonedx-php-composer-laravel-1.2.cdx.json'],
    ] as const) {
      const fromXml = await parse(corpusPath('sbom-cyclonedx', xmlName));
      const fromJson = await parse(corpusPath('sbom-cyclonedx', jsonName));
      assert.equal(fromXml.components, fromJson.components);
      assert.deepEqual(fromXml.purlList, fromJson.purlList);
      assert.deepEqual(fromXml.licenses, fromJson.licenses);
      assert.deepEqual(fromXml.componentList, fromJson.componentList);
      if (xmlName.startsWith('spec')) {
        assert.equal(fromXml.dependencies, fromJson.dependencies);
        assert.deepEqual(fromXml.subject, fromJson.subject);
        assert.deepEqual(fromXml.tools, fromJson.tools);
      }
    }
  });

  it('negative/cyclonedx-bomformat-not-cyclonedx: claimed by its $schema, then refused for its bomFormat', async () => {
    const file = corpusPath('negative', 'cyclonedx-bomformat-not-cyclonedx.json');
    assert.equal(cyclonedxJson.detect(head(file)), true);
    await assert.rejects(cyclonedxJson.parse(stream(file), context), {
      name: 'DossierError',
      code: 'EVIDENCE_MALFORMED',
      message: /\$\.bomFormat: is "AnotherFormat", not "CycloneDX"/,
    });
  });

  it('CycloneDX VEX documents in vex/ also read as BOMs (the vex kind is detected first)', async () => {
    const vex = corpusFiles('vex').filter((file) => basename(file).startsWith('cyclonedx'));
    assert.equal(vex.length, 9);
    for (const file of vex) {
      const summary = await parse(file);
      const vulnerabilities = file.endsWith('.xml')
        ? (readFileSync(file, 'utf8').match(/<vulnerability[\s>]/g) ?? []).length
        : (JSON.parse(readFileSync(file, 'utf8')).vulnerabilities?.length ?? 0);
      assert.equal(summary.vulnerabilities, vulnerabilities, basename(file));
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCycloneDxJson } from './cyclonedx-json.ts';
import { parseCycloneDxXml } from './cyclonedx-xml.ts';
import { DEFAULT_SBOM_LIMITS } from './sbom-summary.ts';
import { parseSpdxJson } from './spdx-json.ts';
import { parseSpdxTagValue } from './spdx-tag-value.ts';
import { parseSpdx3JsonLd } from './spdx3-jsonld.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

async function* chunks(bytes: Uint8Array | string, size = 7): AsyncIterable<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('CycloneDX edge cases (fixtures/cyclonedx-nested-1.6)', () => {
  it('counts nested components but not pedigree ancestors, and normalizes every license form', async () => {
    const summary = await parseCycloneDxJson(chunks(fixture('cyclonedx-nested-1.6.cdx.json')));
    assert.equal(summary.components, 5);
    assert.deepEqual(
      summary.componentList.map((c) => c.name),
      ['web', 'router', 'path "parser" [v2]', 'db', 'caf\u00e9'],
    );
    assert.equal(summary.purls, 3);
    assert.equal(summary.dependencies, 3);
    assert.equal(summary.services, 2);
    assert.equal(summary.vulnerabilities, 1);
    assert.deepEqual(summary.licenses, {
      // `mit` is the id MIT; a license name that is an id counts as that id.
      expressions: { MIT: 1, 'Apache-2.0': 1, 'MIT OR Apache-2.0': 1 },
      names: { 'Acme Internal': 1, 'MIT AND': 1 },
      noAssertion: 0,
      none: 0,
      unstated: 1,
      other: 0,
      unknownIds: [],
    });
    assert.deepEqual(summary.componentList[1]?.licenses, ['Apache-2.0', 'Acme Internal']);
    assert.match(
      summary.warnings.join('\n'),
      /license expression "MIT AND" is not a valid SPDX expression: it ends where a license was expected \(component db 3\.1\)/,
    );
    assert.deepEqual(summary.subject, {
      id: 'app',
      name: 'shop',
      version: '4.2.0',
      purl: 'pkg:oci/shop@sha256%3Aabc',
      type: 'container',
      hashes: {
        sha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
        'sha3-512': '00ff',
      },
    });
    assert.deepEqual(summary.tools, ['acme bom-maker 2.1']);
    assert.equal(summary.bomVersion, 3);
    assert.equal(summary.created, '2025-02-03T04:05:06Z');
  });

  it('reads the same BOM in XML with a namespace prefix to the same summary', async () => {
    const fromJson = await parseCycloneDxJson(chunks(fixture('cyclonedx-nested-1.6.cdx.json')));
    const fromXml = await parseCycloneDxXml(chunks(fixture('cyclonedx-nested-1.6.cdx.xml')));
    assert.deepEqual({ ...fromXml, serialization: 'json' }, fromJson);
  });

  it('caps componentList and purlList, says how many were left out, and warns', async () => {
    const limits = { ...DEFAULT_SBOM_LIMITS, componentList: 2, purlList: 1 };
    const summary = await parseCycloneDxJson(
      chunks(fixture('cyclonedx-nested-1.6.cdx.json')),
      limits,
    );
    assert.equal(summary.componentList.length, 2);
    assert.equal(summary.componentListOmitted, 3);
    assert.deepEqual(summary.purlList, ['pkg:npm/web@1.0.0']);
    assert.equal(summary.purlListOmitted, 2);
    assert.match(summary.warnings.join('\n'), /componentList holds the first 2 of 5 components/);
    assert.match(summary.warnings.join('\n'), /purlList holds the first 1 of 3 purls/);
  });

  it('cuts strings longer than 4 KiB and says so', async () => {
    const long = 'x'.repeat(10_000);
    const bom = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [{ type: 'library', name: long }],
    });
    const summary = await parseCycloneDxJson(chunks(bom, 1000));
    assert.equal(summary.componentList[0]?.name?.length, 4097);
    assert.match(summary.warnings.join('\n'), /1 string\(s\) longer than 4096 characters were cut/);
  });

  it('refuses components nested deeper than 64 levels (JSON.parse would take any depth)', async () => {
    let component: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < 100; i++) component = { name: `c${i}`, components: [component] };
    const bom = JSON.stringify(
      { bomFormat: 'CycloneDX', specVersion: '1.6', components: [component] },
      null,
      2,
    );
    await assert.rejects(parseCycloneDxJson(chunks(bom, 4096)), {
      code: 'EVIDENCE_MALFORMED',
      message: /components are nested deeper than 64 levels/,
    });
  });

  it('refuses a BOM whose components are not an array or hold non-objects, naming each path', async () => {
    const bom =
      '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"},7,"x"],"dependencies":{}}';
    await assert.rejects(
      parseCycloneDxJson(chunks(bom)),
      (error: { issues: { path: string }[] }) => {
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['$.components[1]', '$.components[2]', '$.dependencies'],
        );
        return true;
      },
    );
  });

  it('refuses XML whose root is not a CycloneDX bom', async () => {
    await assert.rejects(
      parseCycloneDxXml(chunks('<bom xmlns="http://example.com/other"><components/></bom>')),
      { code: 'EVIDENCE_MALFORMED', message: /not <bom> in a CycloneDX namespace/ },
    );
  });
});

describe('SPDX tag-value edge cases (fixtures/spdx-crlf-2.3.spdx)', () => {
  it('reads CRLF lines and multi-line <text> values without taking their lines for tags', async () => {
    const summary = await parseSpdxTagValue(chunks(fixture('spdx-crlf-2.3.spdx'), 5));
    assert.equal(summary.components, 3);
    assert.equal(summary.files, 1);
    assert.equal(summary.relationships, 4);
    assert.equal(summary.dependencies, 2);
    assert.deepEqual(summary.purlList, ['pkg:npm/app@1.2.3', 'pkg:npm/lib@0.1']);
    assert.deepEqual(summary.tools, ['hand-written-1.0']);
    assert.deepEqual(summary.licenses, {
      // app concludes NOASSERTION and declares apache-2.0: counted under its declared license.
      expressions: { 'Apache-2.0': 1, 'MIT OR BSD-3-Clause': 1 },
      names: {},
      noAssertion: 0,
      none: 1,
      unstated: 0,
      other: 0,
      unknownIds: [],
    });
    assert.deepEqual(summary.subject, {
      id: 'SPDXRef-app',
      name: 'app',
      version: '1.2.3',
      purl: 'pkg:npm/app@1.2.3',
      type: null,
      hashes: { sha256: '00aa11bb' },
    });
  });

  it('refuses a <text> value that is never closed, and a line that is not "Tag: value"', async () => {
    await assert.rejects(
      parseSpdxTagValue(
        chunks('SPDXVersion: SPDX-2.3\nPackageName: a\nPackageComment: <text>open\n'),
      ),
      { code: 'EVIDENCE_MALFORMED', message: /line 3: <text> is never closed/ },
    );
    await assert.rejects(parseSpdxTagValue(chunks('SPDXVersion: SPDX-2.3\nthis is not a tag\n')), {
      code: 'EVIDENCE_MALFORMED',
      message: /line 2: not a "Tag: value" line/,
    });
  });
});

describe('SPDX 3 JSON-LD edge cases (fixtures/spdx3-licenses.json)', () => {
  it('joins licenses, purls and the root element across elements, whatever their order', async () => {
    const summary = await parseSpdx3JsonLd(chunks(fixture('spdx3-licenses.json'), 64));
    assert.equal(summary.components, 3);
    assert.equal(summary.files, 1);
    assert.equal(summary.dependencies, 2);
    assert.deepEqual(summary.purlList, ['pkg:npm/app@2.0', 'pkg:npm/lib@1.0']);
    assert.deepEqual(summary.tools, ['spdx3-maker']);
    assert.deepEqual(
      summary.componentList.map((c) => [c.name, c.licenses]),
      [
        ['app', ['Apache-2.0 AND (MIT OR BSD-2-Clause)']],
        ['lib', ['MIT']],
        ['util', ['NOASSERTION']],
      ],
    );
    assert.equal(summary.licenses.noAssertion, 1);
    assert.deepEqual(summary.subject, {
      id: 'urn:pkg:app',
      name: 'app',
      version: '2.0',
      purl: 'pkg:npm/app@2.0',
      type: 'application',
      hashes: { sha256: 'ab12' },
    });
  });
});

describe('SPDX JSON edge cases', () => {
  it('resolves a DESCRIBES relationship that comes after the package it names', async () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'late',
      documentNamespace: 'https://example.com/late',
      creationInfo: { created: '2025-01-01T00:00:00Z', creators: ['Tool: x-1'] },
      packages: [
        { SPDXID: 'SPDXRef-a', name: 'a', versionInfo: '1', licenseConcluded: 'mit' },
        { SPDXID: 'SPDXRef-b', name: 'b', licenseDeclared: 'NONE' },
      ],
      relationships: [
        {
          spdxElementId: 'SPDXRef-b',
          relationshipType: 'DESCRIBED_BY',
          relatedSpdxElement: 'SPDXRef-DOCUMENT',
        },
        {
          spdxElementId: 'SPDXRef-DOCUMENT',
          relationshipType: 'DESCRIBES',
          relatedSpdxElement: 'SPDXRef-a',
        },
      ],
    };
    const summary = await parseSpdxJson(chunks(JSON.stringify(doc, null, 2), 16));
    assert.deepEqual(
      summary.subjects.map((s) => [s.id, s.name]),
      [
        ['SPDXRef-b', 'b'],
        ['SPDXRef-a', 'a'],
      ],
    );
    assert.deepEqual(summary.licenses.expressions, { MIT: 1 });
    assert.equal(summary.licenses.none, 1);
  });
});

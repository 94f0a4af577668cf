/**
 * Builds a large, realistic CycloneDX 1.6 JSON BOM as a stream of chunks, for the memory test
 * and throughput measurements: pretty-printed like real producers, with licenses in all three
 * forms, hashes, purls, escaped and non-ASCII text, and a dependency graph. `stats` counts what
 * was written, so callers can check a summary against it once the stream has been read.
 */
export interface GeneratedBom {
  chunks: AsyncIterable<Uint8Array>;
  stats: {
    bytes: number;
    components: number;
    dependencies: number;
    licenses: Record<string, number>;
  };
}

const LICENSES = [
  { license: { id: 'MIT' } },
  { license: { id: 'Apache-2.0' } },
  { expression: 'MIT OR Apache-2.0' },
  { license: { name: 'Acme Commercial License' } },
] as const;
const LICENSE_KEYS = ['MIT', 'Apache-2.0', 'MIT OR Apache-2.0', 'Acme Commercial License'];

export function generateCycloneDxJson(targetBytes: number, chunkBytes = 64 * 1024): GeneratedBom {
  const stats: GeneratedBom['stats'] = { bytes: 0, components: 0, dependencies: 0, licenses: {} };
  const encoder = new TextEncoder();
  async function* chunks(): AsyncIterable<Uint8Array> {
    let pending = '';
    const emit = function* (text: string) {
      pending += text;
      if (pending.length >= chunkBytes) {
        const bytes = encoder.encode(pending);
        stats.bytes += bytes.length;
        pending = '';
        yield bytes;
      }
    };
    yield* emit(
      `{\n  "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",\n  "version": 1,\n  "metadata": ${indent(
        JSON.stringify(
          {
            timestamp: '2025-01-01T00:00:00Z',
            tools: { components: [{ type: 'application', name: 'generator', version: '1.0' }] },
            component: {
              type: 'application',
              name: 'big-app',
              version: '1.0.0',
              'bom-ref': 'root',
            },
          },
          null,
          2,
        ),
      )},\n  "components": [`,
    );
    // Components take about 90% of the bytes; dependencies the rest.
    const componentBytes = targetBytes * 0.88;
    let written = 0;
    for (let i = 0; written < componentBytes; i++) {
      const license = LICENSES[i % LICENSES.length] as (typeof LICENSES)[number];
      const key = LICENSE_KEYS[i % LICENSES.length] as string;
      stats.licenses[key] = (stats.licenses[key] ?? 0) + 1;
      const text = `${i === 0 ? '' : ','}\n    ${indent(
        JSON.stringify(
          {
            type: 'library',
            'bom-ref': `pkg:npm/%40scope/package-${i}@1.${i % 100}.0`,
            group: '@scope',
            name: `package-${i}`,
            version: `1.${i % 100}.0`,
            // Escapes in every description, non-ASCII in one in fifty (as in real BOMs).
            description: `Package ${i}: does "things" with C:\\paths, [brackets] and {braces}${i % 50 === 0 ? '; caf\u00e9 \u2615' : ''}`,
            hashes: [{ alg: 'SHA-256', content: (i * 2654435761).toString(16).padStart(64, '0') }],
            licenses: [license],
            purl: `pkg:npm/%40scope/package-${i}@1.${i % 100}.0`,
            externalReferences: [{ type: 'website', url: `https://example.com/package-${i}` }],
          },
          null,
          2,
        ),
        2,
      )}`;
      written += text.length;
      stats.components++;
      yield* emit(text);
    }
    yield* emit('\n  ],\n  "dependencies": [');
    for (let i = 0; i < stats.components; i++) {
      const dependsOn = [i + 1, i + 2]
        .filter((j) => j < stats.components)
        .map((j) => `pkg:npm/%40scope/package-${j}@1.${j % 100}.0`);
      stats.dependencies += dependsOn.length;
      yield* emit(
        `${i === 0 ? '' : ','}\n    ${indent(JSON.stringify({ ref: `pkg:npm/%40scope/package-${i}@1.${i % 100}.0`, dependsOn }, null, 2), 2)}`,
      );
    }
    yield* emit('\n  ]\n}\n');
    const bytes = encoder.encode(pending);
    stats.bytes += bytes.length;
    yield bytes;
  }
  return { chunks: chunks(), stats };
}

function indent(json: string, levels = 1): string {
  return json.replaceAll('\n', `\n${'  '.repeat(levels)}`);
}

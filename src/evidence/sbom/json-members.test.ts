import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isDossierError } from '../../core/errors.ts';
import { type JsonMemberOptions, readJsonMembers } from './json-members.ts';

const encoder = new TextEncoder();
/** The reference is JSON.parse of the bytes as decoded (a lone surrogate encodes as U+FFFD). */
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncIterable<Uint8Array> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    if (cut > at) yield bytes.subarray(at, cut);
    at = Math.max(at, cut);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

/** Rebuilds the object from the streamed members, as JSON.parse would (the last duplicate wins). */
async function collect(
  bytes: Uint8Array,
  cuts: readonly number[] = [],
  options: Partial<JsonMemberOptions> = {},
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const set = (key: string, value: unknown) =>
    Object.defineProperty(result, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  const arrays = new Map<string, unknown[]>();
  await readJsonMembers(
    chunked(bytes, cuts),
    {
      member: (key, value) => set(key, value),
      element: (key, value, index) => {
        if (index === 0) arrays.set(key, []);
        const array = arrays.get(key);
        assert.ok(array, `element ${index} of ${key} arrived before element 0`);
        assert.equal(array.length, index, `element index of ${key} skips`);
        array.push(value);
      },
      arrayEnd: (key, count) => {
        const array = count === 0 ? [] : arrays.get(key);
        assert.equal(array?.length, count);
        set(key, array);
      },
    },
    { label: 'test JSON', ...options },
  );
  return result;
}

const WHITESPACE = ['', ' ', '\n', '\t', '\r\n', '  ', '\n    '];

/** JSON.stringify with whitespace (chosen by `pick`) between every token. */
function serialize(value: unknown, pick: () => string): string {
  const w = pick;
  if (Array.isArray(value))
    return `[${w()}${value.map((v) => `${serialize(v, w)}${w()}`).join(`,${w()}`)}]`;
  if (value !== null && typeof value === 'object')
    return `{${w()}${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}${w()}:${w()}${serialize(v, w)}${w()}`)
      .join(`,${w()}`)}}`;
  return JSON.stringify(value);
}

function picker(seed: number): () => string {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return WHITESPACE[(state >>> 16) % WHITESPACE.length] as string;
  };
}

// Characters that trouble a boundary scanner (quotes, escapes, brackets, multi-byte UTF-8) are
// drawn far more often than chance would, so chunk cuts land next to them.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', '\n', '\u0000', '\u00e9', '\u{1F600}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
/**
 * JSON.parse itself misreads some keys: in Node 24.21.0 V8 reads an escaped key as an earlier
 * key of the same object shape that ENDS WITH A BACKSLASH when that key's characters are a prefix
 * of the new key's raw text (`{"\\":1}` then `{"\n":1}` gives the key `\`; see
 * test/platform/json-parse-escaped-keys.test.ts). The scanner hands values to JSON.parse, so the
 * reference and the scanner could each be hit; documents here hold no key ending in `\`.
 */
const misreadable = (k: string) => k.endsWith('\\');
const key = (maxLength: number) => fc.string({ unit, maxLength }).filter((k) => !misreadable(k));
function withoutMisreadableKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMisreadableKeys);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value))
    copy[misreadable(k) ? `${k}.` : k] = withoutMisreadableKeys(v);
  return copy;
}
const jsonValue = fc.jsonValue({ stringUnit: unit, maxDepth: 4 }).map(withoutMisreadableKeys);
const document = fc.dictionary(
  key(8),
  fc.oneof(fc.array(jsonValue, { maxLength: 12 }), jsonValue),
  { maxKeys: 6 },
);

describe('readJsonMembers', () => {
  it('yields the same members as JSON.parse for random documents, whitespace and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        document,
        fc.integer(),
        fc.array(fc.nat(), { maxLength: 80 }),
        async (doc, seed, cuts) => {
          const bytes = encoder.encode(serialize(doc, picker(seed)));
          const expected = JSON.parse(decode(bytes));
          assert.deepStrictEqual(await collect(bytes, cuts), expected);
        },
      ),
      // No shrinking: these documents are large and shrinking them takes minutes; the seed replays.
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('agrees with JSON.parse on mutated documents: the same members, or a DossierError when JSON.parse refuses', async () => {
    const noise = fc.constantFrom(...'{}[],:"\\ 0a-\n'.split(''), '\u00e9', 'tru');
    await fc.assert(
      fc.asyncProperty(
        document,
        fc.integer(),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), noise), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (doc, seed, edits, cuts) => {
          let text = serialize(doc, picker(seed));
          for (const [at, remove, insert] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + insert + text.slice(p + remove);
          }
          const bytes = encoder.encode(text);
          let expected: unknown;
          try {
            expected = JSON.parse(decode(bytes));
          } catch {
            expected = undefined;
          }
          const isObject =
            expected !== null && typeof expected === 'object' && !Array.isArray(expected);
          if (isObject) assert.deepStrictEqual(await collect(bytes, cuts), expected);
          else
            await assert.rejects(collect(bytes, cuts), (error) => {
              assert.ok(isDossierError(error), `not a DossierError: ${error}`);
              assert.equal(error.code, 'EVIDENCE_MALFORMED');
              return true;
            });
        },
      ),
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('matches JSON.parse on pretty-printed documents, read by the layout fast path', async () => {
    const element = fc.dictionary(key(6), jsonValue, { maxKeys: 4 });
    const pretty = fc.record({
      components: fc.array(element, { minLength: 1, maxLength: 40 }),
      dependencies: fc.array(jsonValue, { maxLength: 10 }),
      metadata: jsonValue,
    });
    await fc.assert(
      fc.asyncProperty(
        pretty,
        fc.constantFrom(1, 2, 4, '\t', '\r\n  '),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (doc, indent, cuts) => {
          const text =
            typeof indent === 'string' && indent.startsWith('\r')
              ? JSON.stringify(doc, null, 2).replaceAll('\n', '\r\n')
              : JSON.stringify(doc, null, indent);
          const bytes = encoder.encode(text);
          assert.deepStrictEqual(await collect(bytes, cuts), JSON.parse(decode(bytes)));
        },
      ),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('agrees with JSON.parse on mutated pretty-printed documents (fast path refusals fall back to scanning)', async () => {
    const element = fc.dictionary(key(6), jsonValue, { maxKeys: 4 });
    const noise = fc.constantFrom(...'{}[],:"\\ 0\n'.split(''), ',\n  {', '}\n  ]');
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { minLength: 2, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), noise), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (components, edits, cuts) => {
          let text = JSON.stringify({ components, after: [1, 2] }, null, 2);
          for (const [at, remove, insert] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + insert + text.slice(p + remove);
          }
          const bytes = encoder.encode(text);
          let expected: unknown;
          try {
            expected = JSON.parse(decode(bytes));
          } catch {
            expected = undefined;
          }
          if (expected !== null && typeof expected === 'object' && !Array.isArray(expected))
            assert.deepStrictEqual(await collect(bytes, cuts), expected);
          else await assert.rejects(collect(bytes, cuts), { code: 'EVIDENCE_MALFORMED' });
        },
      ),
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('reads large pretty-printed and compact arrays mostly by the layout fast path', async () => {
    const components = Array.from({ length: 5000 }, (_, i) => ({
      name: `c${i}`,
      note: 'line\nbreak, "quoted" {x: [1]}, },{"name":',
      nested: [{ a: i }, { b: [i, i] }],
    }));
    const visitor = { member() {}, element() {} };
    const cuts = [65_536, 131_072, 196_608, 262_144];
    for (const text of [
      JSON.stringify({ components, tail: 1 }, null, 2),
      JSON.stringify({ components, tail: 1 }),
    ]) {
      const bytes = encoder.encode(text);
      const read = await readJsonMembers(chunked(bytes, cuts), visitor, { label: 'test JSON' });
      assert.ok(read.fastBatches >= 2, `only ${read.fastBatches} fast batches`);
      assert.deepStrictEqual(await collect(bytes, cuts), { components, tail: 1 });
    }
  });

  it('reads a compact array whose nested objects start like its elements (guesses refused, then scanned)', async () => {
    const components = Array.from({ length: 3000 }, (_, i) => ({
      type: 'library',
      refs: [{ type: 'website' }, { type: `vcs${i}` }],
    }));
    const bytes = encoder.encode(JSON.stringify({ components }));
    assert.deepStrictEqual(await collect(bytes, [30_000, 60_000, 90_000, 120_000]), {
      components,
    });
  });

  it('reports a fault in a pretty-printed array at the element it is in', async () => {
    const components = Array.from({ length: 3000 }, (_, i) => ({ name: `c${i}` }));
    const text = JSON.stringify({ components }, null, 2).replace('"c2500"', '"c2500" x');
    await assert.rejects(collect(encoder.encode(text), [10_000, 20_000, 40_000]), {
      code: 'EVIDENCE_MALFORMED',
      message: /\$\.components\[2500\]/,
    });
  });

  it('reads strings holding brackets, commas, escaped quotes and backslashes, cut at every byte', async () => {
    const doc = {
      components: [{ name: 'a]b}c,d', note: 'say \\"hi\\" [x]' }, 'q"uote', '\\', '\\"'],
      meta: { x: '{"not": ["json"]}' },
    };
    const bytes = encoder.encode(JSON.stringify(doc, null, 2));
    for (let cut = 0; cut <= bytes.length; cut++)
      assert.deepStrictEqual(await collect(bytes, [cut]), doc, `cut at ${cut}`);
  });

  it('reassembles UTF-8 characters split across chunks, one byte per chunk', async () => {
    const doc = {
      components: [{ name: 'caf\u00e9 \u{1F600} \u4e2d' }],
      title: '\u00fc\u00f1\u00ee',
    };
    const bytes = encoder.encode(JSON.stringify(doc));
    const cuts = Array.from(bytes, (_, i) => i);
    assert.deepStrictEqual(await collect(bytes, cuts), doc);
  });

  it('accepts a UTF-8 byte-order mark, even split across chunks', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"a":[1]}')]);
    assert.deepStrictEqual(await collect(bytes, [1, 2]), { a: [1] });
  });

  it('hands over large arrays in batches without losing or reordering elements', async () => {
    const components = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `c${i}`.repeat(5) }));
    const bytes = encoder.encode(JSON.stringify({ components, after: true }));
    assert.deepStrictEqual(await collect(bytes, [100, 65_536, 300_000, 600_001]), {
      components,
      after: true,
    });
  });

  for (const [name, text, message] of [
    ['an empty input', '', /input is empty/],
    ['a top-level array', '[1]', /expected a JSON object/],
    ['a trailing comma in an array', '{"a":[1,2,]}', /\$\.a\[2\].*(missing|empty)/],
    ['an empty element', '{"a":[1,,2]}', /\$\.a\[1\]: a value is missing/],
    ['a trailing comma in the object', '{"a":1,}', /expected a member name/],
    ['a missing colon', '{"a" 1}', /expected ':'/],
    ['a bad element', '{"a":[1,{"b":}]}', /\$\.a\[1\]/],
    ['a bad member value', '{"a":{"b":tru}}', /\$\.a:/],
    ['an array closed by a brace', '{"a":[1}', /closed by '}'/],
    ['data after the object', '{"a":1} x', /after the end/],
    [
      'a truncated document',
      '{"components":[{"name":"x"},{"na',
      /ends early inside \$\.components\[1\]/,
    ],
    ['UTF-16', '\ufeff{}', /not UTF-8/],
  ] as const) {
    it(`refuses ${name} with EVIDENCE_MALFORMED naming where`, async () => {
      const bytes =
        name === 'UTF-16' ? new Uint8Array([0xff, 0xfe, 0x7b, 0, 0x7d, 0]) : encoder.encode(text);
      await assert.rejects(collect(bytes), { code: 'EVIDENCE_MALFORMED', message: message });
    });
  }

  it('refuses nesting deeper than the limit before parsing it', async () => {
    const deep = `{"a":[${'['.repeat(600)}${']'.repeat(600)}]}`;
    await assert.rejects(collect(encoder.encode(deep)), {
      code: 'EVIDENCE_MALFORMED',
      message: /\$\.a\[0\] is nested deeper than 512 levels/,
    });
  });

  it('refuses a single value larger than the limit, whatever the chunking', async () => {
    const bytes = encoder.encode(`{"a":[{"big":"${'x'.repeat(5000)}"}]}`);
    await assert.rejects(collect(bytes, [100, 2000, 4000], { maxValueBytes: 1024 }), {
      code: 'EVIDENCE_MALFORMED',
      message: /\$\.a\[0\] is larger than 1024 bytes/,
    });
  });

  it('reports keys that occur twice at the top level', async () => {
    const result = await readJsonMembers(
      chunked(encoder.encode('{"a":1,"b":[],"a":2}'), []),
      { member() {}, element() {} },
      { label: 'test JSON' },
    );
    assert.deepEqual(result.duplicateKeys, ['a']);
  });
});

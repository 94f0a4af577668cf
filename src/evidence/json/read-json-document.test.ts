import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_JSON_LIMITS, readJsonDocument } from './read-json-document.ts';

async function* chunks(bytes: Uint8Array, size = 5): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const read = (text: string | Uint8Array, limits = DEFAULT_JSON_LIMITS) =>
  readJsonDocument(chunks(typeof text === 'string' ? Buffer.from(text) : text), 'Test', limits);

describe('readJsonDocument', () => {
  it('parses a document delivered in small chunks', async () => {
    const document = await read('{"a": [1, "caf\u00e9"]}');
    assert.deepEqual(document.value, { a: [1, 'caf\u00e9'] });
    assert.deepEqual(document.warnings, []);
  });

  it('names line, column and JSON path of a syntax error as EVIDENCE_MALFORMED', async () => {
    await assert.rejects(read('{\n  "runs": [\n    {"results": 4,}\n  ]\n}'), {
      name: 'DossierError',
      code: 'EVIDENCE_MALFORMED',
      message:
        "Test: JSON line 3, column 19 (in runs[0]): expected a property name in double quotes, found '}'",
    });
    await assert.rejects(read('{"runs": [{"results": [1, 2'), {
      code: 'EVIDENCE_MALFORMED',
      message: /line 1, column 28 \(in runs\[0\]\.results\[1\]\): the text ends inside an array/,
    });
  });

  it('refuses empty and whitespace-only files', async () => {
    await assert.rejects(read(''), {
      code: 'EVIDENCE_MALFORMED',
      message: 'Test: the file is empty',
    });
    await assert.rejects(read(' \n\t'), { code: 'EVIDENCE_MALFORMED', message: /empty/ });
  });

  it('refuses a file over the size bound before reading the rest of it', async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      const chunk = new Uint8Array(1024).fill(0x20);
      for (;;) {
        pulled++;
        yield chunk;
      }
    }
    await assert.rejects(
      readJsonDocument(endless(), 'Test', { maxBytes: 64 * 1024, maxDepth: 512 }),
      { code: 'EVIDENCE_MALFORMED', message: /larger than 65536 bytes/ },
    );
    assert.equal(pulled, 65);
    assert.equal(DEFAULT_JSON_LIMITS.maxBytes, 256 * 1024 * 1024);
  });

  it('refuses nesting deeper than the bound, naming where, before JSON.parse sees it', async () => {
    const deep = `${'['.repeat(600)}${']'.repeat(600)}`;
    await assert.rejects(read(deep), {
      code: 'EVIDENCE_MALFORMED',
      message: 'Test: JSON line 1, column 513: objects and arrays nested deeper than 512 levels',
    });
    // Brackets inside strings do not count.
    assert.equal(((await read(`["${'['.repeat(600)}"]`)).value as string[])[0]?.length, 600);
  });

  it('reads a UTF-8 byte-order mark silently and UTF-16 with a warning', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]);
    assert.deepEqual((await read(bom)).value, { a: 1 });
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('{"a":"\u00e9"}', 'utf16le'),
    ]);
    const document = await read(utf16);
    assert.deepEqual(document.value, { a: '\u00e9' });
    assert.deepEqual(document.warnings, ['the file is UTF-16LE, not UTF-8']);
  });

  it('reads bytes that are not UTF-8 as U+FFFD and says so', async () => {
    const latin1 = Buffer.from('{"a":"caf\u00e9"}', 'latin1');
    const document = await read(latin1);
    assert.deepEqual(document.value, { a: 'caf\ufffd' });
    assert.match(document.warnings[0] ?? '', /not valid utf-8/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonDocuments } from './read-documents.ts';
import { chunks } from './test-helpers.ts';

async function documents(text: string | Uint8Array, chunkSize?: number, limit?: number) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const found = [];
  for await (const document of readJsonDocuments(chunks(bytes, chunkSize), limit))
    found.push(document);
  return found;
}

const malformed = (pattern: RegExp) => (error: Error & { code?: string }) => {
  assert.equal(error.code, 'EVIDENCE_MALFORMED');
  assert.match(error.message, pattern);
  return true;
};

describe('readJsonDocuments', () => {
  const jsonl = '{"a":1}\n\n{"b":2}\r\n  {"c":3}';
  const pretty = '{\n  "a": [\n    1,\n    2\n  ]\n}\n';

  it('reads JSON Lines one line at a time, skipping blank lines and keeping line numbers', async () => {
    assert.deepEqual(await documents(jsonl), [
      { line: 1, value: { a: 1 } },
      { line: 3, value: { b: 2 } },
      { line: 4, value: { c: 3 } },
    ]);
  });

  it('reads a pretty-printed document whole', async () => {
    assert.deepEqual(await documents(pretty), [{ line: 1, value: { a: [1, 2] } }]);
    assert.deepEqual(await documents(`\n\n${pretty}`), [{ line: 3, value: { a: [1, 2] } }]);
  });

  it('gives the same documents whatever the chunk boundaries (1, 2, 3, 7 bytes), with a BOM', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl)]);
    const prettyBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(pretty)]);
    for (const size of [1, 2, 3, 7]) {
      assert.deepEqual(await documents(withBom, size), await documents(jsonl));
      assert.deepEqual(await documents(prettyBom, size), await documents(pretty));
    }
  });

  it('names the line of a broken JSON Lines line', async () => {
    await assert.rejects(
      documents('{"a":1}\n{"b":\n'),
      malformed(/^provenance: line 2 is not valid JSON/),
    );
  });

  it('reports a broken single document with the position JSON.parse gives', async () => {
    await assert.rejects(
      documents('{\n "a": 1,\n}'),
      malformed(/the JSON document starting at line 1 is not valid JSON: .*position/),
    );
  });

  it('refuses empty files, invalid UTF-8, and documents above the size limit', async () => {
    await assert.rejects(documents(''), malformed(/the file is empty/));
    await assert.rejects(documents(' \n\t\r\n'), malformed(/the file is empty/));
    await assert.rejects(
      documents(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])),
      malformed(/line 1 is not valid UTF-8/),
    );
    await assert.rejects(
      documents(`{"a":"${'x'.repeat(100)}"}\n`, 16, 64),
      malformed(/larger than .* MiB/),
    );
    await assert.rejects(
      documents(`{"a":1}\n{"b":"${'x'.repeat(100)}"}\n`, 16, 64),
      malformed(/^provenance: line 2 is larger than/),
    );
    await assert.rejects(
      documents(`{\n"b":"${'x'.repeat(100)}"}\n`, 16, 64),
      malformed(/document starting at line 1 is larger than/),
    );
  });
});

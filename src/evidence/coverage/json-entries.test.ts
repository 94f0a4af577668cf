import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks } from '../../../test/support/coverage-fixtures.ts';
import { readJsonEntries } from './json-entries.ts';

const options = { format: 'test', maxEntryBytes: 1024, maxDepth: 8 };

async function entries(text: string | Uint8Array, size = 1, limits = options) {
  const found: Array<[string, unknown, number]> = [];
  await readJsonEntries(
    chunks(text, size),
    (key, value, position) => found.push([key, value, position.line]),
    limits,
  );
  return found;
}

describe('readJsonEntries', () => {
  it('hands over each top-level entry parsed, whatever the chunk boundaries', async () => {
    const text =
      '\uFEFF {\n "a": {"x": "}{][\\"\\\\", "y": [1, [2, {"z": null}]]},\n"b\\"q": [],\n "c": 12.5e1 ,"d":"s}","e":true, "f":null}\n';
    const expected = [
      ['a', { x: '}{]["\\', y: [1, [2, { z: null }]] }, 2],
      ['b"q', [], 3],
      ['c', 125, 4],
      ['d', 's}', 4],
      ['e', true, 4],
      ['f', null, 4],
    ];
    for (const size of [1, 2, 3, 7, 4096])
      assert.deepEqual(await entries(text, size), expected, `chunks of ${size}`);
    assert.deepEqual(await entries('{}'), []);
  });

  it('names line and column of structural problems', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /^test: line 1, column 1: empty: expected a JSON object/],
      ['[1]', /^test: line 1, column 1: expected a JSON object/],
      ['{"a" 1}', /^test: line 1, column 6: expected ':' after key "a"/],
      ['{"a": 1,\n }', /^test: line 2, column 2: expected a quoted key/],
      ['{"a": 1} x', /^test: line 1, column 10: unexpected data after the top-level object/],
      ['{"a": {"b": 1}', /the document ends before its top-level object is closed/],
      ['{"a": }', /entry "a" has no value/],
      ['{"a": [[[[[[[[[1]]]]]]]]]}', /entry "a" nests deeper than 8 levels/],
      [`{"a": "${'x'.repeat(2000)}"}`, /entry "a" is larger than 1024 bytes/],
      ['{"a": tru}', /^test: entry "a" \(from line 1\) is not valid JSON/],
    ];
    for (const [text, message] of cases) {
      await assert.rejects(entries(text, 3), { code: 'EVIDENCE_MALFORMED', message }, text);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

/** Parses `before` (teaching V8 an object shape), then `after`, and returns `after`'s keys. */
function keysAfter(before: string, after: string): string[] {
  JSON.parse(before);
  return Object.keys(JSON.parse(after));
}

/**
 * A bug in V8's JSON.parse as shipped in Node 24.21.0 (the newest 24.x on the registry here;
 * Node 20 is not affected): once an object shape has a key ENDING IN A BACKSLASH at some
 * position, a later object with the same keys before it reads a key there whose raw JSON text
 * starts with that key's characters, and goes on with an escape, as that earlier key:
 * `{"\\":1}` then `{"\n":1}` yields the key `\`, as do `"\t"`, `"\""` and `"\u0041"`;
 * `{"a\\":1}` then `{"a\n":1}` yields `a\`. Every evidence reader in Dossier parses with
 * JSON.parse, so such keys in evidence can be misread. Found by the fast-check property of
 * src/evidence/sbom/json-members.test.ts (seed -365026704), whose JSON.parse reference misread
 * a key after 166 earlier documents; that property now generates no key ending in `\`. The todo
 * turns into a pass when a Node release fixes V8; then the todo and that filter should go.
 */
describe('JSON.parse and keys after a key ending in a backslash (V8 bug in Node 24.21.0)', () => {
  it('reads "\\t" as a tab after an object of the same shape had the key "\\\\"', {
    todo: `V8 misreads it as a backslash in Node ${process.version}`,
  }, () => {
    const keys = keysAfter(String.raw`{"marker-1":0,"\\":1}`, String.raw`{"marker-1":0,"\t":1}`);
    assert.deepEqual(keys, ['marker-1', '\t']);
  });

  it('reads escaped keys right when the earlier key does not end in a backslash', () => {
    assert.deepEqual(
      keysAfter(String.raw`{"marker-2":0,"a\\b":1}`, String.raw`{"marker-2":0,"a\nb":1}`),
      ['marker-2', 'a\nb'],
    );
    assert.deepEqual(
      keysAfter(String.raw`{"marker-3":0,"\n":1}`, String.raw`{"marker-3":0,"\t":1}`),
      ['marker-3', '\t'],
    );
  });
});

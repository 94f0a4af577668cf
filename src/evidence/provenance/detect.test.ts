import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusFiles } from '../../../test/support/corpus.ts';
import { DETECT_HEAD_BYTES } from '../format.ts';
import { headShape } from './head-shape.ts';
import { provenanceFormats } from './index.ts';

const claims = (head: Uint8Array) =>
  provenanceFormats.filter((format) => format.detect(head)).map((f) => f.id);

describe('provenance detection on heads cut anywhere', () => {
  for (const file of corpusFiles('provenance')) {
    it(`${basename(file)}: every cut of the first 3 KiB is claimed by at most one format, the right one once enough is there`, () => {
      const bytes = readFileSync(file);
      const whole = claims(bytes.subarray(0, DETECT_HEAD_BYTES));
      assert.equal(whole.length, 1);
      let firstClaim = -1;
      for (let length = 0; length <= Math.min(3072, bytes.length); length++) {
        const found = claims(bytes.subarray(0, length));
        assert.ok(found.length <= 1, `${length} bytes: ${found.join(', ')}`);
        if (found.length === 1) {
          assert.deepEqual(found, whole, `${length} bytes`);
          if (firstClaim === -1) firstClaim = length;
        }
      }
      if (bytes.length <= 3072) assert.ok(firstClaim !== -1);
    });
  }

  it('reads top-level keys and string prefixes, not nested ones, and tolerates escapes', () => {
    const shape = headShape(
      Buffer.from('{"a":{"mediaType":"x"},"b":"q\\"uote","c":[1,{"d":2}],"e":tru'),
    );
    assert.deepEqual(shape?.keys, ['a', 'b', 'c', 'e']);
    assert.equal(shape?.strings.get('b'), 'q\\"uote');
    assert.equal(shape?.kinds.get('a'), '{');
    assert.equal(shape?.kinds.get('c'), '[');
    assert.equal(headShape(Buffer.from('[{"a":1}]')), undefined);
    assert.equal(headShape(new Uint8Array([0xff, 0xfe, 0x00])), undefined);
  });

  it('recognizes a DSSE envelope whose huge payload fills the whole head, by the payload itself', () => {
    const statement = Buffer.from(
      '{"_type":"https://in-toto.io/Statement/v1","subject":[]}'.padEnd(200_000, ' '),
    );
    const head = Buffer.from(`{"payload":"${statement.toString('base64')}`).subarray(
      0,
      DETECT_HEAD_BYTES,
    );
    assert.deepEqual(claims(head), ['dsse-envelope']);
    const notStatement = Buffer.from(
      `{"payload":"${Buffer.from('hello world, plain text'.repeat(10)).toString('base64')}`,
    );
    assert.deepEqual(claims(notStatement), []);
  });
});

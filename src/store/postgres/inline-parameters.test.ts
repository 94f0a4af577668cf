import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { inlineParameters, UninlinableValue } from './inline-parameters.ts';
import { TEST_DATABASE_URL } from './test-database.ts';

describe('inlineParameters', () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  after(() => client.end());

  // Each value must read back the same whether sent as a parameter or inlined as a literal.
  const cases: [string, string, unknown][] = [
    ['text with quotes, backslashes and unicode', 'text', `it's a \\ "test" ✓ \n end`],
    ['an integer', 'bigint', 9007199254740991],
    ['a fraction', 'float8', -1.5e-7],
    ['a boolean', 'boolean', true],
    ['null', 'text', null],
    ['bytes', 'bytea', Buffer.from([0, 1, 0x5c, 0x27, 0xff])],
    ['an array of text with NULL and quotes', 'text[]', ['a', null, '"q"', 'b\\c', "'", '{x,y}']],
    ['an array of bytes', 'bytea[]', [Buffer.from('a\\'), Buffer.from([0])]],
    ['an empty array', 'integer[]', []],
    ['a JSON object', 'jsonb', { a: "it's", b: [1, '\\'] }],
  ];
  for (const [name, type, value] of cases) {
    it(`reads back ${name} as the parameter would`, async () => {
      const sql = `SELECT $1::${type} AS v`;
      const expected = (await client.query(sql, [value])).rows[0].v;
      const inlined = (await client.query(inlineParameters(sql, [value]))).rows[0].v;
      assert.deepEqual(inlined, expected);
    });
  }

  it('replaces $10 as the tenth value, not $1 followed by 0', () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    assert.equal(inlineParameters('$1 $10', values), "'v1' 'v10'");
  });

  it('refuses what it cannot write as a literal, so the caller sends a parameter instead', () => {
    assert.throws(() => inlineParameters('SELECT $1', [new Date(0)]), UninlinableValue);
    assert.throws(() => inlineParameters('SELECT $1', [Number.NaN]), UninlinableValue);
    assert.throws(() => inlineParameters('SELECT $2', ['only one']), UninlinableValue);
  });
});

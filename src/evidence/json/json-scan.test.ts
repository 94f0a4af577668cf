import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanJsonHead } from './json-head.ts';
import { scanJson } from './json-scan.ts';

const SAMPLE = JSON.stringify({
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'Cppcheck \u00e9\ud83d\ude00', rules: [] } },
      results: [{ level: 'note', n: -1.5e3, ok: true, no: null }],
    },
  ],
});

describe('scanJson', () => {
  it('records generic member paths and the first primitive value at each', () => {
    const scan = scanJson(SAMPLE);
    assert.equal(scan.root, 'object');
    assert.equal(scan.problem, undefined);
    assert.equal(scan.values.get('version'), '2.1.0');
    assert.equal(scan.values.get('runs[].tool.driver.name'), 'Cppcheck \u00e9\ud83d\ude00');
    assert.equal(scan.values.get('runs[].results[].n'), -1500);
    assert.equal(scan.values.get('runs[].results[].ok'), true);
    assert.equal(scan.values.get('runs[].results[].no'), null);
    assert.ok(scan.paths.has('runs[].tool.driver.rules'));
  });

  it('never throws on a head cut at any offset, and sees only paths the whole text has', () => {
    const full = scanJson(SAMPLE).paths;
    for (let end = 0; end <= SAMPLE.length; end++) {
      const scan = scanJson(SAMPLE.slice(0, end));
      for (const path of scan.paths) assert.ok(full.has(path), `${path} at cut ${end}`);
      if (end < SAMPLE.length) assert.equal(scan.problem?.truncated, true, `cut at ${end}`);
    }
  });

  it('names the offset and JSON path of the first syntax error', () => {
    const text = '{"runs":[{"results":[1,{"message":"a\u0001"}]}]}';
    const problem = scanJson(text).problem;
    assert.equal(problem?.path, 'runs[0].results[1].message');
    assert.equal(problem?.offset, text.indexOf('\u0001'));
    assert.match(problem?.message ?? '', /control character \(U\+0001\)/);
    assert.equal(
      scanJson('{"a" 1}').problem?.message,
      "expected ':' after a property name, found '1'",
    );
    assert.equal(scanJson('[1,2,]').problem?.path, '[2]');
    assert.match(scanJson('{"a":1} x').problem?.message ?? '', /expected the end of the text/);
    assert.match(scanJson('{"a":"\\x"}').problem?.message ?? '', /unknown escape \\x/);
  });

  it('reads nesting far deeper than the call stack allows without overflowing', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const scan = scanJson(deep);
    assert.equal(scan.problem, undefined);
    assert.equal(scan.root, 'array');
  });

  it('scanJsonHead decodes UTF-16 heads and ignores what is not JSON', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('{"version":"2.1.0"}', 'utf16le'),
    ]);
    assert.equal(scanJsonHead(utf16).values.get('version'), '2.1.0');
    assert.equal(scanJsonHead(Buffer.from('<?xml version="1.0"?><a/>')).root, undefined);
    assert.equal(scanJsonHead(new Uint8Array(0)).root, undefined);
  });
});

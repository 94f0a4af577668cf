import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath } from '../../../test/support/corpus.ts';
import { readXml, sniffEncoding, xmlRootElement } from './read-xml.ts';

async function* chunks(text: string | Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(text: string | Uint8Array, size?: number) {
  const events: string[] = [];
  await readXml(chunks(text, size), {
    open: (name, attributes, depth) =>
      events.push(`<${name} ${JSON.stringify(attributes)} ${depth}`),
    close: (name) => events.push(`</${name}`),
    text: (value) => {
      if (value.trim()) events.push(`"${value}"`);
    },
  });
  return events;
}

describe('readXml', () => {
  it('streams elements, attributes and decoded text, whatever the chunk boundaries', async () => {
    const xml =
      '<?xml version="1.0"?><a x="1 &amp; 2"><b>caf\u00e9 &lt;3</b><![CDATA[raw <x>]]></a>';
    const expected = ['<a {"x":"1 & 2"} 1', '<b {} 2', '"caf\u00e9 <3"', '</b', '"raw <x>"', '</a'];
    for (const size of [1, 3, 1000]) assert.deepEqual(await collect(xml, size), expected);
  });

  it('reads UTF-16 with a byte-order mark and ISO-8859-1 by its declaration', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<a t="\u00e9"/>', 'utf16le'),
    ]);
    assert.deepEqual(await collect(utf16), ['<a {"t":"\u00e9"} 1', '</a']);
    const latin1 = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><a t="\u00e9"/>',
      'latin1',
    );
    assert.deepEqual(await collect(latin1), ['<a {"t":"\u00e9"} 1', '</a']);
  });

  it('ignores a DOCTYPE that only names an external DTD, and never loads it', async () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report/>';
    assert.deepEqual(await collect(xml), ['<report {} 1', '</report']);
  });

  it('refuses the XXE parameter-entity file from the hostile corpus without fetching anything', async () => {
    const bytes = readFileSync(corpusPath('hostile', 'xxe-parameter-entity-jenkins-junit.xml'));
    await assert.rejects(readXml(chunks(bytes, 64), {}), {
      code: 'EVIDENCE_MALFORMED',
      message: /entit/,
    });
  });

  it('refuses an entity-expansion bomb quickly', async () => {
    let bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">';
    for (let i = 1; i < 10; i++) bomb += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
    bomb += ']><lolz>&lol9;</lolz>';
    const started = process.hrtime.bigint();
    await assert.rejects(readXml(chunks(bomb, 4096), {}), {
      code: 'EVIDENCE_MALFORMED',
      message: /entit/,
    });
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000);
  });

  it('refuses a reference to an entity that was never declared', async () => {
    await assert.rejects(readXml(chunks('<a>&nbsp;</a>'), {}), {
      code: 'EVIDENCE_MALFORMED',
      message: /line 1/,
    });
  });

  it('refuses nesting deeper than the limit and over-long attributes', async () => {
    const deep = `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`;
    await assert.rejects(readXml(chunks(deep, 4096), {}), { message: /nested deeper than 256/ });
    const limits = { maxDepth: 10, maxAttributeLength: 100, maxTextLength: 1000 };
    await assert.rejects(readXml(chunks(`<a b="${'x'.repeat(101)}"/>`), {}, limits), {
      message: /attribute b on <a>/,
    });
  });

  it('names line and column of broken and truncated XML', async () => {
    await assert.rejects(readXml(chunks('<a>\n  <b></a>'), {}), {
      code: 'EVIDENCE_MALFORMED',
      message: /^XML line 2/,
    });
    const truncated = readFileSync(corpusPath('negative', 'junit-pytest-truncated.xml'));
    await assert.rejects(readXml(chunks(truncated, 512), {}), { code: 'EVIDENCE_MALFORMED' });
    await assert.rejects(readXml(chunks(''), {}), { code: 'EVIDENCE_MALFORMED' });
  });
});

describe('xmlRootElement and sniffEncoding', () => {
  it('find the document element past the declaration, comments and DOCTYPE', () => {
    const head = Buffer.from(
      '<?xml version="1.0"?>\n<!-- c --><!DOCTYPE coverage SYSTEM "x.dtd">\n<coverage line-rate="1">',
    );
    assert.equal(xmlRootElement(head), 'coverage');
    assert.equal(xmlRootElement(Buffer.from('{"json": true}')), undefined);
  });

  it('answers quickly on a crafted head of endless prolog openers', () => {
    for (const opener of ['<?', '<!--', '<!DOCTYPE [']) {
      const started = process.hrtime.bigint();
      assert.equal(xmlRootElement(Buffer.from(opener.repeat(30_000))), undefined);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200, `${opener} took too long`);
    }
  });

  it('read the encoding from a byte-order mark or the declaration', () => {
    assert.equal(sniffEncoding(Buffer.from([0xff, 0xfe, 0x3c, 0x00])), 'utf-16le');
    assert.equal(
      sniffEncoding(Buffer.from('<?xml version="1.0" encoding="windows-1252"?>')),
      'windows-1252',
    );
    assert.equal(sniffEncoding(Buffer.from('<?xml version="1.0" encoding="no-such"?>')), 'utf-8');
  });
});

import { SaxesParser } from 'saxes';
import { DossierError } from '../../core/errors.ts';

export interface XmlLimits {
  /** Deepest element nesting accepted; deeper input is refused as hostile. */
  maxDepth: number;
  /** Longest attribute value, in characters. */
  maxAttributeLength: number;
  /** Longest single run of text (or CDATA) delivered to the handler, in characters. */
  maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 256,
  maxAttributeLength: 1024 * 1024, // 1 Mi characters
  maxTextLength: 16 * 1024 * 1024, // 16 Mi characters
};

export interface XmlHandlers {
  open?(name: string, attributes: Readonly<Record<string, string>>, depth: number): void;
  close?(name: string, depth: number): void;
  /** Character data and CDATA, entities already decoded. May arrive in several pieces. */
  text?(text: string): void;
}

/**
 * Streams an XML document through `handlers` without building a tree. Safe for hostile input:
 * DOCTYPE declarations are never loaded or interpreted (saxes does not read external subsets,
 * and an entity declared in an internal subset stays undefined, so a reference to it is an
 * error, never an expansion); nesting depth and attribute and text sizes are bounded. Any
 * problem throws EVIDENCE_MALFORMED naming the line and column.
 */
export async function readXml(
  source: AsyncIterable<Uint8Array>,
  handlers: XmlHandlers,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<void> {
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let failure: DossierError | undefined;
  const fail = (message: string): never => {
    failure ??= new DossierError(
      'EVIDENCE_MALFORMED',
      `XML line ${parser.line}, column ${parser.column + 1}: ${message}`,
    );
    throw failure;
  };
  parser.on('error', (error) => fail(error.message.replace(/^\d+:\d+: /, '')));
  parser.on('doctype', (doctype) => {
    // The DOCTYPE itself is harmless (real Cobertura and JaCoCo files carry one); declarations
    // inside it would be the start of an entity attack, and we never honour them.
    if (/<!ENTITY/i.test(doctype))
      fail('DOCTYPE declares entities; entity declarations are refused');
  });
  parser.on('opentag', (tag) => {
    depth++;
    if (depth > limits.maxDepth) fail(`elements nested deeper than ${limits.maxDepth} levels`);
    const attributes = tag.attributes as Record<string, string>;
    for (const name in attributes) {
      if ((attributes[name]?.length ?? 0) > limits.maxAttributeLength) {
        fail(
          `attribute ${name} on <${tag.name}> is longer than ${limits.maxAttributeLength} characters`,
        );
      }
    }
    handlers.open?.(tag.name, attributes, depth);
  });
  parser.on('closetag', (tag) => {
    handlers.close?.(tag.name, depth);
    depth--;
  });
  const onText = (text: string) => {
    if (text.length > limits.maxTextLength)
      fail(`a text node is longer than ${limits.maxTextLength} characters`);
    handlers.text?.(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  const decoder = new XmlDecoder();
  try {
    for await (const chunk of source) {
      const text = decoder.decode(chunk);
      if (text) parser.write(text);
    }
    const rest = decoder.flush();
    if (rest) parser.write(rest);
    parser.close();
  } catch (error) {
    if (error instanceof DossierError) throw error;
    if (failure) throw failure;
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `XML could not be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (failure) throw failure;
}

/**
 * Decodes XML bytes by the encoding its byte-order mark or declaration names (UTF-8 by default;
 * UTF-16 and the ISO-8859/Windows code pages real producers still write). Decoding is streaming:
 * a character split across chunks is carried over.
 */
class XmlDecoder {
  #decoder: TextDecoder | undefined;
  #pending: Uint8Array = new Uint8Array(0);

  decode(chunk: Uint8Array): string {
    if (!this.#decoder) {
      const head = concat(this.#pending, chunk);
      // Wait for enough bytes to read a byte-order mark and an encoding declaration.
      if (head.length < 256) {
        this.#pending = head;
        return '';
      }
      this.#decoder = new TextDecoder(sniffEncoding(head), { fatal: false });
      this.#pending = new Uint8Array(0);
      return this.#decoder.decode(head, { stream: true });
    }
    return this.#decoder.decode(chunk, { stream: true });
  }

  flush(): string {
    if (!this.#decoder) {
      this.#decoder = new TextDecoder(sniffEncoding(this.#pending));
      return this.#decoder.decode(this.#pending);
    }
    return this.#decoder.decode();
  }
}

/** XML 1.0 Appendix F: the encoding from the byte-order mark, else from the declaration. */
export function sniffEncoding(head: Uint8Array): string {
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  if (head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  const start = new TextDecoder('latin1').decode(head.subarray(0, 200));
  const declared =
    /^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
      start,
    )?.[1];
  if (!declared) return 'utf-8';
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    return 'utf-8';
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The name of the document element, read from the first bytes; undefined if none is found. */
export function xmlRootElement(head: Uint8Array): string | undefined {
  const text = new TextDecoder(sniffEncoding(head)).decode(head.subarray(0, 64 * 1024));
  // Skip the BOM, then the prolog item by item (declaration, comments, processing instructions,
  // DOCTYPE). A linear scan: regular expressions over a crafted head can take seconds.
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < text.length && ' \t\r\n'.includes(text[at] as string)) at++;
    let end: number;
    if (text.startsWith('<?', at)) end = text.indexOf('?>', at + 2) + 2;
    else if (text.startsWith('<!--', at)) end = text.indexOf('-->', at + 4) + 3;
    else if (/^<!DOCTYPE/i.test(text.slice(at, at + 9))) {
      const close = text.indexOf('>', at);
      const subset = text.indexOf('[', at);
      end =
        subset !== -1 && subset < close
          ? text.indexOf('>', text.indexOf(']', subset)) + 1
          : close + 1;
    } else break;
    if (end <= at) return undefined;
    at = end;
  }
  return /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(at, at + 256))?.[1];
}

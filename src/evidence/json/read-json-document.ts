import { DossierError } from '../../core/errors.ts';
import { scanJson } from './json-scan.ts';

export interface JsonDocumentLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonDocumentLimits = {
  maxBytes: 256 * 1024 * 1024, // 256 MiB
  maxDepth: 512,
};

export interface JsonDocument {
  value: unknown;
  /** Where the bytes bend RFC 8259 but could still be read (a UTF-16 encoding, non-UTF-8 bytes). */
  warnings: string[];
}

/**
 * Reads a whole JSON document. SARIF, vulnerability reports and VEX documents are read with
 * JSON.parse rather than streamed: their producers write them in one piece, real files are a
 * few MB, and a summary needs cross-references (rule indexes, alias groups) anywhere in the
 * tree. The size bound keeps that honest: reading stops as soon as the bytes pass it (256 MiB
 * by default, well under V8's largest string), and the nesting bound is checked before
 * JSON.parse so no hostile depth reaches it or the code that walks the result. Every failure is
 * EVIDENCE_MALFORMED, prefixed with `label`, naming line, column and JSON path where it can.
 */
export async function readJsonDocument(
  source: AsyncIterable<Uint8Array>,
  label: string,
  limits: JsonDocumentLimits = DEFAULT_JSON_LIMITS,
): Promise<JsonDocument> {
  const bytes = await collectBytes(source, label, limits.maxBytes);
  const warnings: string[] = [];
  const text = decodeJsonText(bytes, label, warnings);
  if (!/\S/.test(text)) throw new DossierError('EVIDENCE_MALFORMED', `${label}: the file is empty`);
  checkNesting(text, label, limits.maxDepth);
  try {
    return { value: JSON.parse(text), warnings };
  } catch (error) {
    throw new DossierError('EVIDENCE_MALFORMED', `${label}: ${describeSyntaxError(error, text)}`, {
      cause: error,
    });
  }
}

async function collectBytes(
  source: AsyncIterable<Uint8Array>,
  label: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > maxBytes) {
      throw new DossierError(
        'EVIDENCE_MALFORMED',
        `${label}: the file is larger than ${maxBytes} bytes, the most Dossier reads as one JSON document`,
      );
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * RFC 8259 §8.1: JSON exchanged between systems is UTF-8, and a parser may ignore a byte-order
 * mark. Windows shells still redirect tool output as UTF-16, so that is read too, with a warning.
 */
export function jsonEncoding(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // Without a mark, the first character of JSON text is ASCII, so a zero byte beside it tells.
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0) return 'utf-16be';
  return 'utf-8';
}

function decodeJsonText(bytes: Uint8Array, label: string, warnings: string[]): string {
  const encoding = jsonEncoding(bytes);
  if (encoding !== 'utf-8') warnings.push(`the file is ${encoding.toUpperCase()}, not UTF-8`);
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    warnings.push(`the file holds bytes that are not valid ${encoding}; they were read as U+FFFD`);
    text = new TextDecoder(encoding).decode(bytes);
  }
  if (text.length > 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0 && bytes.length > 0) {
    throw new DossierError('EVIDENCE_MALFORMED', `${label}: the file holds no characters`);
  }
  return text;
}

/** Refuses nesting deeper than `maxDepth`, naming where it happens. Strings are skipped. */
function checkNesting(text: string, label: string, maxDepth: number): void {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      for (i++; i < length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c /* \ */) i++;
        else if (inner === 0x22) break;
      }
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      depth++;
      if (depth > maxDepth) {
        throw new DossierError(
          'EVIDENCE_MALFORMED',
          `${label}: JSON ${position(text, i)}: objects and arrays nested deeper than ${maxDepth} levels`,
        );
      }
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
}

function describeSyntaxError(error: unknown, text: string): string {
  // V8's messages often carry no position; the scanner names the offset and the JSON path.
  const problem = scanJson(text, { maxDepth: 0 }).problem;
  if (problem) {
    const where = problem.path === '' ? '' : ` (in ${problem.path})`;
    return `JSON ${position(text, problem.offset)}${where}: ${problem.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `not valid JSON: ${message.replace(/ in JSON at.*$/s, '')}`;
}

/** "line 3, column 14" (both 1-based) of a character offset. */
export function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${end - lineStart + 1}`;
}

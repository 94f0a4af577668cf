import { isUtf8 } from 'node:buffer';
import { malformed } from './json-value.ts';
import { PROVENANCE_LIMITS } from './limits.ts';

/** One JSON document of a provenance file: the whole file, or one line of a JSON Lines file. */
export interface JsonDocument {
  /** 1-based line where the document starts. */
  line: number;
  value: unknown;
}

const NEWLINE = 0x0a;
const MIB = 1024 * 1024;

/**
 * Yields the JSON documents of a file, streaming where the layout allows it. When the first
 * non-blank line is a complete JSON value, the file is JSON Lines and each line is parsed on its
 * own as it arrives (one line in memory at a time). Otherwise the file is one document
 * (pretty-printed JSON), which cannot be parsed in pieces: it is collected, up to
 * `maxDocumentBytes`, and parsed whole.
 */
export async function* readJsonDocuments(
  source: AsyncIterable<Uint8Array>,
  maxDocumentBytes: number = PROVENANCE_LIMITS.maxDocumentBytes,
): AsyncGenerator<JsonDocument> {
  const state: { mode: 'undecided' | 'lines' | 'document' } = { mode: 'undecided' };
  // Read through a function: completeLine() changes the mode, which TypeScript's narrowing misses.
  const collectingDocument = () => state.mode === 'document';
  let held: Buffer[] = []; // bytes of the current line (lines/undecided) or of the whole document
  let heldBytes = 0;
  let line = 1; // line number of the first held byte's line
  let documentLine = 1;
  let sawContent = false;

  const tooLarge = () =>
    malformed(
      state.mode === 'lines'
        ? `line ${line} is larger than ${maxDocumentBytes / MIB} MiB; JSON documents above that size are not accepted`
        : `the JSON document starting at line ${documentLine} is larger than ${maxDocumentBytes / MIB} MiB; documents above that size are not accepted`,
    );

  const hold = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    heldBytes += bytes.length;
    if (heldBytes > maxDocumentBytes) throw tooLarge();
    held.push(bytes);
  };

  /** Handles one complete line (without its newline). Returns a document to yield, if any. */
  const completeLine = (): JsonDocument | undefined => {
    const bytes = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
    const lineNumber = line;
    held = [];
    heldBytes = 0;
    line++;
    if (isBlank(bytes)) return undefined;
    const text = decodeUtf8(bytes, lineNumber);
    if (state.mode === 'lines')
      return { line: lineNumber, value: parseJson(text, `line ${lineNumber}`) };
    // undecided: the first non-blank line decides the layout.
    sawContent = true;
    const value = tryParseJson(text);
    if (value.ok) {
      state.mode = 'lines';
      return { line: lineNumber, value: value.value };
    }
    state.mode = 'document';
    documentLine = lineNumber;
    held = [bytes, Buffer.from([NEWLINE])];
    heldBytes = bytes.length + 1;
    return undefined;
  };

  for await (const chunk of source) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (state.mode === 'document') {
      hold(bytes);
      continue;
    }
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1) break;
      hold(bytes.subarray(start, end));
      start = end + 1;
      const document = completeLine();
      if (document) yield document;
      if (collectingDocument()) {
        hold(bytes.subarray(start));
        start = bytes.length;
        break;
      }
    }
    if (start < bytes.length) hold(bytes.subarray(start));
  }

  if (state.mode === 'document') {
    const text = decodeUtf8(Buffer.concat(held), documentLine);
    yield {
      line: documentLine,
      value: parseJson(text, `the JSON document starting at line ${documentLine}`),
    };
    return;
  }
  if (heldBytes > 0) {
    const document = completeLine();
    if (document) yield document;
    if (collectingDocument()) {
      const text = decodeUtf8(Buffer.concat(held), documentLine);
      yield { line: documentLine, value: parseJson(text, `line ${documentLine}`) };
      return;
    }
  }
  if (!sawContent && state.mode === 'undecided')
    throw malformed('the file is empty (no JSON document)');
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

function decodeUtf8(bytes: Buffer, line: number): string {
  if (!isUtf8(bytes)) throw malformed(`line ${line} is not valid UTF-8 text`);
  const text = bytes.toString('utf8');
  // A byte order mark may open the file; JSON.parse would take it for a stray character.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw malformed(`${where} is not valid JSON: ${reason.slice(0, 300)}`);
  }
}

import { DossierError } from '../../core/errors.ts';

/**
 * Splits a byte stream into lines (LF or CRLF) and hands each to `onLine` as a range of a
 * larger text (so hot paths can scan it without a string per line) with its 1-based number,
 * never holding more than one chunk and one partial line. A line longer than
 * `maxLineLength` characters is refused: no text format Dossier reads has lines that long, and
 * waiting for the end of one would mean buffering the file.
 */
export async function readLines(
  source: AsyncIterable<Uint8Array>,
  onLine: (text: string, start: number, end: number, lineNumber: number) => void,
  options: { format: string; maxLineLength: number },
): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lineNumber = 0;
  const tooLong = (line: number) =>
    new DossierError(
      'EVIDENCE_MALFORMED',
      `${options.format}: line ${line} is longer than ${options.maxLineLength} characters`,
    );
  const deliver = (text: string, final: boolean) => {
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const last = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (last - start > options.maxLineLength) throw tooLong(lineNumber + 1);
      onLine(text, start, last, ++lineNumber);
      start = end + 1;
    }
    carry = text.slice(start);
    if (carry.length > options.maxLineLength) throw tooLong(lineNumber + 1);
    if (final && carry.length > 0) {
      onLine(carry, 0, carry.endsWith('\r') ? carry.length - 1 : carry.length, ++lineNumber);
      carry = '';
    }
  };
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) deliver(carry ? carry + text : text, false);
  }
  deliver(carry + decoder.decode(), true);
}

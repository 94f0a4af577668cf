import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import {
  CoverageReport,
  checkDeclared,
  cut,
  excerpt,
  Problems,
  type Tally,
  tally,
  withFormat,
} from './coverage-report.ts';
import { HitSet, hashKey } from './hit-set.ts';
import { type MergeableRecord, MergedFiles } from './merged-files.ts';
import { parseCount, parseNumber } from './numbers.ts';
import { readLines } from './text-lines.ts';

const FORMAT = 'lcov';
const MAX_LINE_LENGTH = 1024 * 1024; // characters; function names run long, not this long
const MAX_SOURCE_LINE = 2 ** 31 - 1;

/**
 * Record types from geninfo(1) "FILES" (lcov 1.x and 2.x). Those that carry no figure we
 * summarize (test names, versions, function end lines, MC/DC) are read past.
 */
const IGNORED_TAGS = new Set(['TN', 'VER', 'FNL', 'MCDC', 'MCF', 'MCH']);
const DECLARED_TAGS = new Set(['LF', 'LH', 'FNF', 'FNH', 'BRF', 'BRH']);
const FIGURE_TAGS = new Set(['DA', 'FN', 'FNDA', 'FNA', 'BRDA']);
const RECORD_LINE =
  /^(?:(?:TN|SF|VER|FN|FNDA|FNF|FNH|FNL|FNA|DA|LF|LH|BRDA|BRF|BRH|MCDC):|end_of_record\s*$)/;

interface LcovRecord {
  lines: HitSet;
  branches: HitSet;
  functions: HitSet;
}

const lcovRecords: MergeableRecord<LcovRecord> = {
  merge(into, from) {
    into.lines.addAll(from.lines);
    into.branches.addAll(from.branches);
    into.functions.addAll(from.functions);
  },
  figures(record) {
    return {
      lines: tally(record.lines.hits, record.lines.size),
      branches: tally(record.branches.hits, record.branches.size),
      functions: tally(record.functions.hits, record.functions.size),
    };
  },
};

interface OpenRecord extends LcovRecord {
  path: string;
  startLine: number;
  declared: Map<string, number>;
}

/**
 * The lcov tracefile format (geninfo(1)): per source file an `SF:` record with `DA` lines,
 * `FN`/`FNDA` functions and `BRDA` branches, closed by `end_of_record`. Read line by line;
 * a file's records are merged by path, as lcov itself does for tracefiles holding several
 * tests.
 */
export const lcovFormat: EvidenceFormat = {
  id: 'lcov',
  kind: 'coverage',
  label: 'lcov tracefile',
  detect: detectLcov,
  async parse(source) {
    const reader = new LcovReader();
    try {
      await readLines(source, (text, start, end, number) => reader.line(text, start, end, number), {
        format: FORMAT,
        maxLineLength: MAX_LINE_LENGTH,
      });
    } catch (error) {
      withFormat(FORMAT, error);
    }
    return reader.finish();
  },
};

class LcovReader {
  readonly #report = new CoverageReport(FORMAT);
  readonly #problems = new Problems(FORMAT);
  readonly #files = new MergedFiles(lcovRecords);
  #current: OpenRecord | undefined;
  #records = 0;
  #lineNumber = 0;
  #checksums = 0;
  #hugeHits: { count: number; example?: string } = { count: 0 };
  #negativeHits: { count: number; example?: string } = { count: 0 };
  #unknownTags = new Map<string, number>();

  line(source: string, start: number, end: number, lineNumber: number): void {
    this.#lineNumber = lineNumber;
    const open = this.#current;
    if (
      open !== undefined &&
      (fastDa(open, source, start, end) || fastBrda(open, source, start, end))
    ) {
      return;
    }
    const text = source.slice(start, end);
    if (text.charCodeAt(0) === 101 /* e */ && text.trim() === 'end_of_record') {
      this.#close(false);
      return;
    }
    const colon = text.indexOf(':');
    const tag = colon > 0 ? text.slice(0, colon) : '';
    if (!/^[A-Za-z_]+$/.test(tag)) {
      if (text.trim() === '') return;
      this.#problem(`not an lcov record: "${excerpt(text, 80)}"`);
      return;
    }
    const value = text.slice(colon + 1);
    if (tag === 'SF') {
      this.#open(value.trim());
      return;
    }
    if (IGNORED_TAGS.has(tag)) return;
    const record = this.#current;
    if (!FIGURE_TAGS.has(tag) && !DECLARED_TAGS.has(tag)) {
      const seen = this.#unknownTags.get(tag);
      if (seen !== undefined) this.#unknownTags.set(tag, seen + 1);
      else if (this.#unknownTags.size < 20) this.#unknownTags.set(cut(tag), 1);
      return;
    }
    if (!record) {
      this.#problem(`${tag} outside a source-file record (no SF: before it)`);
      return;
    }
    if (DECLARED_TAGS.has(tag)) {
      const count = parseCount(value);
      if (count === undefined) this.#problem(`${tag} is not a count: "${excerpt(value, 80)}"`);
      else record.declared.set(tag, count);
      return;
    }
    switch (tag) {
      case 'DA':
        this.#da(record, value);
        return;
      case 'FN':
        this.#fn(record, value);
        return;
      case 'FNDA':
        this.#fnda(record, value);
        return;
      case 'FNA':
        this.#fna(record, value);
        return;
      default:
        this.#brda(record, value);
    }
  }

  finish(): EvidenceSummary {
    if (this.#current) {
      this.#report.warnings.add(
        `the record for "${this.#current.path}" (line ${this.#current.startLine}) has no end_of_record: the file may be truncated`,
      );
      this.#close(true);
    }
    if (this.#records === 0) {
      this.#problems.add('', 'the file holds no source-file records (SF: … end_of_record)');
    }
    this.#problems.throwIfAny();
    for (const [path, figures] of this.#files.files()) this.#report.addFile(path, figures);
    const overflow = this.#files.overflow();
    if (overflow.records > 0) {
      this.#report.addUnlisted(overflow.figures, overflow.records);
      this.#report.warnings.add(
        `${overflow.records} records for files beyond the first ${this.#files.size} were summed without merging repeated paths`,
      );
    }
    this.#warnAnomalies();
    return this.#report.toSummary({ records: this.#records });
  }

  // One handler per record type that carries figures (the fast paths below take the plain
  // DA and BRDA lines; these see the rest).

  #da(record: OpenRecord, value: string): void {
    const [lineText, hitsText, checksum] = value.split(',', 3);
    const line = parseCount(lineText);
    const hits = parseNumber(hitsText);
    if (line === undefined || line > MAX_SOURCE_LINE || hits === undefined) {
      this.#problem(`DA expects <line>,<hits>: "${excerpt(value, 80)}"`);
      return;
    }
    if (checksum !== undefined) this.#checksums++;
    record.lines.add(line, this.#isHit(hits, hitsText ?? '', line, record.path));
  }

  #fn(record: OpenRecord, value: string): void {
    // FN:<line>,<name> or, since lcov 2.0, FN:<line>,<end line>,<name>. Names may hold commas.
    const match = /^\s*(\d+),(?:(\d+),)?(.+)$/.exec(value);
    if (!match?.[3]) {
      this.#problem(`FN expects <line>,<name>: "${excerpt(value, 80)}"`);
      return;
    }
    record.functions.add(hashKey(match[3]), false);
  }

  #fnda(record: OpenRecord, value: string): void {
    const comma = value.indexOf(',');
    const hits = parseNumber(value.slice(0, comma));
    const name = value.slice(comma + 1);
    if (comma < 0 || hits === undefined || name === '') {
      this.#problem(`FNDA expects <hits>,<name>: "${excerpt(value, 80)}"`);
      return;
    }
    record.functions.add(hashKey(name), hits > 0);
  }

  #fna(record: OpenRecord, value: string): void {
    // lcov 2.2: FNA:<index>,<hits>,<name> pairs with FNL:<index>,<line>[,<end line>].
    const match = /^\s*\d+,([^,]+),(.+)$/.exec(value);
    const hits = parseNumber(match?.[1]);
    if (!match?.[2] || hits === undefined) {
      this.#problem(`FNA expects <index>,<hits>,<name>: "${excerpt(value, 80)}"`);
      return;
    }
    record.functions.add(hashKey(match[2]), hits > 0);
  }

  #brda(record: OpenRecord, value: string): void {
    // BRDA:<line>,[e]<block>,<branch>,<taken>; lcov 2 allows an expression for <branch>.
    const parts = value.split(',');
    const line = parseCount(parts[0]);
    const takenText = (parts[parts.length - 1] ?? '').trim();
    const taken = takenText === '-' ? 0 : parseNumber(takenText);
    if (parts.length < 4 || line === undefined || line > MAX_SOURCE_LINE || taken === undefined) {
      this.#problem(`BRDA expects <line>,<block>,<branch>,<taken>: "${excerpt(value, 80)}"`);
      return;
    }
    const block = parts[1] ?? '';
    const branch = parts.slice(2, -1).join(',');
    record.branches.add(branchKey(line, block, branch), taken > 0);
  }

  #open(path: string): void {
    if (this.#current) {
      this.#report.warnings.add(
        `the record for "${this.#current.path}" (line ${this.#current.startLine}) ends at the next SF: without end_of_record`,
      );
      this.#close(true);
    }
    if (path === '') this.#problem('SF names no source file');
    this.#current = {
      path: cut(path),
      startLine: this.#lineNumber,
      declared: new Map(),
      lines: new HitSet(),
      branches: new HitSet(),
      functions: new HitSet(),
    };
  }

  #close(implicit: boolean): void {
    const record = this.#current;
    if (!record) {
      if (!implicit) this.#problem('end_of_record without a record (no SF: before it)');
      return;
    }
    this.#current = undefined;
    this.#records++;
    const where = `the record for "${record.path}" (line ${record.startLine})`;
    const figures = {
      lines: tally(record.lines.hits, record.lines.size),
      branches: tally(record.branches.hits, record.branches.size),
      functions: tally(record.functions.hits, record.functions.size),
    };
    const pairs: Array<[string, string, string, Tally, string]> = [
      ['lines', 'LH', 'LF', figures.lines, 'its DA records'],
      ['functions', 'FNH', 'FNF', figures.functions, 'its FN/FNDA records'],
      ['branches', 'BRH', 'BRF', figures.branches, 'its BRDA records'],
    ];
    for (const [metric, hitTag, foundTag, computed, from] of pairs) {
      const hit = record.declared.get(hitTag);
      const found = record.declared.get(foundTag);
      if (hit === undefined && found === undefined) continue;
      const declared = tally(hit ?? computed.covered, found ?? computed.total);
      checkDeclared(this.#report.warnings, where, metric, declared, computed, from);
    }
    this.#files.add(record.path, {
      lines: record.lines,
      branches: record.branches,
      functions: record.functions,
    });
  }

  #isHit(hits: number, text: string, line: number, path: string): boolean {
    if (hits > Number.MAX_SAFE_INTEGER) {
      this.#hugeHits.count++;
      this.#hugeHits.example ??= `${text.trim()} for line ${line} of "${path}"`;
      return true;
    }
    if (hits < 0) {
      this.#negativeHits.count++;
      this.#negativeHits.example ??= `${text.trim()} for line ${line} of "${path}"`;
      return false;
    }
    return hits > 0;
  }

  #warnAnomalies(): void {
    const warnings = this.#report.warnings;
    if (this.#checksums > 0) {
      warnings.add(
        `${this.#checksums} DA records carry a third field (a source-line checksum, geninfo --checksum); it was ignored`,
      );
    }
    if (this.#hugeHits.count > 0) {
      warnings.add(
        `${this.#hugeHits.count} DA records carry hit counts beyond 2^53 (e.g. ${this.#hugeHits.example}), likely a wrapped negative counter; they were counted as covered`,
      );
    }
    if (this.#negativeHits.count > 0) {
      warnings.add(
        `${this.#negativeHits.count} DA records carry negative hit counts (e.g. ${this.#negativeHits.example}); they were counted as not covered`,
      );
    }
    for (const [tag, count] of this.#unknownTags) {
      warnings.add(`${count} lines of unknown record type ${tag}: were ignored`);
    }
  }

  #problem(message: string): void {
    this.#problems.add(`line ${this.#lineNumber}`, message);
  }
}

// Fast paths for the records that make up nearly all of a tracefile, `DA:<line>,<hits>` and
// `BRDA:<line>,<block>,<branch>,<taken>` in plain digits: scanned by character code, without
// splitting or regular expressions. Anything unusual returns false and takes the general path.

let scanEnd = 0;

/** Digits at `from` (at most `maxDigits`) as a number, or -1; the end is left in scanEnd. */
function scanDigits(text: string, from: number, end: number, maxDigits: number): number {
  let value = 0;
  let at = from;
  for (; at < end && at - from <= maxDigits; at++) {
    const code = text.charCodeAt(at) - 48;
    if (code < 0 || code > 9) break;
    value = value * 10 + code;
  }
  scanEnd = at;
  return at === from || at - from > maxDigits ? -1 : value;
}

function fastDa(record: LcovRecord, text: string, start: number, end: number): boolean {
  if (
    text.charCodeAt(start) !== 68 ||
    text.charCodeAt(start + 1) !== 65 ||
    text.charCodeAt(start + 2) !== 58
  ) {
    return false;
  }
  const line = scanDigits(text, start + 3, end, 9);
  if (line < 0 || text.charCodeAt(scanEnd) !== 44) return false;
  const hits = scanDigits(text, scanEnd + 1, end, 15);
  if (hits < 0 || scanEnd !== end) return false;
  record.lines.add(line, hits > 0);
  return true;
}

function fastBrda(record: LcovRecord, text: string, start: number, end: number): boolean {
  if (!text.startsWith('BRDA:', start)) return false;
  const line = scanDigits(text, start + 5, end, 7);
  if (line < 0 || text.charCodeAt(scanEnd) !== 44) return false;
  const block = scanDigits(text, scanEnd + 1, end, 4);
  if (block < 0 || text.charCodeAt(scanEnd) !== 44) return false;
  const branch = scanDigits(text, scanEnd + 1, end, 3);
  if (branch < 0 || text.charCodeAt(scanEnd) !== 44) return false;
  let taken = 0;
  if (text.charCodeAt(scanEnd + 1) === 45 && scanEnd + 2 === end) {
    taken = 0; // '-': the block never ran
  } else {
    taken = scanDigits(text, scanEnd + 1, end, 15);
    if (taken < 0 || scanEnd !== end) return false;
  }
  record.branches.add((line * 2 ** 16 + block) * 2 ** 10 + branch, taken > 0);
  return true;
}

/**
 * Packs line, block and branch numbers into one key (25 + 16 + 10 bits, below 2^51) so a
 * file's branches sort by line and encode in a few bytes each; anything else (lcov 2's `e`
 * exception blocks, branch expressions, huge numbers) is hashed into [2^51, 2^52).
 */
function branchKey(line: number, block: string, branch: string): number {
  const blockNumber = /^\d{1,5}$/.test(block) ? Number(block) : -1;
  const branchNumber = /^\d{1,4}$/.test(branch) ? Number(branch) : -1;
  if (line < 2 ** 25 && blockNumber >= 0 && blockNumber < 2 ** 16 && branchNumber >= 0) {
    if (branchNumber < 2 ** 10) return (line * 2 ** 16 + blockNumber) * 2 ** 10 + branchNumber;
  }
  return 2 ** 51 + (hashKey(`${line},${block},${branch}`) % 2 ** 51);
}

/**
 * An lcov tracefile opens with TN:, SF: or VER: records and names a source file early; every
 * complete line in the head must look like an lcov record (the last may be cut mid-token).
 */
export function detectLcov(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(head.subarray(0, 16 * 1024));
  const lines = text.split('\n');
  if (lines.length > 1) lines.pop();
  let checked = 0;
  let sawSource = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (checked === 0 && !/^(?:TN|SF|VER):/.test(line)) return false;
    if (!RECORD_LINE.test(line)) return false;
    if (line.startsWith('SF:')) sawSource = true;
    if (++checked >= 40) break;
  }
  return sawSource;
}

/**
 * A small validating JSON scanner. It does two jobs JSON.parse cannot: it reads a head of a
 * file that may be cut anywhere (even mid-token) and reports which member paths it saw, for
 * format detection; and on a broken document it names the first problem with its offset and
 * JSON path (`runs[0].results[3].message`), which V8's messages often leave out.
 *
 * Paths are generic for detection (`runs[].tool.driver.name`: every array element is `[]`)
 * and concrete for errors (`runs[0].tool`). It keeps its own stack, so hostile nesting cannot
 * overflow the call stack.
 */

export type JsonPrimitive = string | number | boolean | null;

export interface JsonScanOptions {
  /** Record paths down to this many levels of nesting. */
  maxDepth?: number;
  /** Stop recording after this many distinct paths. */
  maxPaths?: number;
}

export interface JsonScanProblem {
  offset: number;
  /** Concrete JSON path of the value being read, `` for the root. */
  path: string;
  message: string;
  /** The text ended before the value did (a cut-off head, or a truncated file). */
  truncated: boolean;
}

export interface JsonScan {
  root: 'object' | 'array' | 'other' | undefined;
  /** Generic member paths seen, `runs`, `runs[]`, `runs[].tool`. */
  paths: Set<string>;
  /** The first primitive value seen at each generic path. */
  values: Map<string, JsonPrimitive>;
  problem?: JsonScanProblem;
}

interface Frame {
  kind: 'object' | 'array';
  generic: string;
  state: 'start' | 'key' | 'colon' | 'value' | 'next';
  key: string;
  index: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function scanJson(text: string, options: JsonScanOptions = {}): JsonScan {
  const maxDepth = options.maxDepth ?? 8;
  const maxPaths = options.maxPaths ?? 20_000;
  const scan: JsonScan = { root: undefined, paths: new Set(), values: new Map() };
  const stack: Frame[] = [];
  const length = text.length;
  let i = 0;

  const fail = (message: string, truncated = false): JsonScan => {
    scan.problem = { offset: Math.min(i, length), path: concretePath(stack), message, truncated };
    return scan;
  };
  const failAt = (problem: StringProblem): JsonScan => {
    i = problem.at;
    return fail(problem.message, problem.truncated);
  };
  const found = (): string => (i >= length ? 'the end of the text' : describeChar(text, i));
  const record = (generic: string, value?: JsonPrimitive): void => {
    if (stack.length > maxDepth || scan.paths.size >= maxPaths) return;
    if (!scan.paths.has(generic)) {
      scan.paths.add(generic);
      if (value !== undefined) scan.values.set(generic, value);
    }
  };

  i = skipSpace(text, i);
  if (i < length && text.charCodeAt(i) === 0xfeff) i = skipSpace(text, i + 1);
  if (i >= length) return fail('the text holds no JSON value', true);

  for (;;) {
    const frame = stack[stack.length - 1];
    i = skipSpace(text, i);
    if (i >= length) {
      return frame
        ? fail(`the text ends inside ${frame.kind === 'object' ? 'an object' : 'an array'}`, true)
        : scan;
    }
    const code = text.charCodeAt(i);

    if (frame === undefined) {
      if (scan.root !== undefined) return fail(`expected the end of the text, found ${found()}`);
    } else if (frame.kind === 'object') {
      if (frame.state === 'start' || frame.state === 'key') {
        if (code === 0x7d /* } */ && frame.state === 'start') {
          i++;
          stack.pop();
          continue;
        }
        if (code !== 0x22)
          return fail(`expected a property name in double quotes, found ${found()}`);
        const end = stringEnd(text, i);
        if (typeof end !== 'number') return failAt(end);
        frame.key = stringValue(text, i, end);
        frame.state = 'colon';
        i = end;
        continue;
      }
      if (frame.state === 'colon') {
        if (code !== 0x3a /* : */)
          return fail(`expected ':' after a property name, found ${found()}`);
        i++;
        frame.state = 'value';
        continue;
      }
      if (frame.state === 'next') {
        if (code === 0x2c /* , */) {
          i++;
          frame.state = 'key';
          continue;
        }
        if (code === 0x7d) {
          i++;
          stack.pop();
          continue;
        }
        return fail(`expected ',' or '}' after a property value, found ${found()}`);
      }
    } else {
      if (frame.state === 'start' && code === 0x5d /* ] */) {
        i++;
        stack.pop();
        continue;
      }
      if (frame.state === 'next') {
        if (code === 0x2c) {
          i++;
          frame.state = 'value';
          frame.index++;
          continue;
        }
        if (code === 0x5d) {
          i++;
          stack.pop();
          continue;
        }
        return fail(`expected ',' or ']' after an array element, found ${found()}`);
      }
    }

    // A value starts here: the root, a property value, or an array element.
    const generic =
      frame === undefined
        ? ''
        : frame.kind === 'object'
          ? joinKey(frame.generic, frame.key)
          : `${frame.generic}[]`;
    if (frame) frame.state = 'next';
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const kind = code === 0x7b ? 'object' : 'array';
      if (frame === undefined) scan.root = kind;
      else record(generic);
      stack.push({ kind, generic, state: 'start', key: '', index: 0 });
      i++;
      continue;
    }
    let value: JsonPrimitive;
    if (code === 0x22) {
      const end = stringEnd(text, i);
      if (typeof end !== 'number') return failAt(end);
      value = stringValue(text, i, end);
      i = end;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) return fail(`a number is not written correctly: ${found()}`, i + 1 >= length);
      i += match[0].length;
      value = Number(match[0]);
    } else {
      const literal = (['true', 'false', 'null'] as const).find((word) =>
        text.startsWith(word.slice(0, Math.min(word.length, length - i)), i),
      );
      if (literal === undefined) return fail(`expected a value, found ${found()}`);
      if (length - i < literal.length) {
        i = length;
        return fail('the text ends inside a literal', true);
      }
      i += literal.length;
      value = literal === 'null' ? null : literal === 'true';
    }
    if (frame === undefined) scan.root = 'other';
    else record(generic, value);
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
  }
  return i;
}

interface StringProblem {
  at: number;
  message: string;
  truncated: boolean;
}

/** The offset just past the closing quote of the string at `start`, or what is wrong with it. */
function stringEnd(text: string, start: number): number | StringProblem {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) {
      const message = `a string holds an unescaped control character (U+${hex4(code)})`;
      return { at: i, message, truncated: false };
    }
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === undefined) break;
      if (next === 'u') {
        const digits = text.slice(i + 2, i + 6);
        if (digits.length < 4 && i + 2 + digits.length >= text.length) break;
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
          const message = 'a string holds a \\u escape without four hex digits';
          return { at: i, message, truncated: false };
        }
        i += 5;
      } else if ('"\\/bfnrt'.includes(next)) {
        i++;
      } else {
        return { at: i, message: `a string holds an unknown escape \\${next}`, truncated: false };
      }
    }
  }
  return { at: text.length, message: 'the text ends inside a string', truncated: true };
}

function stringValue(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

function joinKey(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function concretePath(stack: readonly Frame[]): string {
  let path = '';
  for (const frame of stack) {
    if (frame.kind === 'array') {
      if (frame.state !== 'start') path += `[${frame.index}]`;
    } else if (frame.state !== 'start' && frame.state !== 'key') {
      path += /^[A-Za-z_$][\w$-]*$/.test(frame.key)
        ? `${path === '' ? '' : '.'}${frame.key}`
        : `[${JSON.stringify(frame.key.length > 128 ? `${frame.key.slice(0, 127)}…` : frame.key)}]`;
    }
  }
  return path;
}

function describeChar(text: string, offset: number): string {
  const char = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${hex4(code)}` : `'${char}'`;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

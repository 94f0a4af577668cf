/**
 * For tests only: a second, deliberately different reading of a JUnit file, so the parser's
 * figures can be checked against something other than themselves. It works on the whole text
 * with regular expressions (no XML parser, no streaming) and knows only the counting rules the
 * summary documents: each `<testcase>` is one case; error beats failure beats skipped; without
 * such a child, `status`/`result` attributes decide; Surefire flaky/rerun elements alone mean a
 * flaky pass; a `<failure>`/`<error>` directly in a `<testsuite>` is one more case.
 */
export interface OracleCounts {
  tests: number;
  failed: number;
  errored: number;
  skipped: number;
  flaky: number;
  suites: number;
  /** Sum of the usable case times (null when no case has one). */
  caseSeconds: number | null;
  /** `name|status` of every case, in document order. */
  cases: string[];
  /** Attributes of the document element. */
  root: { name: string; attributes: Record<string, string> };
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function oracleCounts(xml: string): OracleCounts {
  const text = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/g, '');
  const counts: OracleCounts = {
    tests: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    flaky: 0,
    suites: 0,
    caseSeconds: null,
    cases: [],
    root: { name: '', attributes: {} },
  };
  const stack: string[] = [];
  let open: { name: string; attributes: Record<string, string>; kinds: Set<string> } | undefined;
  let openDepth = -1;
  const finish = () => {
    if (!open) return;
    const { kinds, attributes } = open;
    let status = 'passed';
    if (kinds.has('error')) status = 'errored';
    else if (kinds.has('failure')) status = 'failed';
    else if (kinds.has('skipped')) status = 'skipped';
    else status = fromAttributes(attributes.status, attributes.result);
    counts.tests++;
    if (status !== 'passed') counts[status as 'failed' | 'errored' | 'skipped']++;
    else if (kinds.has('rerun')) counts.flaky++;
    const time = attributes.time === undefined ? Number.NaN : Number(attributes.time);
    if (attributes.time?.trim() && time >= 0 && Number.isFinite(time))
      counts.caseSeconds = (counts.caseSeconds ?? 0) + time;
    counts.cases.push(`${open.name}|${status}`);
    open = undefined;
    openDepth = -1;
  };
  for (const match of text.matchAll(TAG)) {
    const [, closing, name = '', rawAttributes = '', selfClosing] = match;
    if (closing) {
      stack.pop();
      if (stack.length === openDepth) finish();
      continue;
    }
    const attributes = parseAttributes(rawAttributes);
    const parent = stack.at(-1);
    if (stack.length === 0) counts.root = { name, attributes };
    if (name === 'testsuite' && !open) counts.suites++;
    if (name === 'testcase' && !open) {
      open = { name: attributes.name ?? '', attributes, kinds: new Set() };
      openDepth = stack.length;
    } else if (open && stack.length === openDepth + 1) {
      if (name === 'failure' || name === 'error' || name === 'skipped') open.kinds.add(name);
      if (/^(flaky|rerun)(Failure|Error)$/.test(name)) open.kinds.add('rerun');
    } else if (!open && parent === 'testsuite' && (name === 'failure' || name === 'error')) {
      open = { name: '(suite)', attributes: {}, kinds: new Set([name]) };
      openDepth = stack.length;
    }
    stack.push(name);
    if (selfClosing) {
      stack.pop();
      if (stack.length === openDepth) finish();
    }
  }
  return counts;
}

function fromAttributes(status: string | undefined, result: string | undefined): string {
  const value = status?.toLowerCase() ?? '';
  if (['failed', 'failure', 'fail'].includes(value)) return 'failed';
  if (['error', 'errored'].includes(value)) return 'errored';
  if (['skipped', 'skip', 'disabled', 'notrun', 'ignored'].includes(value)) return 'skipped';
  if (['skipped', 'suppressed'].includes(result?.toLowerCase() ?? '')) return 'skipped';
  return 'passed';
}

function parseAttributes(raw: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [, name = '', double, single] of raw.matchAll(ATTRIBUTE)) {
    attributes[name] = decodeEntities((double ?? single ?? '').replace(/\r\n?/g, '\n'));
  }
  return attributes;
}

/** XML 1.0 §3.3.3: literal white space in an attribute becomes a space; references do not. */
function decodeEntities(value: string): string {
  return value
    .replace(/[\t\n\r]/g, ' ')
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
      if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref] as string;
    });
}

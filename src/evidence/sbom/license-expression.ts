import { SPDX_EXCEPTION_IDS, SPDX_LICENSE_IDS } from './spdx-license-list.ts';

export type LicenseExpression =
  /** A valid expression, re-written canonically; `unknownIds` are not on the SPDX License List. */
  | { kind: 'expression'; expression: string; unknownIds: string[] }
  /** SPDX's NOASSERTION: the author makes no claim about the license. */
  | { kind: 'noAssertion' }
  /** SPDX's NONE: there is no license. */
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string };

type Node =
  | { op: 'license'; text: string }
  | { op: 'with'; license: Node; exception: string }
  | { op: 'and' | 'or'; left: Node; right: Node };

const ID = /^[A-Za-z0-9.-]+\+?$/;
const LICENSE_REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;
const ADDITION_REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?AdditionRef-[A-Za-z0-9.-]+$/;

/**
 * Parses an SPDX license expression (SPDX 2.3 Annex D; the same grammar in SPDX 3) and writes it
 * back in one canonical form, so `mit`, `(MIT)` and `MIT` count as one license: ids in the
 * License List's spelling (ids match case-insensitively, D.2), operators in upper case, and
 * parentheses only where precedence needs them (WITH binds tighter than AND, AND than OR, D.4).
 */
export function parseLicenseExpression(text: string): LicenseExpression {
  const trimmed = text.trim();
  if (trimmed === 'NOASSERTION') return { kind: 'noAssertion' };
  if (trimmed === 'NONE') return { kind: 'none' };
  if (trimmed === '') return { kind: 'invalid', reason: 'it is empty' };
  const tokens = trimmed
    .replace(/[()]/g, ' $& ')
    .split(/\s+/)
    .filter((token) => token !== '');
  const unknownIds: string[] = [];
  let at = 0;

  const fail = (reason: string): never => {
    throw new ExpressionError(reason);
  };
  const peekOperator = (name: string) => tokens[at]?.toUpperCase() === name;
  const primary = (): Node => {
    const token = tokens[at++];
    if (token === undefined) return fail('it ends where a license was expected');
    if (token === '(') {
      const inner = orExpression();
      if (tokens[at++] !== ')') fail('a parenthesis is not closed');
      return inner;
    }
    if (token === ')' || isOperator(token))
      return fail(`"${token}" stands where a license was expected`);
    return { op: 'license', text: licenseId(token) };
  };
  const licenseId = (token: string): string => {
    if (LICENSE_REF.test(token)) return token;
    if (!ID.test(token)) return fail(`"${token}" is not a license id`);
    const plus = token.endsWith('+');
    const bare = plus ? token.slice(0, -1) : token;
    const known = SPDX_LICENSE_IDS.get(bare.toLowerCase());
    if (known === undefined && !unknownIds.includes(bare)) unknownIds.push(bare);
    return `${known ?? bare}${plus ? '+' : ''}`;
  };
  const withExpression = (): Node => {
    const license = primary();
    if (!peekOperator('WITH')) return license;
    at++;
    const token = tokens[at++];
    if (token === undefined || token === '(' || token === ')' || isOperator(token))
      return fail('WITH is not followed by an exception id');
    if (license.op !== 'license') return fail('WITH follows a parenthesized expression');
    if (ADDITION_REF.test(token)) return { op: 'with', license, exception: token };
    if (!ID.test(token) || token.endsWith('+')) return fail(`"${token}" is not an exception id`);
    const known = SPDX_EXCEPTION_IDS.get(token.toLowerCase());
    if (known === undefined && !unknownIds.includes(token)) unknownIds.push(token);
    return { op: 'with', license, exception: known ?? token };
  };
  const andExpression = (): Node => {
    let left = withExpression();
    while (peekOperator('AND')) {
      at++;
      left = { op: 'and', left, right: withExpression() };
    }
    return left;
  };
  const orExpression = (): Node => {
    let left = andExpression();
    while (peekOperator('OR')) {
      at++;
      left = { op: 'or', left, right: andExpression() };
    }
    return left;
  };

  try {
    const tree = orExpression();
    if (at < tokens.length) fail(`"${tokens[at]}" is out of place`);
    return { kind: 'expression', expression: render(tree), unknownIds };
  } catch (error) {
    if (error instanceof ExpressionError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

class ExpressionError extends Error {}

function isOperator(token: string): boolean {
  const upper = token.toUpperCase();
  return upper === 'AND' || upper === 'OR' || upper === 'WITH';
}

function render(node: Node): string {
  switch (node.op) {
    case 'license':
      return node.text;
    case 'with':
      return `${render(node.license)} WITH ${node.exception}`;
    case 'and':
      return `${renderOperand(node.left)} AND ${renderOperand(node.right)}`;
    case 'or':
      return `${render(node.left)} OR ${render(node.right)}`;
  }
}

/** An OR inside an AND keeps its parentheses; everything else binds tighter already. */
function renderOperand(node: Node): string {
  return node.op === 'or' ? `(${render(node)})` : render(node);
}

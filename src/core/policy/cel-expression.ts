import {
  type CelResult,
  celEnv,
  celError,
  isCelError,
  isCelList,
  isCelMap,
  parse,
  plan,
  unparse,
} from '@bufbuild/cel';
import { z } from 'zod';
import type { EvidenceKind } from '../evidence-record.ts';
import { kindFromCelName, SUMMARY_FIELDS } from './summary-fields.ts';

type ParsedExpr = ReturnType<typeof parse>;
export type CelExpr = ParsedExpr['expr'];
type Program = (bindings: Record<string, unknown>) => CelResult;

/** One `evidence.<kind>.<field>` the expression reads; `field` absent for `evidence.<kind>`. */
export interface EvidenceRead {
  kind: EvidenceKind;
  field?: string;
  /** Inside `has(…)`: absence is an answer, not a fault. */
  testOnly: boolean;
}

export interface CompiledExpression {
  source: string;
  parsed: ParsedExpr;
  reads: EvidenceRead[];
  /** Evidence kinds read, sorted, once each. */
  kinds: EvidenceKind[];
  run: Program;
}

/** A problem in an expression; `offset` is the character in the expression where it starts. */
export interface ExpressionProblem {
  offset: number;
  message: string;
}

export type CompileResult =
  | { expression: CompiledExpression }
  | { problems: ExpressionProblem[]; expression?: undefined };

export interface ExpressionScope {
  /** Top-level variables the expression may name, with a word on each for messages. */
  variables: readonly string[];
}

const env = celEnv();

// Policies are few and their expressions are evaluated on every gate request; compiling once
// per distinct source keeps a gate evaluation to planned-program calls. Bounded so that a
// stream of distinct policies cannot grow memory without limit.
const CACHE_LIMIT = 2_000;
const cache = new Map<string, CompileResult>();

/**
 * Parses a CEL expression and checks what it names: only the scope's top-level variables,
 * and under `evidence` only known kinds and the fields SUMMARY_FIELDS lists for them. Every
 * problem is reported, each with its offset.
 */
export function compileExpression(source: string, scope: ExpressionScope): CompileResult {
  const key = `${scope.variables.join(',')}\u0000${source}`;
  const known = cache.get(key);
  if (known) return known;
  const result = compileUncached(source, scope);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}

function compileUncached(source: string, scope: ExpressionScope): CompileResult {
  let parsed: ParsedExpr;
  try {
    parsed = parse(source);
  } catch (error) {
    return { problems: [syntaxProblem(source, error)] };
  }
  const problems: ExpressionProblem[] = [];
  const reads: EvidenceRead[] = [];
  const allowed = new Set(scope.variables);
  const offsetOf = (expr: CelExpr): number => parsed.sourceInfo?.positions[String(expr.id)] ?? 0;

  const visit = (expr: CelExpr, bound: ReadonlySet<string>): void => {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!bound.has(kind.value.name) && !allowed.has(kind.value.name)) {
          problems.push({
            offset: offsetOf(expr),
            message: `unknown variable '${kind.value.name}' (known: ${scope.variables.join(', ')})`,
          });
        }
        return;
      case 'selectExpr': {
        const chain = selectChain(expr);
        if (
          chain &&
          chain.root === 'evidence' &&
          !bound.has('evidence') &&
          allowed.has('evidence')
        ) {
          checkEvidenceChain(chain, kind.value.testOnly);
          return;
        }
        if (kind.value.operand) visit(kind.value.operand, bound);
        return;
      }
      case 'callExpr':
        if (kind.value.target) visit(kind.value.target, bound);
        for (const arg of kind.value.args) visit(arg, bound);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) visit(element, bound);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, bound);
          if (entry.value) visit(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        if (c.iterRange) visit(c.iterRange, bound);
        if (c.accuInit) visit(c.accuInit, bound);
        const inner = new Set(bound);
        for (const name of [c.iterVar, c.iterVar2, c.accuVar]) if (name) inner.add(name);
        for (const part of [c.loopCondition, c.loopStep, c.result]) if (part) visit(part, inner);
        return;
      }
      default:
        return;
    }
  };

  // A select's position is its dot; the name it selects starts one further.
  const nameOffset = (node: CelExpr | undefined): number => (node ? offsetOf(node) + 1 : 0);
  const checkEvidenceChain = (chain: SelectChain, testOnly: boolean): void => {
    const [kindName, field] = chain.fields;
    if (kindName === undefined) return;
    let offset = nameOffset(chain.nodes[0]);
    const kind = kindFromCelName(kindName);
    if (kind === undefined) {
      problems.push({
        offset,
        message: `unknown evidence kind '${kindName}' in evidence.${kindName}`,
      });
      return;
    }
    if (field === undefined) {
      reads.push({ kind, testOnly });
      return;
    }
    const fields = SUMMARY_FIELDS[kind].fields;
    offset = nameOffset(chain.nodes[1]);
    if (!Object.hasOwn(fields, field)) {
      const names = Object.keys(fields);
      problems.push({
        offset,
        message:
          names.length === 0
            ? `${kind} evidence has no summary fields a rule can read (evidence.${kindName}.${field}); require the kind instead`
            : `the ${kind} summary has no field '${field}' (evidence.${kindName}.${field}); it has ${names.join(', ')}`,
      });
      return;
    }
    reads.push({ kind, field, testOnly: testOnly && chain.fields.length === 2 });
  };

  visit(parsed.expr, new Set());
  if (problems.length > 0) return { problems };
  const kinds = [...new Set(reads.map((read) => read.kind))].sort();
  const program = plan(env, parsed) as Program;
  return { expression: { source, parsed, reads, kinds, run: program } };
}

interface SelectChain {
  root: string;
  fields: string[];
  /** The select node of each field, for positions. */
  nodes: CelExpr[];
}

/** `evidence.junit.failed` → { root: 'evidence', fields: ['junit', 'failed'] }. */
function selectChain(expr: CelExpr): SelectChain | undefined {
  const fields: string[] = [];
  const nodes: CelExpr[] = [];
  let node: CelExpr | undefined = expr;
  while (node?.exprKind.case === 'selectExpr') {
    fields.unshift(node.exprKind.value.field);
    nodes.unshift(node);
    node = node.exprKind.value.operand;
  }
  if (node?.exprKind.case !== 'identExpr') return undefined;
  return { root: node.exprKind.value.name, fields, nodes };
}

function syntaxProblem(source: string, error: unknown): ExpressionProblem {
  const message = error instanceof Error ? error.message : String(error);
  // The parser reports `<input>:1:23: found = but expecting end of input`.
  const match = /^<input>:(\d+):(\d+): (.*)$/s.exec(message);
  if (!match) return { offset: 0, message: `CEL syntax error: ${message}` };
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const lineStart = lineStarts[Number(match[1]) - 1] ?? 0;
  return {
    offset: Math.min(source.length, lineStart + Math.max(0, Number(match[2]) - 1)),
    message: `CEL syntax error: ${match[3]}`,
  };
}

export type EvaluationResult =
  | { value: true }
  | { value: false; reason: string }
  | { value: 'error'; reason: string };

/**
 * Runs a compiled expression that should yield a bool. Never throws: a CEL error or a
 * non-bool result comes back as `error` with a reason naming what the expression read.
 */
export function evaluateCondition(
  expression: CompiledExpression,
  bindings: Record<string, unknown>,
): EvaluationResult {
  const result = safeRun(expression.run, bindings);
  if (result === true) return { value: true };
  if (result === false) return { value: false, reason: explainFalse(expression, bindings) };
  if (isCelError(result)) {
    return {
      value: 'error',
      reason: `could not evaluate \`${expression.source}\`: ${result.message}${readsSuffix(expression.parsed.expr, bindings)}`,
    };
  }
  return {
    value: 'error',
    reason: `\`${expression.source}\` gave ${formatValue(result)}, not true or false`,
  };
}

function safeRun(program: Program, bindings: Record<string, unknown>): unknown {
  try {
    return program(bindings);
  } catch (error) {
    // The planner reports faults as values; this guards the "never throws" promise anyway.
    return celError(error);
  }
}

const NEGATED: Readonly<Record<string, string>> = {
  '_==_': '!=',
  '_!=_': '==',
  '_<_': '>=',
  '_<=_': '>',
  '_>_': '<=',
  '_>=_': '<',
};

/**
 * Says why an expression is false in terms of the figures it read: each false conjunct of a
 * top-level `&&` becomes `coverage.lines 0.71 < 0.80`, or, for anything but a comparison,
 * the conjunct and the evidence values it read.
 */
function explainFalse(expression: CompiledExpression, bindings: Record<string, unknown>): string {
  const reasons: string[] = [];
  for (const conjunct of conjuncts(expression.parsed.expr)) {
    const value = safeRun(plan(env, conjunct) as Program, bindings);
    if (value === true) continue;
    reasons.push(explainConjunct(expression, conjunct, bindings));
  }
  return reasons.length > 0 ? reasons.join('; ') : `\`${expression.source}\` is false`;
}

function conjuncts(expr: CelExpr): CelExpr[] {
  const kind = expr.exprKind;
  if (kind.case === 'callExpr' && kind.value.function === '_&&_' && !kind.value.target) {
    return kind.value.args.flatMap(conjuncts);
  }
  return [expr];
}

function explainConjunct(
  expression: CompiledExpression,
  expr: CelExpr,
  bindings: Record<string, unknown>,
): string {
  const kind = expr.exprKind;
  if (kind.case === 'callExpr' && !kind.value.target && kind.value.args.length === 2) {
    const negated = NEGATED[kind.value.function];
    const [left, right] = kind.value.args;
    if (negated && left && right) {
      return `${describeOperand(expression, left, bindings)} ${negated} ${describeOperand(expression, right, bindings)}`;
    }
  }
  const chain = selectChain(expr);
  if (chain) {
    const value = safeRun(plan(env, expr) as Program, bindings);
    return `${label(chain)} is ${isCelError(value) ? `unreadable (${value.message})` : formatValue(value)}`;
  }
  return `\`${safeUnparse(expr)}\` is false${readsSuffix(expr, bindings)}`;
}

/** A literal as written (`0.80`), a path with its value (`coverage.lines 0.71`), else the value. */
function describeOperand(
  expression: CompiledExpression,
  expr: CelExpr,
  bindings: Record<string, unknown>,
): string {
  if (expr.exprKind.case === 'constExpr') return literalText(expression, expr);
  const value = safeRun(plan(env, expr) as Program, bindings);
  const shown = isCelError(value) ? `(${value.message})` : formatValue(value);
  const chain = selectChain(expr);
  if (chain) return `${label(chain)} ${shown}`;
  if (expr.exprKind.case === 'identExpr') return `${expr.exprKind.value.name} ${shown}`;
  return `${safeUnparse(expr)} = ${shown}`;
}

function label(chain: SelectChain): string {
  if (chain.root !== 'evidence') return [chain.root, ...chain.fields].join('.');
  const [kindName = '', ...rest] = chain.fields;
  return [kindFromCelName(kindName) ?? kindName, ...rest].join('.');
}

function literalText(expression: CompiledExpression, expr: CelExpr): string {
  const offset = expression.parsed.sourceInfo?.positions[String(expr.id)];
  if (offset !== undefined) {
    const token = /^-?(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)[uU]?/.exec(
      expression.source.slice(offset),
    );
    if (token) return token[0];
  }
  return safeUnparse(expr);
}

/** ` (read coverage.lines = 0.71, junit.failed = 2)`, for the evidence paths under `expr`. */
function readsSuffix(expr: CelExpr, bindings: Record<string, unknown>): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const walk = (node: CelExpr): void => {
    const chain = selectChain(node);
    if (chain && chain.root === 'evidence' && chain.fields.length >= 2) {
      const name = label(chain);
      if (!seen.has(name)) {
        seen.add(name);
        const value = safeRun(plan(env, node) as Program, bindings);
        parts.push(`${name} = ${isCelError(value) ? '(missing)' : formatValue(value)}`);
      }
      return;
    }
    for (const child of children(node)) walk(child);
  };
  walk(expr);
  return parts.length > 0 ? ` (read ${parts.join(', ')})` : '';
}

function children(expr: CelExpr): CelExpr[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      return kind.value.operand ? [kind.value.operand] : [];
    case 'callExpr':
      return [...(kind.value.target ? [kind.value.target] : []), ...kind.value.args];
    case 'listExpr':
      return kind.value.elements;
    case 'comprehensionExpr':
      return kind.value.iterRange ? [kind.value.iterRange] : [];
    default:
      return [];
  }
}

function safeUnparse(expr: CelExpr): string {
  try {
    return unparse(expr);
  } catch {
    return '(expression)';
  }
}

/** A value for a person: numbers rounded to 4 places, strings quoted, collections counted. */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 10_000) / 10_000);
  }
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  if (value === null || typeof value === 'boolean') return String(value);
  if (isCelList(value)) return `a list of ${value.size}`;
  if (isCelMap(value)) return `a map of ${value.size}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object' ? 'a map' : String(value);
}

/**
 * A zod string that must compile as a CEL condition over `variables`. Each expression problem
 * becomes an issue carrying its offset (and line inside a multi-line expression) in `params`,
 * so the YAML layer can point at the column.
 */
export function celConditionSchema(variables: readonly string[]) {
  return z
    .string()
    .min(1, 'an empty condition')
    .superRefine((source, context) => {
      const compiled = compileExpression(source, { variables });
      if (compiled.expression) return;
      for (const problem of compiled.problems) {
        context.addIssue({
          code: 'custom',
          message: problem.message,
          params: { celOffset: problem.offset },
        });
      }
    });
}

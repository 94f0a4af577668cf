import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import { type core, z } from 'zod';
import { EVIDENCE_KINDS } from '../evidence-record.ts';
import { riskModelSchema } from '../risk/risk-model.ts';
import { celConditionSchema } from './cel-expression.ts';

/** Why a change exists decides its path as much as its risk does (issue 4). */
export const CHANGE_TYPES = ['code', 'config', 'operational', 'flag', 'emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** What a rule's `when` may name. */
export const RULE_VARIABLES = ['evidence', 'change', 'release', 'environment', 'risk'] as const;

/** A policy is a page of YAML, not a data set; anything larger is refused before parsing. */
export const MAX_POLICY_BYTES = 1024 * 1024; // 1 MiB

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const evidenceKindSchema = z.enum(EVIDENCE_KINDS, {
  error: (issue) =>
    `unknown evidence kind ${JSON.stringify(issue.input)} (known: ${EVIDENCE_KINDS.join(', ')})`,
});

const ruleSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'a rule id is lower-case letters, digits, ".", "_" and "-"'),
  when: celConditionSchema(RULE_VARIABLES),
  description: z.string().min(1, 'say what the rule protects against'),
  /** The kind the rule is about, when `when` does not name it (it is missing-evidence if absent). */
  evidence: evidenceKindSchema.optional(),
});

const approvalSchema = z.strictObject({
  role: z.string().regex(ID_PATTERN, 'a role is lower-case letters, digits, ".", "_" and "-"'),
  count: z.number().int().min(1).max(20).default(1),
});

const requirementFields = {
  evidence: z.array(evidenceKindSchema),
  rules: z.array(ruleSchema),
  approvals: z.array(approvalSchema),
};

/** What one change type needs in one tier. */
const requirementsSchema = z.strictObject({
  evidence: requirementFields.evidence.default([]),
  rules: requirementFields.rules.default([]),
  approvals: requirementFields.approvals.default([]),
});

/** A change type's block replaces the `default` block field by field: what it omits it inherits. */
const overrideSchema = z.strictObject({
  evidence: requirementFields.evidence.optional(),
  rules: requirementFields.rules.optional(),
  approvals: requirementFields.approvals.optional(),
});

const tierSchema = z.strictObject({
  default: requirementsSchema,
  code: overrideSchema.optional(),
  config: overrideSchema.optional(),
  operational: overrideSchema.optional(),
  flag: overrideSchema.optional(),
  emergency: overrideSchema.optional(),
});

const environmentSchema = z.strictObject({
  /** The change must carry a risk assessment; without one the gate blocks. */
  requireTier: z.boolean().default(false),
  /** Environments the release must have passed before this one. */
  promoteFrom: z.array(z.string().regex(ID_PATTERN, 'not an environment name')).default([]),
});

export const policySchema = z
  .strictObject({
    version: z.literal(1, 'this Dossier reads policy version 1'),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    risk: riskModelSchema,
    tiers: z.record(z.string(), tierSchema),
    separationOfDuties: z
      .strictObject({
        /** May the release's author sign one of its approvals? */
        authorMayApprove: z.boolean().default(false),
        /** May one person fill two roles' approvals on the same release? */
        oneRolePerSigner: z.boolean().default(true),
      })
      .default({ authorMayApprove: false, oneRolePerSigner: true }),
    /** Who may approve an exception (waiver), and for how long one may run at most. */
    exceptions: z
      .strictObject({
        approverRoles: z
          .array(z.string().regex(ID_PATTERN, 'not a role name'))
          .min(1, 'name at least one role')
          .default(['qa']),
        maxDays: z.number().int().min(1).max(366).default(90),
      })
      .default({ approverRoles: ['qa'], maxDays: 90 }),
    environments: z.record(
      z.string().regex(ID_PATTERN, 'not an environment name'),
      environmentSchema,
    ),
  })
  // Cross-field checks read the raw input defensively so they report alongside field errors.
  .superRefine(checkConsistency, { when: () => true });

export type PolicyDocument = z.output<typeof policySchema>;
export type PolicyRule = z.output<typeof ruleSchema>;
export type PolicyApproval = z.output<typeof approvalSchema>;
export type PolicyRequirements = z.output<typeof requirementsSchema>;
export type PolicyTier = z.output<typeof tierSchema>;
export type PolicyEnvironment = z.output<typeof environmentSchema>;

/** A validated policy and the sha256 of the exact text it came from. */
export interface Policy {
  document: PolicyDocument;
  sha256: string;
}

export interface PolicyProblem {
  /** 1-based line and column in the YAML text. */
  line: number;
  column: number;
  /** `tiers.high.code.rules[1].when`; empty for the document as a whole. */
  path: string;
  message: string;
}

export type ParsePolicyResult =
  | { policy: Policy; problems?: undefined }
  | { problems: PolicyProblem[]; policy?: undefined };

/**
 * Reads a policy document. Never throws on bad input: every problem found in the pass comes
 * back, each with its line, column and field, so a bad policy is refused whole rather than
 * half-applied.
 */
export function parsePolicy(yamlText: string): ParsePolicyResult {
  if (new TextEncoder().encode(yamlText).length > MAX_POLICY_BYTES) {
    return {
      problems: [
        { line: 1, column: 1, path: '', message: `a policy is at most ${MAX_POLICY_BYTES} bytes` },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        path: '',
        message: `YAML: ${error.message.split('\n')[0] ?? error.code}`,
      })),
    };
  }
  let data: unknown;
  try {
    // YAML aliases can expand exponentially ("billion laughs"); the bound refuses that.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      problems: [{ line: 1, column: 1, path: '', message: `YAML: ${(error as Error).message}` }],
    };
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    const locate = locator(doc.contents, yamlText, lineCounter);
    const problems = parsed.error.issues.flatMap((issue) => toProblems(issue, locate));
    return { problems: sortProblems(problems) };
  }
  return {
    policy: {
      document: parsed.data,
      sha256: createHash('sha256').update(yamlText, 'utf8').digest('hex'),
    },
  };
}

/** The requirements for one change type in one tier: its own fields over the tier's default. */
export function requirementsFor(
  tier: PolicyTier,
  changeType: ChangeType | null,
): PolicyRequirements {
  const own = changeType === null ? undefined : tier[changeType];
  return {
    evidence: own?.evidence ?? tier.default.evidence,
    rules: own?.rules ?? tier.default.rules,
    approvals: own?.approvals ?? tier.default.approvals,
  };
}

type PathSegment = PropertyKey;
type Locate = (
  path: readonly PathSegment[],
  celOffset?: number,
) => { line: number; column: number };

function toProblems(issue: core.$ZodIssue, locate: Locate): PolicyProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { ...locate(path), path: formatPath(path), message: `unknown field '${key}'` };
    });
  }
  const params =
    issue.code === 'custom' ? (issue.params as { celOffset?: number } | undefined) : undefined;
  const position = locate(issue.path, params?.celOffset);
  const message =
    issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
      ? `missing required field '${String(issue.path[issue.path.length - 1])}'`
      : issue.message;
  return [{ ...position, path: formatPath(issue.path), message }];
}

/**
 * Maps a schema path to a place in the text. A path that does not exist (a missing field)
 * points at the nearest node that does. For a CEL problem the column is moved to the offending
 * character when the expression sits on one line or in a literal block (`|`).
 */
function locator(root: unknown, text: string, lineCounter: LineCounter): Locate {
  return (path, celOffset) => {
    let node = root as Node | null | undefined;
    let keyNode: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value as Node | null;
        if (!node) {
          node = keyNode;
          break;
        }
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        node = node.items[segment] as Node;
        keyNode = undefined;
      } else {
        break;
      }
    }
    const offset = node?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
    const start = lineCounter.linePos(offset);
    if (celOffset === undefined || !isScalar(node) || typeof node.value !== 'string') {
      return { line: start.line, column: start.col };
    }
    const before = node.value.slice(0, celOffset).split('\n');
    const column = (before[before.length - 1] ?? '').length;
    switch (node.type) {
      case Scalar.PLAIN:
      case Scalar.QUOTE_DOUBLE:
      case Scalar.QUOTE_SINGLE: {
        // A flow scalar on one line: the expression starts after the quote, if any.
        if (before.length > 1 || text.slice(offset, node.range?.[1]).includes('\n')) {
          return { line: start.line, column: start.col };
        }
        const quote = node.type === Scalar.PLAIN ? 0 : 1;
        return { line: start.line, column: start.col + quote + column };
      }
      case Scalar.BLOCK_LITERAL: {
        // Content starts on the line after the `|` header, at the block's indentation.
        const contentStart = text.indexOf('\n', offset) + 1;
        const indent = /^[ ]*/.exec(text.slice(contentStart))?.[0].length ?? 0;
        const first = lineCounter.linePos(contentStart);
        return { line: first.line + before.length - 1, column: indent + column + 1 };
      }
      default:
        return { line: start.line, column: start.col };
    }
  };
}

function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return problems.sort(
    (a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path),
  );
}

// --- cross-field checks ------------------------------------------------------------------

type Context = z.RefinementCtx<unknown>;

function checkConsistency(input: unknown, context: Context): void {
  const policy = asRecord(input);
  if (!policy) return;
  const tiers = asRecord(policy.tiers);
  const classes = asArray(asRecord(policy.risk)?.classes);
  const classNames = new Set<string>();
  classes?.forEach((riskClass, index) => {
    const name = asRecord(riskClass)?.name;
    if (typeof name !== 'string') return;
    const path = ['risk', 'classes', index, 'name'];
    if (classNames.has(name)) issue(context, path, `risk class '${name}' is named twice`);
    classNames.add(name);
    if (tiers && !Object.hasOwn(tiers, name)) {
      issue(context, path, `risk class '${name}' has no tier under 'tiers'`);
    }
  });
  if (tiers) {
    for (const [tierName, tier] of Object.entries(tiers)) {
      if (classes && !classNames.has(tierName)) {
        issue(
          context,
          ['tiers', tierName],
          `tier '${tierName}' is not a risk class (classes: ${[...classNames].join(', ')})`,
        );
      }
      for (const [block, requirements] of Object.entries(asRecord(tier) ?? {})) {
        checkRequirements(asRecord(requirements), ['tiers', tierName, block], context);
      }
    }
  }
  checkEnvironments(asRecord(policy.environments), context);
}

function checkRequirements(
  requirements: Record<string, unknown> | undefined,
  path: PathSegment[],
  context: Context,
): void {
  if (!requirements) return;
  const unique = (
    list: unknown,
    field: string,
    keyOf: (item: unknown) => unknown,
    what: string,
  ) => {
    const seen = new Set<unknown>();
    asArray(list)?.forEach((item, index) => {
      const key = keyOf(item);
      if (typeof key !== 'string') return;
      if (seen.has(key)) {
        const at = field === 'evidence' ? [...path, field, index] : [...path, field, index, what];
        issue(
          context,
          at,
          `duplicate ${field === 'rules' ? 'rule id' : field === 'approvals' ? 'approval role' : 'evidence kind'} '${key}'`,
        );
      }
      seen.add(key);
    });
  };
  unique(requirements.evidence, 'evidence', (item) => item, '');
  unique(requirements.rules, 'rules', (item) => asRecord(item)?.id, 'id');
  unique(requirements.approvals, 'approvals', (item) => asRecord(item)?.role, 'role');
}

function checkEnvironments(
  environments: Record<string, unknown> | undefined,
  context: Context,
): void {
  if (!environments) return;
  const names = Object.keys(environments);
  const edges = new Map<string, string[]>();
  for (const [name, environment] of Object.entries(environments)) {
    const from = asArray(asRecord(environment)?.promoteFrom) ?? [];
    const targets: string[] = [];
    from.forEach((source, index) => {
      if (typeof source !== 'string') return;
      const path = ['environments', name, 'promoteFrom', index];
      if (source === name) issue(context, path, `environment '${name}' cannot promote from itself`);
      else if (!Object.hasOwn(environments, source)) {
        issue(context, path, `unknown environment '${source}' (environments: ${names.join(', ')})`);
      } else targets.push(source);
    });
    edges.set(name, targets);
  }
  // A cycle would make every environment in it unreachable: each waits for the other.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      issue(
        context,
        ['environments', name, 'promoteFrom'],
        `promoteFrom forms a cycle: ${cycle.join(' → ')}`,
      );
      return;
    }
    state.set(name, 'visiting');
    for (const next of edges.get(name) ?? []) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of names) visit(name, []);
}

function issue(context: Context, path: PathSegment[], message: string): void {
  context.addIssue({ code: 'custom', path, message, input: undefined });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit-log/canonical-json.ts';
import { DossierError } from '../errors.ts';
import type { EvidenceKind } from '../evidence-record.ts';
import { type CompiledExpression, compileExpression, evaluateCondition } from './cel-expression.ts';
import {
  type ChangeType,
  type Policy,
  type PolicyApproval,
  type PolicyRule,
  RULE_VARIABLES,
  requirementsFor,
} from './policy-schema.ts';
import { celKindName, fieldTypeProblem, SUMMARY_FIELDS } from './summary-fields.ts';

/** One evidence record as the gate reads it: what it is and its normalized summary. */
export interface GateEvidence {
  id: string;
  kind: EvidenceKind;
  /** The content digest; part of the decision so a hash names the exact evidence set. */
  sha256: string;
  summary: Readonly<Record<string, unknown>> | null;
}

export interface GateRelease {
  id: string;
  service: string;
  version: string;
  /** Whoever owns the change; separation of duties keeps them off the approvals. */
  author?: string | undefined;
  artifacts?: readonly string[] | undefined;
}

export interface GateChange {
  id: string;
  type: ChangeType;
  /** The change's risk assessment: the computed baseline and a person's choice, if any. */
  risk: { baselineClass: string; chosenClass?: string | null | undefined } | null;
}

/**
 * A signature that is valid for exactly this release state. The approvals issue decides
 * validity (bound hash, training, expiry) and passes in only the ones that hold.
 */
export interface GateApproval {
  id: string;
  role: string;
  signer: string;
}

/** Where an exception applies; every field given must match, and an empty scope matches nothing. */
export interface ExceptionScope {
  releaseId?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
}

/** An approved deviation from one requirement (a rule id, `evidence:<kind>`, `promote-from:<env>`). */
export interface GateException {
  id: string;
  ruleId: string;
  scope: ExceptionScope;
  /** ISO 8601; from this instant on the exception no longer counts. */
  expiresAt: string;
}

/** What happened to this release in an environment. */
export interface EnvironmentPassage {
  environment: string;
  status: 'passed' | 'failed' | 'rolled-back';
  /** ISO 8601; the latest passage per environment decides. */
  at: string;
}

export interface EvaluateGateOptions {
  release: GateRelease;
  change: GateChange | null;
  evidence: readonly GateEvidence[];
  policy: Policy;
  environment: string;
  approvals?: readonly GateApproval[] | undefined;
  exceptions?: readonly GateException[] | undefined;
  environmentHistory: readonly EnvironmentPassage[];
  /** Only exception expiry reads it. */
  now: Date;
}

export const OUTCOME_STATUSES = [
  'passed',
  'failed',
  'missing-evidence',
  'waived',
  'pending-approval',
] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export type RequirementKind =
  | 'environment'
  | 'risk'
  | 'evidence'
  | 'rule'
  | 'approval'
  | 'promotion';

export interface GateOutcome {
  /** A rule id, `evidence:<kind>`, `approval:<role>`, `promote-from:<env>`, `risk-class`, `environment`. */
  id: string;
  requirement: RequirementKind;
  status: OutcomeStatus;
  /** For people: what was found, with the figures (`coverage.lines 0.71 < 0.80`). */
  reason: string;
  /** The evidence records this outcome looked at, sorted. */
  evidenceIds: string[];
  /** The signatures counted for an approval requirement, sorted. */
  approvalIds?: string[];
  /** The exception that waived it. */
  exceptionId?: string;
}

export interface GateDecision {
  decision: 'allowed' | 'blocked';
  releaseId: string;
  environment: string;
  policySha256: string;
  changeId: string | null;
  changeType: ChangeType | null;
  riskClass: string;
  /** Where the tier came from: a person's choice, the computed baseline, or the strictest class. */
  riskClassSource: 'chosen' | 'baseline' | 'strictest';
  /** The evidence set the decision was made on, sorted by id. */
  evidence: Array<{ id: string; kind: EvidenceKind; sha256: string }>;
  outcomes: GateOutcome[];
  /** SHA-256 (hex) of the canonical JSON of every other field. */
  decisionHash: string;
}

/** Outcomes an exception may stand in for. Approvals are never waived: a waiver is not a signature. */
const WAIVABLE: ReadonlySet<RequirementKind> = new Set(['evidence', 'rule', 'promotion']);

/** A rule is checked against each record of each kind it reads; past this many it refuses. */
export const MAX_RULE_COMBINATIONS = 64;

/**
 * Decides whether a release may enter an environment under a policy, and why. Pure and
 * deterministic: the same inputs give the same decision and hash. A blocked gate is an answer,
 * not an error; odd evidence fails the rule that reads it with a reason.
 */
export function evaluateGate(options: EvaluateGateOptions): GateDecision {
  if (Number.isNaN(options.now.getTime())) {
    throw new DossierError('INVALID_INPUT', 'the gate needs a valid evaluation time');
  }
  const { policy, environment } = options;
  const tier = selectTier(options);
  const requirements = requirementsFor(tier.tier, options.change?.type ?? null);
  const evidence = [...options.evidence].sort((a, b) => compare(a.id, b.id));

  const outcomes: GateOutcome[] = [
    checkEnvironment(options),
    tier.outcome,
    ...requirements.evidence.map((kind) => checkEvidencePresent(kind, evidence)),
    ...requirements.rules.map((rule) => checkRule(rule, evidence, options, tier.name)),
    ...checkApprovals(requirements.approvals, options),
    ...checkPromotion(options),
  ].map((outcome) => applyExceptions(outcome, options));

  const decided: Omit<GateDecision, 'decisionHash'> = {
    decision: outcomes.every((o) => o.status === 'passed' || o.status === 'waived')
      ? 'allowed'
      : 'blocked',
    releaseId: options.release.id,
    environment,
    policySha256: policy.sha256,
    changeId: options.change?.id ?? null,
    changeType: options.change?.type ?? null,
    riskClass: tier.name,
    riskClassSource: tier.source,
    evidence: evidence.map(({ id, kind, sha256 }) => ({ id, kind, sha256 })),
    outcomes,
  };
  return { ...decided, decisionHash: decisionHash(decided) };
}

/** SHA-256 over the canonical JSON (RFC 8785) of a decision without its hash. */
export function decisionHash(decision: Omit<GateDecision, 'decisionHash'>): string {
  return createHash('sha256').update(canonicalJson(decision), 'utf8').digest('hex');
}

function checkEnvironment({ policy, environment }: EvaluateGateOptions): GateOutcome {
  const known = Object.hasOwn(policy.document.environments, environment);
  return {
    id: 'environment',
    requirement: 'environment',
    status: known ? 'passed' : 'failed',
    reason: known
      ? `the policy governs ${environment}`
      : `the policy names no environment '${environment}' (environments: ${Object.keys(policy.document.environments).join(', ')})`,
    evidenceIds: [],
  };
}

interface SelectedTier {
  name: string;
  source: GateDecision['riskClassSource'];
  tier: Policy['document']['tiers'][string];
  outcome: GateOutcome;
}

/**
 * The tier is the change's chosen class, else its baseline. Without a usable class the
 * strictest tier applies, so the gate still lists everything a release would need; an
 * environment with `requireTier` blocks in that case.
 */
function selectTier({ policy, change, environment }: EvaluateGateOptions): SelectedTier {
  const { tiers, risk, environments } = policy.document;
  const requireTier = environments[environment]?.requireTier ?? false;
  const strictest = risk.classes[risk.classes.length - 1]?.name ?? '';
  const chosen = change?.risk?.chosenClass ?? null;
  const baseline = change?.risk?.baselineClass ?? null;
  const wanted = chosen ?? baseline;
  const outcome = (status: OutcomeStatus, reason: string): GateOutcome => ({
    id: 'risk-class',
    requirement: 'risk',
    status,
    reason,
    evidenceIds: [],
  });
  const strictestTier = tiers[strictest];
  if (wanted !== null && Object.hasOwn(tiers, wanted)) {
    const tier = tiers[wanted] as SelectedTier['tier'];
    const reason =
      chosen !== null && chosen !== baseline
        ? `class ${chosen}, chosen over the baseline ${baseline ?? 'none'}`
        : `class ${wanted} (baseline)`;
    return {
      name: wanted,
      source: chosen !== null ? 'chosen' : 'baseline',
      tier,
      outcome: outcome('passed', reason),
    };
  }
  const why =
    change === null
      ? 'the release has no change request'
      : wanted === null
        ? `change ${change.id} has no risk assessment`
        : `change ${change.id} is assessed as '${wanted}', which this policy does not define`;
  if (!strictestTier) {
    // Unreachable for a parsed policy (every class has a tier); kept so evaluation never throws.
    return {
      name: strictest,
      source: 'strictest',
      tier: { default: { evidence: [], rules: [], approvals: [] } },
      outcome: outcome('failed', `${why}, and the policy has no tier to fall back on`),
    };
  }
  return {
    name: strictest,
    source: 'strictest',
    tier: strictestTier,
    outcome: requireTier
      ? outcome(
          'failed',
          `${why}; ${environment} requires an assessed risk class (showing the ${strictest} tier's requirements)`,
        )
      : outcome('passed', `${why}; the strictest tier, ${strictest}, applies`),
  };
}

function checkEvidencePresent(kind: EvidenceKind, evidence: readonly GateEvidence[]): GateOutcome {
  const ids = evidence.filter((record) => record.kind === kind).map((record) => record.id);
  return {
    id: `evidence:${kind}`,
    requirement: 'evidence',
    status: ids.length > 0 ? 'passed' : 'missing-evidence',
    reason:
      ids.length > 0
        ? `${ids.length} ${kind} record${ids.length === 1 ? '' : 's'}`
        : `no ${kind} evidence`,
    evidenceIds: ids,
  };
}

function checkRule(
  rule: PolicyRule,
  evidence: readonly GateEvidence[],
  options: EvaluateGateOptions,
  riskClass: string,
): GateOutcome {
  const base = { id: rule.id, requirement: 'rule' as const };
  const compiled = compileExpression(rule.when, { variables: RULE_VARIABLES });
  if (!compiled.expression) {
    // A parsed policy never gets here; a hand-built one might.
    return {
      ...base,
      status: 'failed',
      reason: `the rule does not compile: ${compiled.problems.map((p) => p.message).join('; ')}`,
      evidenceIds: [],
    };
  }
  const expression = compiled.expression;
  const kinds = [
    ...new Set([...expression.kinds, ...(rule.evidence ? [rule.evidence] : [])]),
  ].sort();
  const byKind = kinds.map((kind) => evidence.filter((record) => record.kind === kind));
  const evidenceIds = byKind
    .flat()
    .map((record) => record.id)
    .sort(compare);
  const missing = kinds.filter((_, i) => byKind[i]?.length === 0);
  if (missing.length > 0) {
    return {
      ...base,
      status: 'missing-evidence',
      reason: `no ${missing.join(' or ')} evidence`,
      evidenceIds,
    };
  }
  const combinations = byKind.reduce((product, records) => product * records.length, 1);
  if (combinations > MAX_RULE_COMBINATIONS) {
    return {
      ...base,
      status: 'failed',
      reason: `the rule would be checked against ${combinations} combinations of records (limit ${MAX_RULE_COMBINATIONS}); submit fewer records of ${kinds.join(', ')}`,
      evidenceIds,
    };
  }
  const failures: string[] = [];
  for (const records of product(byKind)) {
    const failure = checkCombination(expression, records, options, riskClass);
    if (failure !== undefined) {
      failures.push(
        records.length > 0 && combinations > 1
          ? `${failure} [${records.map((r) => r.id).join(', ')}]`
          : failure,
      );
    }
  }
  return failures.length === 0
    ? { ...base, status: 'passed', reason: rule.description, evidenceIds }
    : { ...base, status: 'failed', reason: failures.join('; '), evidenceIds };
}

/** Checks one record per kind; returns why it fails, or undefined when it holds. */
function checkCombination(
  expression: CompiledExpression,
  records: readonly GateEvidence[],
  options: EvaluateGateOptions,
  riskClass: string,
): string | undefined {
  const bound: Record<string, unknown> = {};
  for (const record of records) {
    // A kind named only as the rule's `evidence` is required present, not read.
    if (!expression.kinds.includes(record.kind)) continue;
    if (record.summary === null) {
      return `${record.kind} evidence ${record.id} has no summary to read`;
    }
    if (typeof record.summary !== 'object' || Array.isArray(record.summary)) {
      return `${record.kind} evidence ${record.id} has a summary that is not an object`;
    }
    bound[celKindName(record.kind)] = toCelSummary(
      record.kind,
      record.summary,
      fieldsRead(expression, record.kind),
    );
  }
  for (const read of expression.reads) {
    if (read.field === undefined) continue;
    const record = records.find((r) => r.kind === read.kind);
    const summary = record?.summary;
    if (!record || !summary) continue;
    const value = Object.hasOwn(summary, read.field) ? summary[read.field] : undefined;
    if (value === undefined) {
      if (read.testOnly) continue;
      return `${read.kind} evidence ${record.id} has no '${read.field}'`;
    }
    const field = SUMMARY_FIELDS[read.kind].fields[read.field];
    const problem = field ? fieldTypeProblem(field, value) : undefined;
    if (problem) return `${read.kind}.${read.field} ${problem} (evidence ${record.id})`;
  }
  const result = evaluateCondition(expression, {
    evidence: bound,
    change: { id: options.change?.id ?? '', type: options.change?.type ?? '' },
    release: {
      id: options.release.id,
      service: options.release.service,
      version: options.release.version,
      artifacts: [...(options.release.artifacts ?? [])],
    },
    environment: options.environment,
    risk: { class: riskClass, baselineClass: options.change?.risk?.baselineClass ?? '' },
  });
  return result.value === true ? undefined : result.reason;
}

/**
 * Binds a summary for CEL: fields declared `int` become CEL ints (bigint), so `failed == 0`
 * and `failed + 1` behave as written; everything else is JSON as parsed.
 */
function toCelSummary(
  kind: EvidenceKind,
  summary: Readonly<Record<string, unknown>>,
  only: ReadonlySet<string> | undefined,
): Record<string, unknown> {
  const fields = SUMMARY_FIELDS[kind].fields;
  const out: Record<string, unknown> = {};
  const entries =
    only === undefined
      ? Object.entries(summary)
      : [...only]
          .filter((name) => Object.hasOwn(summary, name))
          .map((name) => [name, summary[name]] as const);
  for (const [name, value] of entries) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    out[name] =
      fields[name]?.type === 'int' && typeof value === 'number' && Number.isSafeInteger(value)
        ? BigInt(value)
        : value;
  }
  return out;
}

/**
 * The summary fields an expression reads of one kind, or undefined when it reads the summary as a
 * whole (`evidence.junit` alone, as in `has(…)` or a macro). Binding only the fields read keeps
 * a rule from converting large lists (test cases, files, findings) it never looks at.
 */
function fieldsRead(
  expression: CompiledExpression,
  kind: EvidenceKind,
): ReadonlySet<string> | undefined {
  const known = fieldsReadCache.get(expression)?.get(kind);
  if (known !== undefined) return known === WHOLE ? undefined : known;
  const reads = expression.reads.filter((read) => read.kind === kind);
  const fields = reads.some((read) => read.field === undefined)
    ? WHOLE
    : new Set(reads.map((read) => read.field as string));
  let perKind = fieldsReadCache.get(expression);
  if (!perKind) {
    perKind = new Map();
    fieldsReadCache.set(expression, perKind);
  }
  perKind.set(kind, fields);
  return fields === WHOLE ? undefined : fields;
}
const WHOLE = 'whole' as const;
const fieldsReadCache = new WeakMap<
  CompiledExpression,
  Map<EvidenceKind, ReadonlySet<string> | typeof WHOLE>
>();

function* product(lists: readonly (readonly GateEvidence[])[]): Generator<GateEvidence[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first = [], ...rest] = lists;
  for (const record of first) for (const tail of product(rest)) yield [record, ...tail];
}

/**
 * Counts distinct signers per required role. The author may not sign unless the policy allows
 * it; with `oneRolePerSigner`, a person counts for the first required role (in policy order)
 * they signed, so one reviewer cannot stand in for two.
 */
function checkApprovals(
  required: readonly PolicyApproval[],
  options: EvaluateGateOptions,
): GateOutcome[] {
  const { authorMayApprove, oneRolePerSigner } = options.policy.document.separationOfDuties;
  const approvals = [...(options.approvals ?? [])].sort((a, b) => compare(a.id, b.id));
  const claimed = new Map<string, string>(); // signer → role they count for
  return required.map(({ role, count }) => {
    const notes: string[] = [];
    const signers = new Set<string>();
    const forRole = approvals.filter((approval) => approval.role === role);
    for (const approval of forRole) {
      if (!authorMayApprove && approval.signer === options.release.author) {
        notes.push(`${approval.signer} is the author and may not approve`);
        continue;
      }
      const other = claimed.get(approval.signer);
      if (oneRolePerSigner && other !== undefined && other !== role) {
        notes.push(`${approval.signer} already approved as ${other}`);
        continue;
      }
      claimed.set(approval.signer, role);
      signers.add(approval.signer);
    }
    const enough = signers.size >= count;
    const who = signers.size > 0 ? ` (${[...signers].sort(compare).join(', ')})` : '';
    const noted = notes.length > 0 ? `; ${[...new Set(notes)].join('; ')}` : '';
    return {
      id: `approval:${role}`,
      requirement: 'approval' as const,
      status: enough ? ('passed' as const) : ('pending-approval' as const),
      reason: `${role}: ${signers.size} of ${count} approval${count === 1 ? '' : 's'}${who}${noted}`,
      evidenceIds: [],
      approvalIds: forRole.map((approval) => approval.id),
    };
  });
}

function checkPromotion({
  policy,
  environment,
  environmentHistory,
}: EvaluateGateOptions): GateOutcome[] {
  const from = policy.document.environments[environment]?.promoteFrom ?? [];
  return from.map((source) => {
    const passages = environmentHistory
      .map((passage, index) => ({ passage, index }))
      .filter(({ passage }) => passage.environment === source)
      .sort((a, b) => compare(a.passage.at, b.passage.at) || a.index - b.index);
    const latest = passages[passages.length - 1]?.passage;
    const base = {
      id: `promote-from:${source}`,
      requirement: 'promotion' as const,
      evidenceIds: [],
    };
    if (!latest)
      return {
        ...base,
        status: 'failed' as const,
        reason: `the release has not been through ${source}`,
      };
    return latest.status === 'passed'
      ? { ...base, status: 'passed' as const, reason: `passed ${source} at ${latest.at}` }
      : {
          ...base,
          status: 'failed' as const,
          reason: `the latest ${source} deployment ${latest.status} at ${latest.at}`,
        };
  });
}

/** Replaces a failing outcome with `waived` when an exception in force covers it. */
function applyExceptions(outcome: GateOutcome, options: EvaluateGateOptions): GateOutcome {
  if (outcome.status !== 'failed' && outcome.status !== 'missing-evidence') return outcome;
  if (!WAIVABLE.has(outcome.requirement)) return outcome;
  const now = options.now.getTime();
  const candidates = (options.exceptions ?? []).filter(
    (exception) => exception.ruleId === outcome.id && inScope(exception.scope, options),
  );
  const inForce = candidates
    .filter((exception) => Date.parse(exception.expiresAt) > now)
    .sort((a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt) || compare(a.id, b.id));
  const chosen = inForce[0];
  if (chosen) {
    return {
      ...outcome,
      status: 'waived',
      reason: `waived by ${chosen.id} until ${chosen.expiresAt}: ${outcome.reason}`,
      exceptionId: chosen.id,
    };
  }
  const expired = candidates
    .map((exception) => `${exception.id} expired at ${exception.expiresAt}`)
    .sort(compare);
  return expired.length > 0
    ? { ...outcome, reason: `${outcome.reason} (exception ${expired.join(', ')})` }
    : outcome;
}

function inScope(scope: ExceptionScope, { release, environment }: EvaluateGateOptions): boolean {
  const given = [scope.releaseId, scope.service, scope.environment].filter((v) => v !== undefined);
  if (given.length === 0) return false;
  return (
    (scope.releaseId === undefined || scope.releaseId === release.id) &&
    (scope.service === undefined || scope.service === release.service) &&
    (scope.environment === undefined || scope.environment === environment)
  );
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

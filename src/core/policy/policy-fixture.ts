import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { canonicalJson, type JsonValue } from '../audit-log/canonical-json.ts';
import { EVIDENCE_KINDS } from '../evidence-record.ts';
import {
  type EnvironmentPassage,
  evaluateGate,
  type GateDecision,
  OUTCOME_STATUSES,
} from './evaluate-gate.ts';
import { CHANGE_TYPES, type Policy } from './policy-schema.ts';

/**
 * A policy test case: a release as the gate would see it and the decision expected, so a policy
 * change is reviewed and tested like code (`dossier policy test POLICY FIXTURES…`).
 */
const fixtureSchema = z.strictObject({
  name: z.string().min(1),
  environment: z.string().min(1),
  release: z
    .strictObject({
      service: z.string().min(1).default('service'),
      version: z.string().min(1).default('1.0.0'),
      author: z.string().min(1).optional(),
      artifacts: z.array(z.string()).default([]),
    })
    .default({ service: 'service', version: '1.0.0', artifacts: [] }),
  /** Null (or absent): the release names no change request. */
  change: z
    .strictObject({
      type: z.enum(CHANGE_TYPES),
      /** The baseline class; `chosenClass` is a person's choice over it. */
      riskClass: z.string().min(1).nullable().default(null),
      chosenClass: z.string().min(1).optional(),
    })
    .nullable()
    .default(null),
  evidence: z
    .array(
      z.strictObject({
        kind: z.enum(EVIDENCE_KINDS),
        summary: z.record(z.string(), z.unknown()).nullable().default(null),
      }),
    )
    .default([]),
  approvals: z
    .array(z.strictObject({ role: z.string().min(1), signer: z.string().min(1) }))
    .default([]),
  exceptions: z
    .array(
      z.strictObject({
        ruleId: z.string().min(1),
        expiresAt: z.iso.datetime({ offset: true }),
        environment: z.string().optional(),
      }),
    )
    .default([]),
  deployments: z
    .array(
      z.strictObject({
        environment: z.string().min(1),
        status: z.enum(['succeeded', 'failed', 'rolled-back']),
        at: z.iso.datetime({ offset: true }).default('2026-01-01T00:00:00Z'),
      }),
    )
    .default([]),
  /** The moment of evaluation (exception expiry reads it). */
  now: z.iso.datetime({ offset: true }).default('2026-01-01T00:00:00Z'),
  expect: z.strictObject({
    decision: z.enum(['allowed', 'blocked']),
    /** Outcome id → status; outcomes not named are not checked. */
    outcomes: z.record(z.string(), z.enum(OUTCOME_STATUSES)).default({}),
    riskClass: z.string().optional(),
  }),
});

const fixtureListSchema = z.strictObject({ fixtures: z.array(fixtureSchema).min(1) });

export type PolicyFixture = z.output<typeof fixtureSchema>;

export type ParseFixturesResult =
  | { fixtures: PolicyFixture[]; problems?: undefined }
  | { problems: string[]; fixtures?: undefined };

/** Reads a fixture file (YAML or JSON): one fixture, or `fixtures:` with a list of them. */
export function parsePolicyFixtures(text: string): ParseFixturesResult {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    return { problems: [`not YAML or JSON: ${(error as Error).message.split('\n')[0]}`] };
  }
  // A file holds one fixture or a `fixtures:` list; each shape reports its own field paths.
  const isList = typeof data === 'object' && data !== null && Object.hasOwn(data, 'fixtures');
  const parsed = isList
    ? fixtureListSchema.safeParse(data)
    : fixtureSchema.transform((fixture) => ({ fixtures: [fixture] })).safeParse(data);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(file)'}: ${issue.message}`,
      ),
    };
  }
  return { fixtures: parsed.data.fixtures };
}

export interface FixtureResult {
  name: string;
  passed: boolean;
  /** What differed from `expect`, one line each. */
  mismatches: string[];
  decision: GateDecision;
}

export function runPolicyFixture(policy: Policy, fixture: PolicyFixture): FixtureResult {
  const releaseId = 'rel_fixture';
  const environmentHistory: EnvironmentPassage[] = fixture.deployments.map((d) => ({
    environment: d.environment,
    status: d.status === 'succeeded' ? 'passed' : d.status,
    at: d.at,
  }));
  const decision = evaluateGate({
    release: {
      id: releaseId,
      service: fixture.release.service,
      version: fixture.release.version,
      author: fixture.release.author,
      artifacts: fixture.release.artifacts,
    },
    change: fixture.change
      ? {
          id: 'CHG-1',
          type: fixture.change.type,
          risk:
            fixture.change.riskClass === null
              ? null
              : {
                  baselineClass: fixture.change.riskClass,
                  chosenClass: fixture.change.chosenClass ?? null,
                },
        }
      : null,
    evidence: fixture.evidence.map((item, index) => ({
      id: `evd_fixture_${String(index).padStart(3, '0')}`,
      kind: item.kind,
      sha256: createHash('sha256')
        .update(canonicalJson((item.summary ?? null) as JsonValue))
        .digest('hex'),
      summary: item.summary,
    })),
    policy,
    environment: fixture.environment,
    approvals: fixture.approvals.map((approval, index) => ({
      id: `sig_fixture_${index}`,
      ...approval,
    })),
    exceptions: fixture.exceptions.map((exception, index) => ({
      id: `exc_fixture_${index}`,
      ruleId: exception.ruleId,
      scope: { releaseId, environment: exception.environment },
      expiresAt: exception.expiresAt,
    })),
    environmentHistory,
    now: new Date(fixture.now),
  });
  const mismatches: string[] = [];
  if (decision.decision !== fixture.expect.decision) {
    mismatches.push(`decision: expected ${fixture.expect.decision}, got ${decision.decision}`);
  }
  if (fixture.expect.riskClass !== undefined && decision.riskClass !== fixture.expect.riskClass) {
    mismatches.push(`risk class: expected ${fixture.expect.riskClass}, got ${decision.riskClass}`);
  }
  for (const [id, expected] of Object.entries(fixture.expect.outcomes)) {
    const outcome = decision.outcomes.find((o) => o.id === id);
    if (!outcome) {
      mismatches.push(
        `${id}: expected ${expected}, but the decision has no such outcome (outcomes: ${decision.outcomes.map((o) => o.id).join(', ')})`,
      );
    } else if (outcome.status !== expected) {
      mismatches.push(`${id}: expected ${expected}, got ${outcome.status} (${outcome.reason})`);
    }
  }
  return { name: fixture.name, passed: mismatches.length === 0, mismatches, decision };
}

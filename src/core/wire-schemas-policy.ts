import { z } from 'zod';
import { DEPLOYMENT_STATUSES } from './deployment/deployment.ts';
import { EVIDENCE_KINDS } from './evidence-record.ts';
import { EXCEPTION_STATES } from './exception/exception.ts';
import { MAX_PAGE_SIZE } from './page.ts';
import { OUTCOME_STATUSES } from './policy/evaluate-gate.ts';
import { CHANGE_TYPES } from './policy/policy-schema.ts';
import { ReleaseJson } from './wire-schemas.ts';

/** The JSON shapes of services, policies, change requests, risk, deployments and gates. */
export const ServiceRecordJson = z
  .object({
    name: z.string(),
    criticality: z.number().int().min(1).max(5),
    owners: z.array(z.string()),
    description: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: 'Service' });

export const ServiceListJson = z
  .object({ items: z.array(ServiceRecordJson) })
  .meta({ id: 'ServiceList' });

export const PolicyProblemJson = z
  .object({
    line: z.number().int(),
    column: z.number().int(),
    path: z.string(),
    message: z.string(),
  })
  .meta({ id: 'PolicyProblem' });

export const PolicyValidationJson = z
  .object({
    valid: z.boolean(),
    sha256: z.string().nullable(),
    name: z.string().nullable(),
    problems: z.array(PolicyProblemJson),
  })
  .meta({ id: 'PolicyValidation' });

export const ActivePolicyJson = z
  .object({
    scope: z.string().describe('`*` for all services, or a service name'),
    version: z.number().int(),
    sha256: z.string().describe('SHA-256 of the exact YAML text'),
    name: z.string(),
    activatedAt: z.string(),
    activatedBy: z.string(),
    text: z.string().describe('the policy YAML exactly as applied'),
    changed: z.boolean().optional().describe('on apply: false when it was already active'),
  })
  .meta({ id: 'ActivePolicy' });

export const PolicyVersionListJson = z
  .object({
    items: z.array(
      z.object({
        version: z.number().int(),
        sha256: z.string(),
        name: z.string(),
        createdAt: z.string(),
        createdBy: z.string(),
      }),
    ),
    activations: z.array(
      z.object({
        seq: z.number().int(),
        scope: z.string(),
        policyVersion: z.number().int(),
        policySha256: z.string(),
        activatedAt: z.string(),
        activatedBy: z.string(),
      }),
    ),
  })
  .meta({ id: 'PolicyVersionList' });

export const ChangeJson = z
  .object({
    id: z.string().describe('CHG-n'),
    service: z.string(),
    title: z.string(),
    type: z.enum(CHANGE_TYPES),
    reason: z.string(),
    requirements: z.array(z.string()),
    author: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'ChangeRequest' });

export const ChangePageJson = z
  .object({ items: z.array(ChangeJson), nextCursor: z.string().nullable() })
  .meta({ id: 'ChangePage' });

const ScoredFactorJson = z.object({
  level: z.number().int(),
  weight: z.number(),
  points: z.number(),
});

export const RiskRecordJson = z
  .object({
    changeId: z.string(),
    version: z.number().int(),
    event: z.enum(['assessed', 'class-chosen', 'narrative-edited']),
    stated: z.object({
      scope: z.number().int(),
      customerImpact: z.number().int(),
      rollbackComplexity: z.number().int(),
    }),
    assessment: z.object({
      score: z.number(),
      baselineClass: z.string(),
      baselineReason: z.string(),
      factors: z.object({
        scope: ScoredFactorJson,
        criticality: ScoredFactorJson,
        customerImpact: ScoredFactorJson,
        rollbackComplexity: ScoredFactorJson,
        defectHistory: ScoredFactorJson.extend({
          basis: z.object({
            deployments: z.number().int(),
            failedOrRolledBack: z.number().int(),
            changeFailureRate: z.number().nullable(),
            releases: z.number().int(),
            gateFailures: z.number().int(),
            gateFailureRate: z.number().nullable(),
          }),
          explanation: z.string(),
        }),
      }),
      classes: z.array(z.string()),
    }),
    chosenClass: z.string().nullable(),
    justification: z.string().nullable(),
    narrativeDraft: z.string(),
    narrative: z.string(),
    policySha256: z.string(),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'RiskRecord' });

export const RiskHistoryJson = z
  .object({ items: z.array(RiskRecordJson) })
  .meta({ id: 'RiskHistory' });

export const ChangeViewJson = z
  .object({ change: ChangeJson, releases: z.array(ReleaseJson), risk: RiskRecordJson.nullable() })
  .meta({ id: 'ChangeView' });

export const DeploymentJson = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    environment: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    at: z.string(),
    source: z.string(),
    url: z.string().nullable(),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'Deployment' });

export const DeploymentListJson = z
  .object({ items: z.array(DeploymentJson) })
  .meta({ id: 'DeploymentList' });

export const GateOutcomeJson = z
  .object({
    id: z.string().describe('rule id, evidence:<kind>, approval:<role>, promote-from:<env>, …'),
    requirement: z.enum(['environment', 'risk', 'evidence', 'rule', 'approval', 'promotion']),
    status: z.enum(OUTCOME_STATUSES),
    reason: z.string(),
    evidenceIds: z.array(z.string()),
    approvalIds: z.array(z.string()).optional(),
    exceptionId: z.string().optional(),
  })
  .meta({ id: 'GateOutcome' });

export const GateDecisionJson = z
  .object({
    decision: z.enum(['allowed', 'blocked']),
    releaseId: z.string(),
    environment: z.string(),
    policySha256: z.string(),
    changeId: z.string().nullable(),
    changeType: z.enum(CHANGE_TYPES).nullable(),
    riskClass: z.string(),
    riskClassSource: z.enum(['chosen', 'baseline', 'strictest']),
    evidence: z.array(
      z.object({ id: z.string(), kind: z.enum(EVIDENCE_KINDS), sha256: z.string() }),
    ),
    outcomes: z.array(GateOutcomeJson),
    decisionHash: z.string().describe('SHA-256 of the canonical JSON of every other field'),
  })
  .meta({ id: 'GateDecision' });

export const GateAnswerJson = z
  .object({
    decision: GateDecisionJson,
    policyVersion: z.number().int(),
    recordedAt: z.string().describe('when this exact decision was first recorded'),
    changed: z.boolean().describe('true when this decision differs from the last one recorded'),
  })
  .meta({ id: 'GateAnswer' });

export const GateHistoryJson = z
  .object({
    items: z.array(
      z.object({
        seq: z.number().int(),
        environment: z.string(),
        decision: z.enum(['allowed', 'blocked']),
        decisionHash: z.string(),
        policySha256: z.string(),
        decidedAt: z.string(),
        decidedBy: z.string(),
      }),
    ),
  })
  .meta({ id: 'GateHistory' });

export const ExceptionJson = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    scope: z.object({
      releaseId: z.string().optional(),
      service: z.string().optional(),
      environment: z.string().optional(),
    }),
    reason: z.string(),
    compensatingControl: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    expiresAt: z.string(),
    approval: z
      .object({ approvedBy: z.string(), role: z.string(), approvedAt: z.string() })
      .nullable(),
    state: z.enum(['requested', 'active', 'expiring-soon', 'expired']).optional(),
  })
  .meta({ id: 'Exception' });

export const ExceptionListQuery = z.object({
  release: z
    .string()
    .min(1)
    .optional()
    .describe('id or tag: exceptions scoped to the release or to its service'),
  state: z.enum(EXCEPTION_STATES).optional().describe('state now'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe('default 50'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

export const ExceptionListJson = z
  .object({
    items: z.array(ExceptionJson),
    nextCursor: z.string().nullable().describe('null on the last page'),
    aging: z
      .object({
        requested: z.number().int(),
        active: z.number().int(),
        expiringSoon: z.number().int(),
        expired: z.number().int(),
      })
      .describe('how many exceptions the release filter matches are in each state now'),
  })
  .meta({ id: 'ExceptionList' });

const SignedContentJson = z.object({
  release: z.object({
    id: z.string(),
    tag: z.string(),
    commit: z.string(),
    artifacts: z.array(z.string()),
  }),
  evidence: z.array(z.string()).describe('kind:sha256, sorted'),
  policySha256: z.string(),
});

export const SignatureJson = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    kind: z.enum(['approval', 'withdrawal']),
    role: z.string(),
    meaning: z.string(),
    signer: z.object({ username: z.string(), fullName: z.string() }),
    delegation: z.object({ id: z.string(), onBehalfOf: z.string() }).nullable(),
    authMethod: z.enum(['password', 'oidc']),
    signedAt: z.string(),
    contentHash: z.string().describe('SHA-256 of the canonical JSON of `content`'),
    content: SignedContentJson,
    withdraws: z.string().nullable(),
    condition: z.object({ text: z.string(), owner: z.string(), deadline: z.string() }).nullable(),
    status: z
      .enum(['valid', 'condition-pending', 'stale', 'withdrawn', 'lapsed'])
      .optional()
      .describe('whether it counts now'),
    statusReason: z.string().optional(),
  })
  .meta({ id: 'Signature' });

export const SigningViewJson = z
  .object({
    content: SignedContentJson,
    contentHash: z.string(),
    lines: z.array(z.string()).describe('what a signature would cover now, for people'),
    signatures: z.array(SignatureJson),
  })
  .meta({ id: 'SigningView' });

export const DelegationJson = z
  .object({
    id: z.string(),
    delegator: z.string(),
    delegate: z.string(),
    role: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    reason: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'Delegation' });

export const DelegationListJson = z
  .object({ items: z.array(DelegationJson) })
  .meta({ id: 'DelegationList' });

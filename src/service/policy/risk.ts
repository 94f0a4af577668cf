import { z } from 'zod';
import { assertMayWrite } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import type { JsonValue } from '../../core/audit-log/canonical-json.ts';
import type { ChangeRequest } from '../../core/change/change-request.ts';
import { DossierError } from '../../core/errors.ts';
import { requirementsFor } from '../../core/policy/policy-schema.ts';
import { chooseRiskClass } from '../../core/risk/choose-risk-class.ts';
import type { DefectHistoryFacts } from '../../core/risk/defect-history.ts';
import { draftRiskNarrative } from '../../core/risk/draft-risk-narrative.ts';
import { riskLevelSchema } from '../../core/risk/risk-model.ts';
import {
  effectiveRiskClass,
  type RiskRecord,
  type StatedRiskFactors,
} from '../../core/risk/risk-record.ts';
import { type RiskAssessment, scoreRisk } from '../../core/risk/score-risk.ts';
import type { ServiceTrackRecord, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';
import { findChange } from './changes.ts';
import { activePolicyFor } from './policies.ts';
import { getService } from './service-records.ts';

export const StatedRiskSchema = z
  .object({
    scope: riskLevelSchema,
    customerImpact: riskLevelSchema,
    rollbackComplexity: riskLevelSchema,
  })
  .strict();

export const RiskChoiceSchema = z
  .object({
    riskClass: z.string().min(1),
    justification: z.string().max(4000).optional(),
  })
  .strict();

export const NarrativeEditSchema = z
  .object({ narrative: z.string().trim().min(1, 'must not be empty').max(20_000) })
  .strict();

/**
 * Scores a change with the risk model of its service's active policy: scope, customer impact
 * and rollback complexity as a person states them, criticality from the service record, and
 * defect history counted from the service's past releases. Drafts the narrative from those
 * facts and the evidence already attached. A new assessment replaces an earlier choice of class
 * (the baseline may have moved); every earlier version stays on record.
 */
export async function assessRisk(
  deps: ServiceDeps,
  actor: Actor,
  changeId: string,
  input: unknown,
): Promise<RiskRecord> {
  assertMayWrite(actor, 'assess risk');
  const parsed = StatedRiskSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('risk factors', toInputIssues(parsed.error));
  const stated: StatedRiskFactors = parsed.data;
  const change = await findChange(deps, changeId);
  const service = await getService(deps, change.service);
  const { policy } = await activePolicyFor(deps, change.service);
  const history = toHistoryFacts(await deps.store.serviceTrackRecord(change.service));
  const assessment = scoreRisk(
    { ...stated, criticality: service.criticality, history },
    policy.document.risk,
  );
  const narrativeDraft = await draftNarrative(deps, change, assessment, policy);
  const now = deps.clock.now().toISOString();
  return appendRiskVersion(deps, change.id, async (latest) => ({
    record: {
      changeId: change.id,
      version: (latest?.version ?? 0) + 1,
      event: 'assessed',
      stated,
      assessment,
      chosenClass: null,
      justification: null,
      narrativeDraft,
      narrative: narrativeDraft,
      policySha256: policy.sha256,
      recordedAt: now,
      recordedBy: actor.id,
    },
    audit: {
      action: 'risk.assessed' as const,
      details: {
        score: assessment.score,
        baselineClass: assessment.baselineClass,
        baselineReason: assessment.baselineReason,
        stated: { ...stated },
        criticality: service.criticality,
        defectHistoryLevel: assessment.factors.defectHistory.level,
        defectHistory: assessment.factors.defectHistory.explanation,
        policySha256: policy.sha256,
      },
    },
  }));
}

/** A person's choice of class; another class than the baseline needs a justification. */
export async function chooseClass(
  deps: ServiceDeps,
  actor: Actor,
  changeId: string,
  input: unknown,
): Promise<RiskRecord> {
  assertMayWrite(actor, 'choose a risk class');
  const parsed = RiskChoiceSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('risk class choice', toInputIssues(parsed.error));
  const change = await findChange(deps, changeId);
  const now = deps.clock.now().toISOString();
  return appendRiskVersion(deps, change.id, async (latest) => {
    if (!latest) throw notAssessed(change.id);
    const chosen = chooseRiskClass(
      latest.assessment,
      parsed.data.riskClass,
      parsed.data.justification,
    );
    if (!chosen.risk) {
      throw new DossierError('INVALID_INPUT', chosen.problem, {
        issues: [{ path: 'justification', message: chosen.problem }],
      });
    }
    return {
      record: {
        ...latest,
        version: latest.version + 1,
        event: 'class-chosen',
        chosenClass: chosen.risk.chosenClass,
        justification: chosen.risk.justification,
        recordedAt: now,
        recordedBy: actor.id,
      },
      audit: {
        action: 'risk.class_chosen' as const,
        details: {
          baselineClass: latest.assessment.baselineClass,
          previousClass: effectiveRiskClass(latest),
          chosenClass: chosen.risk.chosenClass,
          justification: chosen.risk.justification,
        },
      },
    };
  });
}

/** The owner's edit of the drafted narrative; the draft and every edit stay on record. */
export async function editNarrative(
  deps: ServiceDeps,
  actor: Actor,
  changeId: string,
  input: unknown,
): Promise<RiskRecord> {
  assertMayWrite(actor, 'edit a risk narrative');
  const parsed = NarrativeEditSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('risk narrative', toInputIssues(parsed.error));
  const change = await findChange(deps, changeId);
  const now = deps.clock.now().toISOString();
  return appendRiskVersion(deps, change.id, async (latest) => {
    if (!latest) throw notAssessed(change.id);
    return {
      record: {
        ...latest,
        version: latest.version + 1,
        event: 'narrative-edited',
        narrative: parsed.data.narrative,
        recordedAt: now,
        recordedBy: actor.id,
      },
      audit: {
        action: 'risk.narrative_edited' as const,
        details: { previous: latest.narrative, narrative: parsed.data.narrative },
      },
    };
  });
}

export async function riskHistory(
  deps: Pick<ServiceDeps, 'store'>,
  changeId: string,
): Promise<RiskRecord[]> {
  const change = await findChange(deps, changeId);
  return deps.store.listRiskRecords(change.id);
}

type NextVersion = (latest: RiskRecord | undefined) => Promise<{
  record: RiskRecord;
  audit: {
    action: 'risk.assessed' | 'risk.class_chosen' | 'risk.narrative_edited';
    details: Record<string, JsonValue>;
  };
}>;

async function appendRiskVersion(
  deps: ServiceDeps,
  changeId: string,
  next: NextVersion,
): Promise<RiskRecord> {
  return deps.store.transaction(async (tx: StoreTx) => {
    const { record, audit } = await next(await tx.latestRiskRecord(changeId));
    await tx.insertRiskRecord(record);
    await tx.appendAudit({
      time: record.recordedAt,
      actor: record.recordedBy,
      action: audit.action,
      subject: `change:${changeId}`,
      details: { version: record.version, ...audit.details },
    });
    return record;
  });
}

function toHistoryFacts(track: ServiceTrackRecord): DefectHistoryFacts {
  const deployments: DefectHistoryFacts['deployments'] = [];
  for (let i = 0; i < track.failedDeployments; i++) {
    deployments.push({ failed: true, rolledBack: false });
  }
  for (let i = 0; i < track.rolledBackDeployments; i++) {
    deployments.push({ failed: false, rolledBack: true });
  }
  const fine = track.deployments - track.failedDeployments - track.rolledBackDeployments;
  for (let i = 0; i < fine; i++) deployments.push({ failed: false, rolledBack: false });
  return {
    deployments,
    gateFailures: track.blockedReleases,
    releases: track.releases,
  };
}

async function draftNarrative(
  deps: Pick<ServiceDeps, 'store'>,
  change: ChangeRequest,
  assessment: RiskAssessment,
  policy: Awaited<ReturnType<typeof activePolicyFor>>['policy'],
): Promise<string> {
  // The newest release of the change carries the evidence that reduces uncertainty.
  const releases = await deps.store.listReleasesForChange(change.id);
  const latest = releases.at(-1);
  const evidence = latest ? await deps.store.listEvidence(latest.id) : [];
  const tier = policy.document.tiers[assessment.baselineClass];
  const requiredEvidence = tier ? requirementsFor(tier, change.type).evidence : [];
  return draftRiskNarrative({
    change: { id: change.id, title: change.title, type: change.type, reason: change.reason },
    service: change.service,
    risk: assessment,
    evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, summary: e.summary })),
    requiredEvidence,
    linkedRequirements: change.requirements,
  });
}

function notAssessed(changeId: string): DossierError {
  return new DossierError(
    'RISK_NOT_ASSESSED',
    `change request ${changeId} has no risk assessment yet; assess it first`,
  );
}

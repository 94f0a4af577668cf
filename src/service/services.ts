import type { Actor } from '../core/actor.ts';
import { createDelegation, listDelegations } from './approval/delegations.ts';
import {
  approveException,
  findException,
  type ListExceptionsOptions,
  listExceptions,
  requestException,
} from './approval/exceptions.ts';
import { signApproval, withdrawApproval } from './approval/sign.ts';
import { meetCondition, signingView } from './approval/signatures.ts';
import { type AttachEvidenceRequest, attachEvidence } from './attach-evidence.ts';
import {
  consistencyProof,
  inclusionProof,
  latestCheckpoint,
  listLogEntries,
  listLogLeaves,
  readLogLeafBatch,
  rotateLogKey,
} from './audit-log.ts';
import { createRelease } from './create-release.ts';
import {
  approvalCycleTime,
  type DashboardOptions,
  deliveryPerformance,
  evidenceCompleteness,
  exceptionAging,
  pendingApprovalsByAge,
  releaseThroughput,
} from './dashboards.ts';
import type { ServiceDeps } from './deps.ts';
import { listEvidence, openBlob } from './evidence-queries.ts';
import { exportDossier } from './export/export-dossier.ts';
import { importLegacyRelease } from './import-legacy-release.ts';
import { addIntegration, listIntegrations, removeIntegration } from './integrations.ts';
import { type ListJobsOptions, listJobs } from './jobs/list-jobs.ts';
import { oidcVerifier } from './oidc.ts';
import { addWebhook, listWebhooks, removeWebhook } from './outbound/webhook-subscriptions.ts';
import { createChange, getChange, listChanges } from './policy/changes.ts';
import { listDeployments, recordDeployment } from './policy/deployments.ts';
import { decideGate, gateHistory } from './policy/gate.ts';
import { applyPolicy, showPolicy, validatePolicy } from './policy/policies.ts';
import { assessRisk, chooseClass, editNarrative, riskHistory } from './policy/risk.ts';
import { getService, putService } from './policy/service-records.ts';
import { checkReady } from './ready.ts';
import { reauthenticate } from './reauthenticate.ts';
import { receiveWebhook, type WebhookRequest } from './receive-webhook.ts';
import { getRelease, type ListReleasesOptions, listReleases } from './release-queries.ts';
import { gateOverview, releaseTimeline } from './release-workspace.ts';
import { login, logout } from './sessions.ts';
import {
  authenticate,
  type Credentials,
  createToken,
  ensureBootstrapToken,
  listTokens,
  revokeToken,
} from './tokens.ts';
import { listTraining, readSigningEligibility, recordTraining } from './training.ts';
import {
  createUser,
  disableUser,
  grantRole,
  listPeople,
  listUsers,
  readUser,
  revokeRole,
} from './users.ts';

/**
 * The composition root: every use case bound to one set of dependencies. The API, the CLI in
 * `--local` mode and the tests all call Dossier through this object.
 */
export function createServices(deps: ServiceDeps) {
  const verifyOidc = oidcVerifier(deps);
  return {
    deps,
    releases: {
      create: (actor: Actor, input: unknown) => createRelease(deps, actor, input),
      get: (idOrTag: string) => getRelease(deps, idOrTag),
      list: (options?: ListReleasesOptions) => listReleases(deps, options),
      gates: (idOrTag: string) => gateOverview(deps, idOrTag),
      timeline: (idOrTag: string) => releaseTimeline(deps, idOrTag),
    },
    dashboards: {
      throughput: (options: DashboardOptions) => releaseThroughput(deps, options),
      evidence: (options: DashboardOptions) => evidenceCompleteness(deps, options),
      delivery: (options: DashboardOptions & { environment?: string | undefined }) =>
        deliveryPerformance(deps, options),
      pendingApprovals: (options: DashboardOptions) => pendingApprovalsByAge(deps, options),
      approvalCycles: (options: DashboardOptions) => approvalCycleTime(deps, options),
      exceptions: (options: DashboardOptions) => exceptionAging(deps, options),
    },
    evidence: {
      attach: (actor: Actor, request: AttachEvidenceRequest) =>
        attachEvidence(deps, actor, request),
      list: (idOrTag: string) => listEvidence(deps, idOrTag),
      openBlob: (sha256: string) => openBlob(deps, sha256),
    },
    services: {
      put: (actor: Actor, name: string, input: unknown) => putService(deps, actor, name, input),
      get: (name: string) => getService(deps, name),
      list: () => deps.store.listServices(),
    },
    policies: {
      validate: (text: string) => validatePolicy(text),
      apply: (actor: Actor, text: string, service?: string) =>
        applyPolicy(deps, actor, text, service),
      show: (service?: string) => showPolicy(deps, service),
      versions: (limit: number) => deps.store.listPolicyVersions(limit),
      activations: (limit: number) => deps.store.listPolicyActivations(limit),
    },
    changes: {
      create: (actor: Actor, input: unknown) => createChange(deps, actor, input),
      get: (id: string) => getChange(deps, id),
      list: (options: Parameters<typeof listChanges>[1]) => listChanges(deps, options),
      assessRisk: (actor: Actor, id: string, input: unknown) => assessRisk(deps, actor, id, input),
      chooseRiskClass: (actor: Actor, id: string, input: unknown) =>
        chooseClass(deps, actor, id, input),
      editNarrative: (actor: Actor, id: string, input: unknown) =>
        editNarrative(deps, actor, id, input),
      riskHistory: (id: string) => riskHistory(deps, id),
    },
    deployments: {
      record: (actor: Actor, idOrTag: string, input: unknown) =>
        recordDeployment(deps, actor, idOrTag, input),
      list: (idOrTag: string) => listDeployments(deps, idOrTag),
    },
    gates: {
      decide: (actor: Actor, idOrTag: string, environment: string) =>
        decideGate(deps, actor, idOrTag, environment),
      history: (idOrTag: string) => gateHistory(deps, idOrTag),
    },
    approvals: {
      /** What a signature would cover now, and every signature with its status. */
      view: (idOrTag: string) => signingView(deps, idOrTag),
      sign: (actor: Actor, idOrTag: string, input: unknown) =>
        signApproval(deps, actor, idOrTag, input),
      withdraw: (actor: Actor, signatureId: string, input: unknown) =>
        withdrawApproval(deps, actor, signatureId, input),
      meetCondition: (actor: Actor, signatureId: string, evidenceId: string) =>
        meetCondition(deps, actor, signatureId, evidenceId),
    },
    outboundWebhooks: {
      add: (actor: Actor, input: unknown) => addWebhook(deps, actor, input),
      list: (actor: Actor) => listWebhooks(deps, actor),
      remove: (actor: Actor, id: string) => removeWebhook(deps, actor, id),
    },
    delegations: {
      create: (actor: Actor, input: unknown) => createDelegation(deps, actor, input),
      list: (actor: Actor, limit?: number) => listDelegations(deps, actor, limit),
    },
    exceptions: {
      request: (actor: Actor, input: unknown) => requestException(deps, actor, input),
      approve: (actor: Actor, id: string) => approveException(deps, actor, id),
      get: (id: string) => findException(deps, id),
      list: (options?: ListExceptionsOptions) => listExceptions(deps, options),
    },
    dossier: {
      export: (actor: Actor, idOrTag: string) => exportDossier(deps, actor, idOrTag),
      importLegacy: (actor: Actor, bytes: Uint8Array) => importLegacyRelease(deps, actor, bytes),
    },
    log: {
      checkpoint: () => latestCheckpoint(deps),
      checkpoints: (fromSize: number, limit: number) =>
        deps.store.listCheckpoints({ fromSize, limit }),
      entries: (fromSeq: number, limit: number) => listLogEntries(deps, fromSeq, limit),
      leaves: (fromSeq: number, limit: number) => listLogLeaves(deps, fromSeq, limit),
      leafBatch: (fromSeq: number, toSeq: number) => readLogLeafBatch(deps, fromSeq, toSeq),
      inclusionProof: (seq: number, treeSize: number) => inclusionProof(deps, seq, treeSize),
      consistencyProof: (from: number, to: number) => consistencyProof(deps, from, to),
      keys: () => ({ origin: deps.signer.origin, keys: deps.signer.publishedKeys() }),
      rotateKey: (actor: Actor) => rotateLogKey(deps, actor),
    },
    webhooks: {
      receive: (request: WebhookRequest) => receiveWebhook(deps, request),
    },
    integrations: {
      add: (actor: Actor, source: string, secret: string) =>
        addIntegration(deps, actor, source, secret),
      list: (actor: Actor) => listIntegrations(deps, actor),
      remove: (actor: Actor, source: string) => removeIntegration(deps, actor, source),
    },
    jobs: {
      list: (actor: Actor, options?: ListJobsOptions) => listJobs(deps, actor, options),
    },
    tokens: {
      /** A bearer value (API token, session token or OIDC ID token) or a request's credentials. */
      authenticate: (credentials: Credentials | string | undefined) =>
        authenticate(deps, credentials, verifyOidc),
      ensureBootstrap: (chosen: string | undefined) => ensureBootstrapToken(deps, chosen),
      create: (actor: Actor, input: unknown) => createToken(deps, actor, input),
      list: (actor: Actor) => listTokens(deps, actor),
      revoke: (actor: Actor, idOrName: string) => revokeToken(deps, actor, idOrName),
    },
    users: {
      create: (actor: Actor, input: unknown) => createUser(deps, actor, input),
      get: (actor: Actor, username: string) => readUser(deps, actor, username),
      list: (actor: Actor) => listUsers(deps, actor),
      /** Enabled people by username and printed name, for choosing one (any actor). */
      directory: () => listPeople(deps),
      disable: (actor: Actor, username: string) => disableUser(deps, actor, username),
      grantRole: (actor: Actor, username: string, input: unknown) =>
        grantRole(deps, actor, username, input),
      revokeRole: (actor: Actor, username: string, input: unknown) =>
        revokeRole(deps, actor, username, input),
    },
    training: {
      record: (actor: Actor, username: string, input: unknown) =>
        recordTraining(deps, actor, username, input),
      list: (actor: Actor, username: string) => listTraining(deps, actor, username),
      /** Whether the user may sign for the role now (account, role, current training). */
      eligibility: (actor: Actor, username: string, role: string) =>
        readSigningEligibility(deps, actor, username, role),
    },
    sessions: {
      login: (input: unknown) => login(deps, input),
      logout: (token: string) => logout(deps, token),
      /** The password check a signature needs at the moment of signing (21 CFR 11.200). */
      reauthenticate: (actor: Actor, password: string) => reauthenticate(deps, actor, password),
    },
    /** Throws STORAGE_UNAVAILABLE unless the store answers a read within a few seconds. */
    ready: () => checkReady(deps),
    close: async () => {
      await deps.store.close();
      await deps.blobs.close?.();
    },
  };
}

export type Services = ReturnType<typeof createServices>;

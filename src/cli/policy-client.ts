import type { z } from 'zod';
import type { ExceptionState } from '../core/exception/exception.ts';
import type {
  ActivePolicyJson,
  ChangeJson,
  ChangePageJson,
  ChangeViewJson,
  DelegationJson,
  DelegationListJson,
  DeploymentJson,
  ExceptionJson,
  ExceptionListJson,
  GateAnswerJson,
  PolicyValidationJson,
  RiskRecordJson,
  ServiceRecordJson,
  SignatureJson,
  SigningViewJson,
} from '../core/wire-schemas-policy.ts';

import type {
  OutboundWebhookJson,
  OutboundWebhookListJson,
} from '../core/wire-schemas-webhooks.ts';

type Json<T extends z.ZodType> = z.output<T>;

/** What the CLI asks about policies, services, change requests, risk, deployments and gates. */
export interface PolicyClient {
  validatePolicy(text: string): Promise<Json<typeof PolicyValidationJson>>;
  applyPolicy(text: string, service?: string): Promise<Json<typeof ActivePolicyJson>>;
  showPolicy(service?: string): Promise<Json<typeof ActivePolicyJson>>;
  putService(name: string, input: Record<string, unknown>): Promise<Json<typeof ServiceRecordJson>>;
  getService(name: string): Promise<Json<typeof ServiceRecordJson>>;
  createChange(
    input: Record<string, unknown>,
  ): Promise<{ change: Json<typeof ChangeJson>; created: boolean }>;
  getChange(id: string): Promise<Json<typeof ChangeViewJson>>;
  listChanges(params: {
    limit?: number | undefined;
    cursor?: string | undefined;
    service?: string | undefined;
  }): Promise<Json<typeof ChangePageJson>>;
  assessRisk(id: string, input: Record<string, unknown>): Promise<Json<typeof RiskRecordJson>>;
  chooseRiskClass(id: string, input: Record<string, unknown>): Promise<Json<typeof RiskRecordJson>>;
  editRiskNarrative(id: string, narrative: string): Promise<Json<typeof RiskRecordJson>>;
  recordDeployment(
    idOrTag: string,
    input: Record<string, unknown>,
  ): Promise<Json<typeof DeploymentJson>>;
  decideGate(idOrTag: string, environment: string): Promise<Json<typeof GateAnswerJson>>;
  requestException(input: Record<string, unknown>): Promise<Json<typeof ExceptionJson>>;
  approveException(id: string): Promise<Json<typeof ExceptionJson>>;
  listExceptions(query?: ExceptionListOptions): Promise<Json<typeof ExceptionListJson>>;
  signingView(idOrTag: string): Promise<Json<typeof SigningViewJson>>;
  signApproval(
    idOrTag: string,
    input: Record<string, unknown>,
  ): Promise<Json<typeof SignatureJson>>;
  withdrawApproval(
    signatureId: string,
    input: Record<string, unknown>,
  ): Promise<Json<typeof SignatureJson>>;
  meetCondition(signatureId: string, evidenceId: string): Promise<void>;
  createDelegation(input: Record<string, unknown>): Promise<Json<typeof DelegationJson>>;
  listDelegations(): Promise<Json<typeof DelegationListJson>>;
  addOutboundWebhook(input: Record<string, unknown>): Promise<Json<typeof OutboundWebhookJson>>;
  listOutboundWebhooks(): Promise<Json<typeof OutboundWebhookListJson>>;
  removeOutboundWebhook(id: string): Promise<void>;
}

/** GET /v1/exceptions filters: release id or tag, state now, page size and cursor. */
export interface ExceptionListOptions {
  release?: string | undefined;
  state?: ExceptionState | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

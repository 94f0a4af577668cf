import { Readable } from 'node:stream';
import { z } from 'zod';
import {
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
import { OutboundWebhookJson, OutboundWebhookListJson } from '../core/wire-schemas-webhooks.ts';
import type { PolicyClient } from './policy-client.ts';

/** The http client's request function: method, path, answer schema, optional body. */
export type HttpCall = <T extends z.ZodType>(
  method: string,
  path: string,
  schema: T,
  body?: { json: unknown } | { stream: Readable; size: number },
) => Promise<{ status: number; data: z.output<T> }>;

const enc = encodeURIComponent;

function textBody(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  return { stream: Readable.from([bytes]), size: bytes.byteLength };
}

export function httpPolicyClient(call: HttpCall): PolicyClient {
  return {
    validatePolicy: async (text) =>
      (await call('POST', '/v1/policies/validate', PolicyValidationJson, textBody(text))).data,
    applyPolicy: async (text, service) =>
      (
        await call(
          'PUT',
          service === undefined ? '/v1/policies/default' : `/v1/policies/services/${enc(service)}`,
          ActivePolicyJson,
          textBody(text),
        )
      ).data,
    showPolicy: async (service) =>
      (
        await call(
          'GET',
          service === undefined ? '/v1/policies/default' : `/v1/policies/services/${enc(service)}`,
          ActivePolicyJson,
        )
      ).data,
    putService: async (name, input) =>
      (await call('PUT', `/v1/services/${enc(name)}`, ServiceRecordJson, { json: input })).data,
    getService: async (name) =>
      (await call('GET', `/v1/services/${enc(name)}`, ServiceRecordJson)).data,
    async createChange(input) {
      const { status, data } = await call('POST', '/v1/changes', ChangeJson, { json: input });
      return { change: data, created: status === 201 };
    },
    getChange: async (id) => (await call('GET', `/v1/changes/${enc(id)}`, ChangeViewJson)).data,
    async listChanges(params) {
      const query = new URLSearchParams();
      if (params.limit !== undefined) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      if (params.service) query.set('service', params.service);
      const suffix = query.size > 0 ? `?${query}` : '';
      return (await call('GET', `/v1/changes${suffix}`, ChangePageJson)).data;
    },
    assessRisk: async (id, input) =>
      (await call('POST', `/v1/changes/${enc(id)}/risk`, RiskRecordJson, { json: input })).data,
    chooseRiskClass: async (id, input) =>
      (await call('PUT', `/v1/changes/${enc(id)}/risk/class`, RiskRecordJson, { json: input }))
        .data,
    editRiskNarrative: async (id, narrative) =>
      (
        await call('PUT', `/v1/changes/${enc(id)}/risk/narrative`, RiskRecordJson, {
          json: { narrative },
        })
      ).data,
    recordDeployment: async (idOrTag, input) =>
      (
        await call('POST', `/v1/releases/${enc(idOrTag)}/deployments`, DeploymentJson, {
          json: input,
        })
      ).data,
    requestException: async (input) =>
      (await call('POST', '/v1/exceptions', ExceptionJson, { json: input })).data,
    approveException: async (id) =>
      (await call('POST', `/v1/exceptions/${enc(id)}/approve`, ExceptionJson, { json: {} })).data,
    listExceptions: async (options = {}) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(options)) {
        if (value !== undefined) query.set(key, String(value));
      }
      const suffix = query.size > 0 ? `?${query}` : '';
      return (await call('GET', `/v1/exceptions${suffix}`, ExceptionListJson)).data;
    },
    signingView: async (idOrTag) =>
      (await call('GET', `/v1/releases/${enc(idOrTag)}/approvals`, SigningViewJson)).data,
    signApproval: async (idOrTag, input) =>
      (await call('POST', `/v1/releases/${enc(idOrTag)}/approvals`, SignatureJson, { json: input }))
        .data,
    withdrawApproval: async (signatureId, input) =>
      (
        await call('POST', `/v1/signatures/${enc(signatureId)}/withdraw`, SignatureJson, {
          json: input,
        })
      ).data,
    async meetCondition(signatureId, evidenceId) {
      await call('POST', `/v1/signatures/${enc(signatureId)}/condition-met`, z.unknown(), {
        json: { evidenceId },
      });
    },
    createDelegation: async (input) =>
      (await call('POST', '/v1/delegations', DelegationJson, { json: input })).data,
    listDelegations: async () => (await call('GET', '/v1/delegations', DelegationListJson)).data,
    addOutboundWebhook: async (input) =>
      (await call('POST', '/v1/webhooks', OutboundWebhookJson, { json: input })).data,
    listOutboundWebhooks: async () =>
      (await call('GET', '/v1/webhooks', OutboundWebhookListJson)).data,
    async removeOutboundWebhook(id) {
      await call('DELETE', `/v1/webhooks/${enc(id)}`, z.unknown());
    },
    decideGate: async (idOrTag, environment) =>
      (
        await call(
          'GET',
          `/v1/releases/${enc(idOrTag)}/gate?env=${enc(environment)}`,
          GateAnswerJson,
        )
      ).data,
  };
}

import { z } from 'zod';
import { MAX_POLICY_BYTES } from '../../core/policy/policy-schema.ts';
import { ServiceInputSchema } from '../../core/service-record.ts';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  ActivePolicyJson,
  PolicyValidationJson,
  PolicyVersionListJson,
  ServiceListJson,
  ServiceRecordJson,
} from '../../core/wire-schemas-policy.ts';
import { presentActivePolicy } from '../present-policy.ts';
import { readTextBody } from '../read-body.ts';
import { defineRoute } from '../route.ts';

const ServiceParams = z.object({ service: z.string().min(1).describe('service name') });
const NameParams = z.object({ name: z.string().min(1).describe('service name') });

const policyBody = {
  binary: true as const,
  description: 'the policy YAML (application/yaml or text/plain), at most 1 MiB',
};

const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown API token', json: ProblemJson },
};

const refused = {
  422: {
    description: 'the policy was refused; `issues` names each problem as `line:column field`',
    json: ProblemJson,
  },
};

export const policyRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/policies/validate',
      operationId: 'validatePolicy',
      summary: 'Check a policy document without applying it',
      tag: 'policies',
      auth: true,
      body: policyBody,
      responses: {
        200: { description: 'valid, or the problems found', json: PolicyValidationJson },
        ...problems,
      },
    },
    async handle({ request, services }) {
      return services.policies.validate(await readTextBody(request, MAX_POLICY_BYTES, 'a policy'));
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/policies/default',
      operationId: 'applyDefaultPolicy',
      summary: 'Apply a policy to all services (those without their own)',
      tag: 'policies',
      auth: true,
      body: policyBody,
      responses: {
        200: { description: 'the policy now active for all services', json: ActivePolicyJson },
        ...problems,
        ...refused,
      },
    },
    async handle({ request, actor, services }) {
      const text = await readTextBody(request, MAX_POLICY_BYTES, 'a policy');
      const applied = await services.policies.apply(actor, text);
      return presentActivePolicy(applied, applied.changed);
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/policies/services/{service}',
      operationId: 'applyServicePolicy',
      summary: 'Apply a policy to one service',
      tag: 'policies',
      auth: true,
      params: ServiceParams,
      body: policyBody,
      responses: {
        200: { description: 'the policy now active for the service', json: ActivePolicyJson },
        ...problems,
        ...refused,
      },
    },
    async handle({ request, params, actor, services }) {
      const text = await readTextBody(request, MAX_POLICY_BYTES, 'a policy');
      const applied = await services.policies.apply(actor, text, params.service);
      return presentActivePolicy(applied, applied.changed);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/policies/default',
      operationId: 'getDefaultPolicy',
      summary: 'The policy active for all services',
      tag: 'policies',
      auth: true,
      responses: {
        200: { description: 'the active default policy', json: ActivePolicyJson },
        ...problems,
        409: { description: 'no policy is active', json: ProblemJson },
      },
    },
    async handle({ services }) {
      return presentActivePolicy(await services.policies.show());
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/policies/services/{service}',
      operationId: 'getServicePolicy',
      summary: 'The policy a service is held to (its own, else the default); `scope` says which',
      tag: 'policies',
      auth: true,
      params: ServiceParams,
      responses: {
        200: { description: 'the policy active for the service', json: ActivePolicyJson },
        ...problems,
        409: { description: 'no policy is active for the service', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return presentActivePolicy(await services.policies.show(params.service));
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/policies',
      operationId: 'listPolicies',
      summary: 'Stored policy versions and their activations, newest first',
      tag: 'policies',
      auth: true,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
      responses: {
        200: { description: 'versions and activations', json: PolicyVersionListJson },
        ...problems,
      },
    },
    async handle({ query, services }) {
      const limit = query.limit ?? 50;
      const [versions, activations] = await Promise.all([
        services.policies.versions(limit),
        services.policies.activations(limit),
      ]);
      return {
        items: versions.map(({ text: _text, ...version }) => version),
        activations,
      };
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/services/{name}',
      operationId: 'putService',
      summary: "Record a service's criticality (a risk factor) and owners",
      tag: 'policies',
      auth: true,
      params: NameParams,
      body: { json: ServiceInputSchema },
      responses: {
        200: { description: 'the service record', json: ServiceRecordJson },
        ...problems,
      },
    },
    async handle({ request, params, actor, services }) {
      return services.services.put(actor, params.name, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/services/{name}',
      operationId: 'getService',
      summary: 'One service record',
      tag: 'policies',
      auth: true,
      params: NameParams,
      responses: {
        200: { description: 'the service record', json: ServiceRecordJson },
        ...problems,
        404: { description: 'no record for this service', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return services.services.get(params.name);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/services',
      operationId: 'listServices',
      summary: 'Every service record, by name',
      tag: 'policies',
      auth: true,
      responses: {
        200: { description: 'the service records', json: ServiceListJson },
        ...problems,
      },
    },
    async handle({ services }) {
      return { items: await services.services.list() };
    },
  }),
];

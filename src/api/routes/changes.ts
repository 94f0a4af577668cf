import { z } from 'zod';
import { ChangeInputSchema } from '../../core/change/change-request.ts';
import { DeploymentInputSchema } from '../../core/deployment/deployment.ts';
import { MAX_PAGE_SIZE } from '../../core/page.ts';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  ChangeJson,
  ChangePageJson,
  ChangeViewJson,
  DeploymentJson,
  DeploymentListJson,
  GateAnswerJson,
  GateHistoryJson,
  RiskHistoryJson,
  RiskRecordJson,
} from '../../core/wire-schemas-policy.ts';
import {
  NarrativeEditSchema,
  RiskChoiceSchema,
  StatedRiskSchema,
} from '../../service/policy/risk.ts';
import { presentRelease } from '../present.ts';
import { defineRoute } from '../route.ts';
import { IdOrTagParams } from './releases.ts';

const ChangeParams = z.object({ id: z.string().min(1).describe('change request id, CHG-n') });

const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown API token', json: ProblemJson },
};
const noChange = { 404: { description: 'no such change request', json: ProblemJson } };
const noRelease = { 404: { description: 'no such release', json: ProblemJson } };

export const changeRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/changes',
      operationId: 'createChange',
      summary: 'Record a change request (next CHG-n, or the id given by an external tracker)',
      tag: 'changes',
      auth: true,
      body: { json: ChangeInputSchema },
      responses: {
        201: { description: 'created', json: ChangeJson },
        200: { description: 'this exact change request already existed', json: ChangeJson },
        ...problems,
        409: { description: 'the id exists with different content', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      const { change, created } = await services.changes.create(actor, request.body);
      reply.code(created ? 201 : 200).header('location', `/v1/changes/${change.id}`);
      return change;
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/changes',
      operationId: 'listChanges',
      summary: 'List change requests, newest first',
      tag: 'changes',
      auth: true,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
        cursor: z.string().optional(),
        service: z.string().optional(),
      }),
      responses: { 200: { description: 'one page', json: ChangePageJson }, ...problems },
    },
    async handle({ query, services }) {
      return services.changes.list(query);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/changes/{id}',
      operationId: 'getChange',
      summary: 'A change request with its releases and current risk assessment',
      tag: 'changes',
      auth: true,
      params: ChangeParams,
      responses: {
        200: { description: 'the change request', json: ChangeViewJson },
        ...problems,
        ...noChange,
      },
    },
    async handle({ params, services }) {
      const view = await services.changes.get(params.id);
      return { ...view, releases: view.releases.map(presentRelease) };
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/changes/{id}/risk',
      operationId: 'assessRisk',
      summary:
        "Assess a change's risk: stated factors + service criticality + counted defect history",
      tag: 'changes',
      auth: true,
      params: ChangeParams,
      body: { json: StatedRiskSchema },
      responses: {
        201: { description: 'the new assessment version', json: RiskRecordJson },
        ...problems,
        ...noChange,
        409: { description: 'no policy is active for the service', json: ProblemJson },
      },
    },
    async handle({ request, reply, params, actor, services }) {
      reply.code(201);
      return services.changes.assessRisk(actor, params.id, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/changes/{id}/risk',
      operationId: 'riskHistory',
      summary: 'Every version of the risk assessment: baseline, choices and narrative edits',
      tag: 'changes',
      auth: true,
      params: ChangeParams,
      responses: {
        200: { description: 'oldest first', json: RiskHistoryJson },
        ...problems,
        ...noChange,
      },
    },
    async handle({ params, services }) {
      return { items: await services.changes.riskHistory(params.id) };
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/changes/{id}/risk/class',
      operationId: 'chooseRiskClass',
      summary: 'Choose a risk class; another than the baseline needs a written justification',
      tag: 'changes',
      auth: true,
      params: ChangeParams,
      body: { json: RiskChoiceSchema },
      responses: {
        200: { description: 'the new assessment version', json: RiskRecordJson },
        ...problems,
        ...noChange,
        409: { description: 'the change has no assessment yet', json: ProblemJson },
      },
    },
    async handle({ request, params, actor, services }) {
      return services.changes.chooseRiskClass(actor, params.id, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'PUT',
      path: '/v1/changes/{id}/risk/narrative',
      operationId: 'editRiskNarrative',
      summary: "Replace the drafted risk narrative with the owner's text (the draft is kept)",
      tag: 'changes',
      auth: true,
      params: ChangeParams,
      body: { json: NarrativeEditSchema },
      responses: {
        200: { description: 'the new assessment version', json: RiskRecordJson },
        ...problems,
        ...noChange,
        409: { description: 'the change has no assessment yet', json: ProblemJson },
      },
    },
    async handle({ request, params, actor, services }) {
      return services.changes.editNarrative(actor, params.id, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/releases/{idOrTag}/deployments',
      operationId: 'recordDeployment',
      summary:
        'Record that a release reached, failed to reach, or was rolled back from an environment',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      body: { json: DeploymentInputSchema },
      responses: {
        201: { description: 'recorded', json: DeploymentJson },
        ...problems,
        ...noRelease,
      },
    },
    async handle({ request, reply, params, actor, services }) {
      reply.code(201);
      return services.deployments.record(actor, params.idOrTag, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/deployments',
      operationId: 'listDeployments',
      summary: "A release's deployments, oldest first",
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the deployments', json: DeploymentListJson },
        ...problems,
        ...noRelease,
      },
    },
    async handle({ params, services }) {
      return { items: await services.deployments.list(params.idOrTag) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/gate',
      operationId: 'decideGate',
      summary:
        'May the release enter the environment? The decision, one outcome per rule, and its hash (recorded when it changes)',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      query: z.object({ env: z.string().min(1).describe('environment, e.g. production') }),
      responses: {
        200: { description: 'the decision (allowed or blocked)', json: GateAnswerJson },
        ...problems,
        ...noRelease,
        409: { description: 'no policy is active for the service', json: ProblemJson },
      },
    },
    async handle({ params, query, actor, services }) {
      return services.gates.decide(actor, params.idOrTag, query.env);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/gate/history',
      operationId: 'gateHistory',
      summary: 'Every distinct gate decision recorded for the release, oldest first',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the recorded decisions', json: GateHistoryJson },
        ...problems,
        ...noRelease,
      },
    },
    async handle({ params, services }) {
      const history = await services.gates.history(params.idOrTag);
      return {
        items: history.map(({ body: _body, releaseId: _r, service: _s, ...rest }) => rest),
      };
    },
  }),
];

import { z } from 'zod';
import { ProblemJson } from '../../core/wire-schemas.ts';
import {
  DelegationJson,
  DelegationListJson,
  SignatureJson,
  SigningViewJson,
} from '../../core/wire-schemas-policy.ts';
import { DelegationInputSchema } from '../../service/approval/delegations.ts';
import { SignRequestSchema, WithdrawRequestSchema } from '../../service/approval/sign.ts';
import { defineRoute, parseOrThrow } from '../route.ts';
import { IdOrTagParams } from './releases.ts';

const ConditionMetJson = z.object({ evidenceId: z.string().min(1) }).strict();
const SignatureParams = z.object({ id: z.string().min(1).describe('sig_…') });
const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown credentials', json: ProblemJson },
  403: {
    description:
      'refused: wrong password, role not held, training missing, separation of duties (audited)',
    json: ProblemJson,
  },
};

export const approvalRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/approvals',
      operationId: 'listApprovals',
      summary: 'What a signature would cover now, and every signature with whether it still counts',
      tag: 'approvals',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the signing view', json: SigningViewJson },
        401: problems[401],
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      const view = await services.approvals.view(params.idOrTag);
      return {
        content: view.content,
        contentHash: view.contentHash,
        lines: view.lines,
        signatures: view.signatures,
      };
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/releases/{idOrTag}/approvals',
      operationId: 'signApproval',
      summary:
        'Sign an approval for one role: needs a signed-in person re-entering their password now',
      tag: 'approvals',
      auth: true,
      params: IdOrTagParams,
      body: { json: SignRequestSchema },
      responses: {
        201: { description: 'signed', json: SignatureJson },
        ...problems,
        404: { description: 'no such release', json: ProblemJson },
        429: { description: 'the account is locked after wrong passwords', json: ProblemJson },
      },
    },
    async handle({ request, reply, params, actor, services }) {
      reply.code(201);
      return services.approvals.sign(actor, params.idOrTag, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/signatures/{id}/withdraw',
      operationId: 'withdrawApproval',
      summary: 'Withdraw your approval: a new signed record (the approval is never edited)',
      tag: 'approvals',
      auth: true,
      params: SignatureParams,
      body: { json: WithdrawRequestSchema },
      responses: {
        201: { description: 'withdrawn', json: SignatureJson },
        ...problems,
        404: { description: 'no such approval', json: ProblemJson },
      },
    },
    async handle({ request, reply, params, actor, services }) {
      reply.code(201);
      return services.approvals.withdraw(actor, params.id, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/signatures/{id}/condition-met',
      operationId: 'meetCondition',
      summary: "Mark a conditional approval's condition met, with the evidence that shows it",
      tag: 'approvals',
      auth: true,
      params: SignatureParams,
      body: { json: ConditionMetJson },
      responses: {
        204: { description: 'recorded' },
        ...problems,
        404: { description: 'no such conditional approval', json: ProblemJson },
      },
    },
    async handle({ request, reply, params, actor, services }) {
      const { evidenceId } = parseOrThrow(ConditionMetJson, request.body, 'body');
      await services.approvals.meetCondition(actor, params.id, evidenceId);
      reply.code(204);
      return null;
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/delegations',
      operationId: 'createDelegation',
      summary: 'Name a backup approver: who may sign for whom, in which role, in which window',
      tag: 'approvals',
      auth: true,
      body: { json: DelegationInputSchema },
      responses: {
        201: { description: 'recorded', json: DelegationJson },
        400: problems[400],
        401: problems[401],
        403: { description: 'not yours to delegate', json: ProblemJson },
        404: { description: 'no such user', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      reply.code(201);
      return services.delegations.create(actor, request.body);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/delegations',
      operationId: 'listDelegations',
      summary:
        'Delegations, newest first: all for admins and auditors, otherwise those naming the caller',
      tag: 'approvals',
      auth: true,
      responses: {
        200: { description: 'the delegations', json: DelegationListJson },
        401: problems[401],
      },
    },
    async handle({ services, actor }) {
      return { items: await services.delegations.list(actor) };
    },
  }),
];

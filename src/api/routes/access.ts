import { z } from 'zod';
import { CreateTokenInputSchema } from '../../core/access/token-input.ts';
import { TrainingInputSchema } from '../../core/access/training.ts';
import {
  CreateUserInputSchema,
  LoginInputSchema,
  RoleGrantInputSchema,
  RoleName,
} from '../../core/access/user.ts';
import { DossierError } from '../../core/errors.ts';
import {
  ActorJson,
  CreatedTokenJson,
  EligibilityJson,
  PeopleJson,
  ProblemJson,
  RoleChangeJson,
  SessionJson,
  TokenJson,
  TokenListJson,
  TrainingListJson,
  TrainingRecordJson,
  UserJson,
  UserListJson,
} from '../../core/wire-schemas.ts';
import { sessionTokenOf, setSessionCookie } from '../credentials.ts';
import { presentActor, presentToken, presentTraining, presentUser } from '../present.ts';
import { defineRoute } from '../route.ts';

const UserParams = z.object({ username: z.string().min(1).max(64) });

const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing, unknown, expired or revoked credentials', json: ProblemJson },
};
const adminProblems = {
  ...problems,
  403: { description: 'only an admin may do this', json: ProblemJson },
};
const userProblems = {
  ...adminProblems,
  404: { description: 'no such user', json: ProblemJson },
};
/** Reading an account that is not your own. */
const readProblems = {
  ...problems,
  403: {
    description: "only an admin or an auditor may read another person's account",
    json: ProblemJson,
  },
  404: userProblems[404],
};

const sessionRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/sessions',
      operationId: 'signIn',
      summary: 'Sign in with username and password: a session token, also set as a cookie',
      tag: 'access',
      auth: false,
      body: { json: LoginInputSchema },
      responses: {
        201: { description: 'signed in', json: SessionJson },
        400: problems[400],
        401: { description: 'the username or password was not accepted', json: ProblemJson },
        429: {
          description: 'the account is locked after too many wrong passwords',
          json: ProblemJson,
        },
      },
    },
    async handle({ request, reply, services }) {
      const { token, session, user } = await services.sessions.login(request.body);
      const ttl = (Date.parse(session.expiresAt) - Date.parse(session.createdAt)) / 1000;
      setSessionCookie(request, reply, token, ttl);
      reply.code(201).header('cache-control', 'no-store');
      return { token, expiresAt: session.expiresAt, user: presentUser(user) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/sessions/current',
      operationId: 'whoAmI',
      summary: 'Who the request is authenticated as: id, roles, method, person',
      tag: 'access',
      auth: true,
      responses: { 200: { description: 'the actor', json: ActorJson }, ...problems },
    },
    async handle({ actor }) {
      return presentActor(actor);
    },
  }),
  defineRoute({
    spec: {
      method: 'DELETE',
      path: '/v1/sessions/current',
      operationId: 'signOut',
      summary: 'End the session the request is made with (logout) and clear its cookie',
      tag: 'access',
      auth: true,
      responses: { 204: { description: 'signed out' }, ...problems },
    },
    async handle({ request, reply, actor, services }) {
      const token = sessionTokenOf(request);
      if (actor.method !== 'session' || !token) {
        throw new DossierError(
          'INVALID_INPUT',
          `${actor.id} is not a session; an API token is ended with dossier token revoke`,
        );
      }
      await services.sessions.logout(token);
      setSessionCookie(request, reply, '', 0);
      return reply.code(204).send();
    },
  }),
];

const userRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/users',
      operationId: 'createUser',
      summary: 'Create a user account with an initial password and roles (admin)',
      tag: 'access',
      auth: true,
      body: { json: CreateUserInputSchema },
      responses: {
        201: { description: 'created', json: UserJson },
        ...adminProblems,
        409: { description: 'the username is taken', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      const user = await services.users.create(actor, request.body);
      reply.code(201).header('location', `/v1/users/${user.username}`);
      return presentUser(user);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/users',
      operationId: 'listUsers',
      summary: 'List user accounts and their roles (admin or auditor)',
      tag: 'access',
      auth: true,
      responses: { 200: { description: 'every user', json: UserListJson }, ...adminProblems },
    },
    async handle({ actor, services }) {
      return { items: (await services.users.list(actor)).map(presentUser) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/users/{username}',
      operationId: 'getUser',
      summary: 'Get one user account (your own, or any as an admin or auditor)',
      tag: 'access',
      auth: true,
      params: UserParams,
      responses: { 200: { description: 'the user', json: UserJson }, ...readProblems },
    },
    async handle({ params, actor, services }) {
      return presentUser(await services.users.get(actor, params.username));
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/users/{username}/disable',
      operationId: 'disableUser',
      summary: 'Disable an account: it can no longer sign in or sign; the record stays (admin)',
      tag: 'access',
      auth: true,
      params: UserParams,
      responses: { 200: { description: 'the disabled user', json: UserJson }, ...userProblems },
    },
    async handle({ params, actor, services }) {
      return presentUser(await services.users.disable(actor, params.username));
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/users/{username}/roles',
      operationId: 'grantRole',
      summary: 'Grant a role (admin; never on your own account)',
      tag: 'access',
      auth: true,
      params: UserParams,
      body: { json: RoleGrantInputSchema },
      responses: {
        200: { description: 'the user after the grant', json: RoleChangeJson },
        ...userProblems,
      },
    },
    async handle({ request, params, actor, services }) {
      const change = await services.users.grantRole(actor, params.username, request.body);
      return { user: presentUser(change.user), changed: change.changed };
    },
  }),
  defineRoute({
    spec: {
      method: 'DELETE',
      path: '/v1/users/{username}/roles/{role}',
      operationId: 'revokeRole',
      summary: 'Revoke a role (admin; never on your own account)',
      tag: 'access',
      auth: true,
      params: UserParams.extend({ role: z.string() }),
      responses: {
        200: { description: 'the user after the revocation', json: RoleChangeJson },
        ...userProblems,
      },
    },
    async handle({ params, actor, services }) {
      const change = await services.users.revokeRole(actor, params.username, {
        role: params.role,
      });
      return { user: presentUser(change.user), changed: change.changed };
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/users/{username}/training',
      operationId: 'recordTraining',
      summary: 'Record a completed training: course, version, completion date, expiry (admin)',
      tag: 'access',
      auth: true,
      params: UserParams,
      body: { json: TrainingInputSchema },
      responses: {
        201: { description: 'recorded', json: TrainingRecordJson },
        ...userProblems,
      },
    },
    async handle({ request, reply, params, actor, services }) {
      const record = await services.training.record(actor, params.username, request.body);
      reply.code(201);
      return presentTraining(record);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/users/{username}/training',
      operationId: 'listTraining',
      summary: "A user's training records, oldest first (your own, or any as an admin or auditor)",
      tag: 'access',
      auth: true,
      params: UserParams,
      responses: { 200: { description: 'the records', json: TrainingListJson }, ...readProblems },
    },
    async handle({ params, actor, services }) {
      return {
        items: (await services.training.list(actor, params.username)).map(presentTraining),
      };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/users/{username}/eligibility',
      operationId: 'signingEligibility',
      summary:
        'Whether the user may sign for a role now, and if not, why (yourself, or anyone as an admin or auditor)',
      tag: 'access',
      auth: true,
      params: UserParams,
      query: z.object({ role: RoleName }),
      responses: {
        200: { description: 'eligible, or the reason not', json: EligibilityJson },
        ...readProblems,
      },
    },
    async handle({ params, query, actor, services }) {
      return services.training.eligibility(actor, params.username, query.role);
    },
  }),
];

const directoryRoutes = [
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/people',
      operationId: 'listPeople',
      summary:
        'Enabled people by username and printed name, for choosing one (a backup approver); no roles',
      tag: 'access',
      auth: true,
      responses: { 200: { description: 'the directory', json: PeopleJson }, ...problems },
    },
    async handle({ services }) {
      return { items: await services.users.directory() };
    },
  }),
];

const tokenRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/tokens',
      operationId: 'createToken',
      summary:
        'Create an API token for CI, scoped to roles and optionally services, with expiry (admin)',
      tag: 'access',
      auth: true,
      body: { json: CreateTokenInputSchema },
      responses: {
        201: { description: 'created; the value is shown only here', json: CreatedTokenJson },
        ...adminProblems,
        409: { description: 'a token with this name exists', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      const { token, value } = await services.tokens.create(actor, request.body);
      reply.code(201).header('cache-control', 'no-store');
      return { token: presentToken(token), value };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/tokens',
      operationId: 'listTokens',
      summary: 'List API tokens, revoked and expired ones too (admin or auditor)',
      tag: 'access',
      auth: true,
      responses: { 200: { description: 'every token', json: TokenListJson }, ...adminProblems },
    },
    async handle({ actor, services }) {
      return { items: (await services.tokens.list(actor)).map(presentToken) };
    },
  }),
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/tokens/{idOrName}/revoke',
      operationId: 'revokeToken',
      summary: 'Revoke an API token: refused from now on; the record stays (admin)',
      tag: 'access',
      auth: true,
      params: z.object({ idOrName: z.string().min(1) }),
      responses: {
        200: { description: 'the revoked token', json: TokenJson },
        ...adminProblems,
        404: { description: 'no such token', json: ProblemJson },
      },
    },
    async handle({ params, actor, services }) {
      return presentToken(await services.tokens.revoke(actor, params.idOrName));
    },
  }),
];

export const accessRoutes = [...sessionRoutes, ...userRoutes, ...directoryRoutes, ...tokenRoutes];

import { z } from 'zod';
import { ReleaseInputSchema } from '../../core/release.ts';
import {
  AuditEntryPageJson,
  ProblemJson,
  ReleaseJson,
  ReleasePageJson,
} from '../../core/wire-schemas.ts';
import { GateOverviewJson, ReleaseListQuery } from '../../core/wire-schemas-workspace.ts';
import { presentRelease } from '../present.ts';
import { defineRoute } from '../route.ts';

const IdOrTagParams = z.object({
  idOrTag: z
    .string()
    .min(1)
    .describe('release id (rel_…) or tag (service@version+chg-N), URL-encoded'),
});

const problems = {
  400: { description: 'malformed input', json: ProblemJson },
  401: { description: 'missing or unknown API token', json: ProblemJson },
};

export const releaseRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/releases',
      operationId: 'createRelease',
      summary: 'Create a release (idempotent for an identical repeat)',
      tag: 'releases',
      auth: true,
      body: { json: ReleaseInputSchema },
      responses: {
        201: { description: 'created', json: ReleaseJson },
        200: { description: 'an identical release already existed', json: ReleaseJson },
        ...problems,
        409: {
          description: 'the tag exists with a different commit or artifacts',
          json: ProblemJson,
        },
      },
    },
    async handle({ request, reply, actor, services }) {
      const { release, created } = await services.releases.create(actor, request.body);
      reply.code(created ? 201 : 200).header('location', `/v1/releases/${release.id}`);
      return presentRelease(release);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases',
      operationId: 'listReleases',
      summary:
        'List releases: filter by service, state, risk class, text, latest gate per environment, pending my approval; sort; newest first by default',
      tag: 'releases',
      auth: true,
      query: ReleaseListQuery,
      responses: {
        200: { description: 'one page of releases', json: ReleasePageJson },
        ...problems,
      },
    },
    async handle({ query, actor, services }) {
      const { env, pending, ...rest } = query;
      const page = await services.releases.list({
        ...rest,
        environment: env,
        // "Pending my approval": the roles the caller holds now.
        ...(pending === 'mine' ? { pendingRoles: actor.roles } : {}),
      });
      return { items: page.items.map(presentRelease), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}',
      operationId: 'getRelease',
      summary: 'Get one release by id or tag',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the release', json: ReleaseJson },
        ...problems,
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return presentRelease(await services.releases.get(params.idOrTag));
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/gates',
      operationId: 'releaseGates',
      summary:
        "The latest recorded gate decision for each environment of the release's policy (evaluates nothing)",
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'per environment', json: GateOverviewJson },
        ...problems,
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return services.releases.gates(params.idOrTag);
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/audit',
      operationId: 'releaseAuditTrail',
      summary: 'Audit log entries about the release and its change request, in log order',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the entries', json: AuditEntryPageJson },
        ...problems,
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      return { items: await services.releases.timeline(params.idOrTag) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/dossier',
      operationId: 'exportDossier',
      summary:
        'Export the release dossier: one zip an auditor verifies offline (the export is logged)',
      tag: 'releases',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the dossier archive (application/zip)', binary: true },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, reply, actor, services }) {
      const exported = await services.dossier.export(actor, params.idOrTag);
      reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${exported.fileName}"`)
        .header('x-dossier-manifest-sha256', exported.manifestSha256);
      return reply.send(exported.stream);
    },
  }),
];

export { IdOrTagParams };

import { z } from 'zod';
import { CI_CONTEXT_HEADER, decodeCiContextHeader } from '../../core/ci-context.ts';
import { DossierError } from '../../core/errors.ts';
import { EVIDENCE_KINDS } from '../../core/evidence-record.ts';
import { AttachEvidenceJson, EvidenceListJson, ProblemJson } from '../../core/wire-schemas.ts';
import { presentEvidence } from '../present.ts';
import { defineRoute } from '../route.ts';
import { IdOrTagParams } from './releases.ts';

export const evidenceRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/releases/{idOrTag}/evidence',
      operationId: 'attachEvidence',
      summary: 'Attach an evidence file; the request body is the file, byte for byte',
      tag: 'evidence',
      auth: true,
      params: IdOrTagParams,
      query: z.object({
        kind: z
          .string()
          .describe(`one of ${EVIDENCE_KINDS.join(', ')}, or auto to detect it from the content`),
        name: z.string().describe('the file name, for people; never used as a path'),
      }),
      body: {
        binary: true,
        description:
          'the evidence file (any content type). Optional header Dossier-CI-Context: base64url of the JSON CI context (provider, commit, branch, repository, runId, runUrl, actor), kept on the record',
      },
      responses: {
        201: { description: 'attached', json: AttachEvidenceJson },
        200: {
          description: 'the same bytes of the same kind were already attached',
          json: AttachEvidenceJson,
        },
        400: {
          description: 'unknown kind, empty file, bad name or an upload cut off',
          json: ProblemJson,
        },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        404: { description: 'no such release', json: ProblemJson },
        413: { description: 'larger than the configured limit', json: ProblemJson },
      },
    },
    async handle({ request, reply, params, query, actor, services }) {
      const declared = request.headers['content-length'];
      const contentType = request.headers['content-type'];
      const result = await services.evidence.attach(actor, {
        ciContext: ciContextOf(request.headers[CI_CONTEXT_HEADER]),
        release: params.idOrTag,
        kind: query.kind,
        name: query.name,
        mediaType: contentType?.split(';')[0]?.trim(),
        declaredSize: declared === undefined ? undefined : Number(declared),
        body: request.raw,
      });
      reply.code(result.created ? 201 : 200);
      return { evidence: presentEvidence(result.evidence), created: result.created };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/releases/{idOrTag}/evidence',
      operationId: 'listEvidence',
      summary: "List a release's evidence, in the order it was attached",
      tag: 'evidence',
      auth: true,
      params: IdOrTagParams,
      responses: {
        200: { description: 'the evidence records', json: EvidenceListJson },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        404: { description: 'no such release', json: ProblemJson },
      },
    },
    async handle({ params, services }) {
      const items = await services.evidence.list(params.idOrTag);
      return { items: items.map(presentEvidence) };
    },
  }),
  defineRoute({
    spec: {
      method: 'GET',
      path: '/v1/blobs/{sha256}',
      operationId: 'getBlob',
      summary: 'Download the original bytes of evidence by SHA-256',
      tag: 'evidence',
      auth: true,
      params: z.object({ sha256: z.string().describe('64 lowercase hex digits') }),
      responses: {
        200: { description: 'the original bytes', binary: true },
        400: { description: 'not a SHA-256 digest', json: ProblemJson },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        404: { description: 'no evidence has these bytes', json: ProblemJson },
      },
    },
    async handle({ reply, params, services }) {
      const stream = await services.evidence.openBlob(params.sha256);
      const base64 = Buffer.from(params.sha256, 'hex').toString('base64');
      reply
        .type('application/octet-stream')
        // RFC 9530: lets a client check the bytes it received against the digest it asked for.
        .header('repr-digest', `sha-256=:${base64}:`)
        .header('etag', `"${params.sha256}"`)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff');
      return reply.send(stream);
    },
  }),
];

/** The optional `Dossier-CI-Context` header: base64url JSON, checked by the service. */
function ciContextOf(header: string | string[] | undefined): unknown {
  if (header === undefined) return undefined;
  const decoded = typeof header === 'string' ? decodeCiContextHeader(header) : undefined;
  if (decoded === undefined) {
    throw new DossierError('INVALID_INPUT', 'the Dossier-CI-Context header is not base64url JSON', {
      issues: [{ path: 'Dossier-CI-Context', message: 'not base64url JSON' }],
    });
  }
  return decoded;
}

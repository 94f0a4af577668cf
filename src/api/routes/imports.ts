import { z } from 'zod';
import { DossierError } from '../../core/errors.ts';
import { EvidenceJson, ProblemJson, ReleaseJson } from '../../core/wire-schemas.ts';
import { MAX_LEGACY_BYTES } from '../../service/import-legacy-release.ts';
import { presentEvidence, presentRelease } from '../present.ts';
import { defineRoute } from '../route.ts';

const ImportJson = z
  .object({ release: ReleaseJson, record: EvidenceJson, created: z.boolean() })
  .meta({ id: 'ImportResult' });

export const importRoutes = [
  defineRoute({
    spec: {
      method: 'POST',
      path: '/v1/imports/legacy-release',
      operationId: 'importLegacyRelease',
      summary:
        'Import a legacy release evidence bundle (JSON); its facts are marked imported, not verified',
      tag: 'releases',
      auth: true,
      body: {
        binary: true,
        description: 'the legacy JSON record, byte for byte (kept as evidence)',
      },
      responses: {
        201: { description: 'imported', json: ImportJson },
        200: { description: 'this exact record was already imported', json: ImportJson },
        400: {
          description: 'a field Dossier cannot record (short SHA, bad digest)',
          json: ProblemJson,
        },
        401: { description: 'missing or unknown API token', json: ProblemJson },
        409: { description: 'the release exists with a different commit', json: ProblemJson },
        413: { description: 'larger than 16 MiB', json: ProblemJson },
        422: { description: 'not a legacy release bundle', json: ProblemJson },
      },
    },
    async handle({ request, reply, actor, services }) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request.raw) {
        size += (chunk as Buffer).length;
        if (size > MAX_LEGACY_BYTES) {
          throw new DossierError(
            'EVIDENCE_TOO_LARGE',
            `a legacy record is at most ${MAX_LEGACY_BYTES} bytes`,
          );
        }
        chunks.push(chunk as Buffer);
      }
      const result = await services.dossier.importLegacy(actor, Buffer.concat(chunks));
      reply.code(result.created ? 201 : 200);
      return {
        release: presentRelease(result.release),
        record: presentEvidence(result.record),
        created: result.created,
      };
    },
  }),
];

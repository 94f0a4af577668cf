import { userInfo } from 'node:os';
import { presentEvidence, presentRelease } from '../api/present.ts';
import { presentCheckpoint } from '../api/routes/log.ts';
import type { Actor } from '../core/actor.ts';
import type { Services } from '../service/services.ts';
import type { DossierClient } from './client.ts';
import { localPolicyClient } from './local-policy-client.ts';

/** Runs the same services the server runs, in this process, on a local data directory. */
export function localClient(services: Services): DossierClient {
  const actor: Actor = { id: `local:${userInfo().username}`, roles: ['admin'] };
  return {
    ...localPolicyClient(services, actor),
    async createRelease(input) {
      const { release, created } = await services.releases.create(actor, input);
      return { release: presentRelease(release), created };
    },
    async getRelease(idOrTag) {
      return presentRelease(await services.releases.get(idOrTag));
    },
    async listReleases(params) {
      const page = await services.releases.list(params);
      return { items: page.items.map(presentRelease), nextCursor: page.nextCursor };
    },
    async listEvidence(idOrTag) {
      return (await services.evidence.list(idOrTag)).map(presentEvidence);
    },
    async attachEvidence(file) {
      const result = await services.evidence.attach(actor, {
        release: file.release,
        kind: file.kind,
        name: file.name,
        declaredSize: file.size,
        body: file.open(),
      });
      return { evidence: presentEvidence(result.evidence), created: result.created };
    },
    logCheckpoint: async () => presentCheckpoint(await services.log.checkpoint()),
    logCheckpoints: async (fromSize, limit) =>
      (await services.log.checkpoints(fromSize, limit)).map(presentCheckpoint),
    logKeys: async () => services.log.keys(),
    logEntries: (fromSeq, limit) => services.log.entries(fromSeq, limit),
    logLeaves: (fromSeq, limit) => services.log.leaves(fromSeq, limit),
    logConsistency: (from, to) => services.log.consistencyProof(from, to),
    rotateLogKey: () => services.log.rotateKey(actor),
    exportDossier: async (idOrTag) => services.dossier.export(actor, idOrTag),
    async importLegacy(bytes) {
      const result = await services.dossier.importLegacy(actor, bytes);
      return {
        release: presentRelease(result.release),
        record: presentEvidence(result.record),
        created: result.created,
      };
    },
    close: () => services.close(),
  };
}

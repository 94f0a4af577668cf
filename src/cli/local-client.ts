import { userInfo } from 'node:os';
import {
  presentActor,
  presentEvidence,
  presentJob,
  presentRelease,
  presentToken,
  presentTraining,
  presentUser,
} from '../api/present.ts';
import { presentCheckpoint } from '../api/routes/log.ts';
import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import type { Services } from '../service/services.ts';
import type { DossierClient } from './client.ts';
import { localPolicyClient } from './local-policy-client.ts';

/** Runs the same services the server runs, in this process, on a local data directory. */
export function localClient(services: Services): DossierClient {
  // Whoever can open the data directory holds every key to it: in-process work acts as admin.
  const actor: Actor = { id: `local:${userInfo().username}`, roles: ['admin'], method: 'local' };
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
        ciContext: file.ciContext,
      });
      return { evidence: presentEvidence(result.evidence), created: result.created };
    },
    logCheckpoint: async () => presentCheckpoint(await services.log.checkpoint()),
    logCheckpoints: async (fromSize, limit) =>
      (await services.log.checkpoints(fromSize, limit)).map(presentCheckpoint),
    logKeys: async () => services.log.keys(),
    logEntries: (fromSeq, limit) => services.log.entries(fromSeq, limit),
    logLeafBatch: (fromSeq, toSeq) => services.log.leafBatch(fromSeq, toSeq),
    logConsistency: (from, to) => services.log.consistencyProof(from, to),
    rotateLogKey: () => services.log.rotateKey(actor),
    async listJobs(params) {
      const page = await services.jobs.list(actor, params);
      return {
        items: page.items.map(presentJob),
        nextCursor: page.nextCursor,
        counts: page.counts,
      };
    },
    exportDossier: async (idOrTag) => services.dossier.export(actor, idOrTag),
    async importLegacy(bytes) {
      const result = await services.dossier.importLegacy(actor, bytes);
      return {
        release: presentRelease(result.release),
        record: presentEvidence(result.record),
        created: result.created,
      };
    },
    async login() {
      throw new DossierError(
        'INVALID_INPUT',
        'dossier login signs in to a server: give --url or DOSSIER_URL, not --local',
      );
    },
    async logout() {
      throw new DossierError('INVALID_INPUT', 'dossier logout ends a server session, not --local');
    },
    whoAmI: async () => presentActor(actor),
    createUser: async (input) => presentUser(await services.users.create(actor, input)),
    listUsers: async () => (await services.users.list(actor)).map(presentUser),
    disableUser: async (username) => presentUser(await services.users.disable(actor, username)),
    async grantRole(username, role) {
      const change = await services.users.grantRole(actor, username, { role });
      return { user: presentUser(change.user), changed: change.changed };
    },
    async revokeRole(username, role) {
      const change = await services.users.revokeRole(actor, username, { role });
      return { user: presentUser(change.user), changed: change.changed };
    },
    recordTraining: async (username, input) =>
      presentTraining(await services.training.record(actor, username, input)),
    listTraining: async (username) =>
      (await services.training.list(actor, username)).map(presentTraining),
    eligibility: (username, role) => services.training.eligibility(actor, username, role),
    async createToken(input) {
      const { token, value } = await services.tokens.create(actor, input);
      return { token: presentToken(token), value };
    },
    listTokens: async () => (await services.tokens.list(actor)).map(presentToken),
    revokeToken: async (idOrName) => presentToken(await services.tokens.revoke(actor, idOrName)),
    listIntegrations: () => services.integrations.list(actor),
    putIntegration: (source, secret) => services.integrations.add(actor, source, secret),
    removeIntegration: (source) => services.integrations.remove(actor, source),
    close: () => services.close(),
  };
}

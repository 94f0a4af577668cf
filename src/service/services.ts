import type { Actor } from '../core/actor.ts';
import { type AttachEvidenceRequest, attachEvidence } from './attach-evidence.ts';
import {
  consistencyProof,
  inclusionProof,
  latestCheckpoint,
  listLogEntries,
  listLogLeaves,
  rotateLogKey,
} from './audit-log.ts';
import { createRelease } from './create-release.ts';
import type { ServiceDeps } from './deps.ts';
import { listEvidence, openBlob } from './evidence-queries.ts';
import { exportDossier } from './export/export-dossier.ts';
import { importLegacyRelease } from './import-legacy-release.ts';
import { checkReady } from './ready.ts';
import { getRelease, type ListReleasesOptions, listReleases } from './release-queries.ts';
import { authenticate, ensureBootstrapToken } from './tokens.ts';

/**
 * The composition root: every use case bound to one set of dependencies. The API, the CLI in
 * `--local` mode and the tests all call Dossier through this object.
 */
export function createServices(deps: ServiceDeps) {
  return {
    deps,
    releases: {
      create: (actor: Actor, input: unknown) => createRelease(deps, actor, input),
      get: (idOrTag: string) => getRelease(deps, idOrTag),
      list: (options?: ListReleasesOptions) => listReleases(deps, options),
    },
    evidence: {
      attach: (actor: Actor, request: AttachEvidenceRequest) =>
        attachEvidence(deps, actor, request),
      list: (idOrTag: string) => listEvidence(deps, idOrTag),
      openBlob: (sha256: string) => openBlob(deps, sha256),
    },
    dossier: {
      export: (actor: Actor, idOrTag: string) => exportDossier(deps, actor, idOrTag),
      importLegacy: (actor: Actor, bytes: Uint8Array) => importLegacyRelease(deps, actor, bytes),
    },
    log: {
      checkpoint: () => latestCheckpoint(deps),
      checkpoints: (fromSize: number, limit: number) =>
        deps.store.listCheckpoints({ fromSize, limit }),
      entries: (fromSeq: number, limit: number) => listLogEntries(deps, fromSeq, limit),
      leaves: (fromSeq: number, limit: number) => listLogLeaves(deps, fromSeq, limit),
      inclusionProof: (seq: number, treeSize: number) => inclusionProof(deps, seq, treeSize),
      consistencyProof: (from: number, to: number) => consistencyProof(deps, from, to),
      keys: () => ({ origin: deps.signer.origin, keys: deps.signer.publishedKeys() }),
      rotateKey: (actor: Actor) => rotateLogKey(deps, actor),
    },
    tokens: {
      authenticate: (bearer: string | undefined) => authenticate(deps, bearer),
      ensureBootstrap: (chosen: string | undefined) => ensureBootstrapToken(deps, chosen),
    },
    /** Throws STORAGE_UNAVAILABLE unless the store answers a read within a few seconds. */
    ready: () => checkReady(deps),
    close: async () => {
      await deps.store.close();
      await deps.blobs.close?.();
    },
  };
}

export type Services = ReturnType<typeof createServices>;

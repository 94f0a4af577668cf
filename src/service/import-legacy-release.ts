import type { Actor } from '../core/actor.ts';
import { DossierError } from '../core/errors.ts';
import type { Evidence } from '../core/evidence-record.ts';
import type { Release } from '../core/release.ts';
import { parseLegacyBundle } from '../evidence/legacy/legacy-release-bundle.ts';
import { attachEvidence } from './attach-evidence.ts';
import { createRelease } from './create-release.ts';
import type { ServiceDeps } from './deps.ts';

export const MAX_LEGACY_BYTES = 16 * 1024 * 1024;

export interface ImportResult {
  release: Release;
  record: Evidence;
  /** False when this exact record had already been imported. */
  created: boolean;
}

/**
 * Brings a legacy release record into Dossier: the release is created from its facts, the
 * original file is kept byte for byte as `legacy-record` evidence whose summary marks every fact
 * imported and unverified, and the import is logged as such.
 */
export async function importLegacyRelease(
  deps: ServiceDeps,
  actor: Actor,
  bytes: Uint8Array,
): Promise<ImportResult> {
  const bundle = parseLegacyBundle(bytes);
  const commit = bundle.git_sha.toLowerCase();
  if (commit.length !== 40 && commit.length !== 64) {
    throw new DossierError(
      'INVALID_INPUT',
      `git_sha "${bundle.git_sha}" is abbreviated; Dossier records full commit SHAs (expand it with git rev-parse)`,
      { issues: [{ path: 'git_sha', message: 'must be 40 or 64 hex digits' }] },
    );
  }
  const input: Record<string, unknown> = {
    service: serviceName(bundle.product),
    version: String(bundle.version),
    commit,
  };
  const artifact = artifactDigest(bundle.artifact_hash);
  if (artifact) input.artifacts = [artifact];
  const { release } = await createRelease(deps, actor, input);
  const attached = await attachEvidence(deps, actor, {
    release: release.id,
    kind: 'legacy-record',
    name: `legacy-release-${String(bundle.release_id)
      .replace(/[^\w.-]/g, '_')
      .slice(0, 100)}.json`,
    mediaType: 'application/json',
    body: (async function* () {
      yield bytes;
    })(),
  });
  if (attached.created) {
    await deps.store.transaction((tx) =>
      tx.appendAudit({
        time: deps.clock.now().toISOString(),
        actor: actor.id,
        action: 'release.imported',
        subject: `release:${release.id}`,
        details: {
          tag: release.tag,
          legacyReleaseId: String(bundle.release_id),
          record: attached.evidence.id,
          sha256: attached.evidence.sha256,
          verified: false,
        },
      }),
    );
  }
  return {
    release: (await deps.store.getReleaseById(release.id)) ?? release,
    record: attached.evidence,
    created: attached.created,
  };
}

/** `Payments API` → `payments-api`: the product name in Dossier's service-name alphabet. */
function serviceName(product: string): string {
  const name = product
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 64);
  if (!name) {
    throw new DossierError(
      'INVALID_INPUT',
      `product "${product}" has no letters or digits to name a service by`,
      {
        issues: [{ path: 'product', message: 'no usable service name' }],
      },
    );
  }
  return name;
}

function artifactDigest(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const hex = value.toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new DossierError(
      'INVALID_INPUT',
      `artifact_hash "${value.slice(0, 80)}" is not a SHA-256 digest`,
      {
        issues: [{ path: 'artifact_hash', message: 'must be sha256:<64 hex> or 64 hex digits' }],
      },
    );
  }
  return `sha256:${hex}`;
}

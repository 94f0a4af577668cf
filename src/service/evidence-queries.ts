import type { Readable } from 'node:stream';
import { DossierError } from '../core/errors.ts';
import { type Evidence, isSha256Hex } from '../core/evidence-record.ts';
import type { ServiceDeps } from './deps.ts';
import { getRelease } from './release-queries.ts';

export async function listEvidence(
  deps: Pick<ServiceDeps, 'store'>,
  idOrTag: string,
): Promise<Evidence[]> {
  const release = await getRelease(deps, idOrTag);
  return deps.store.listEvidence(release.id);
}

/**
 * Opens the original bytes of a piece of evidence by digest. The digest is checked before it
 * goes anywhere near the blob store, so a path (`../../etc/passwd`) is refused, not resolved.
 * Only blobs that some evidence record points at are served.
 */
export async function openBlob(
  deps: Pick<ServiceDeps, 'store' | 'blobs'>,
  sha256: string,
): Promise<Readable> {
  if (!isSha256Hex(sha256)) {
    throw new DossierError(
      'INVALID_DIGEST',
      `"${sha256.slice(0, 80)}" is not a SHA-256 digest (64 lowercase hex digits)`,
      { issues: [{ path: 'sha256', message: 'must be 64 lowercase hex digits' }] },
    );
  }
  const stream = (await deps.store.isBlobReferenced(sha256))
    ? await deps.blobs.open(sha256)
    : undefined;
  if (!stream) throw new DossierError('BLOB_NOT_FOUND', `no evidence with sha256 ${sha256}`);
  return stream;
}

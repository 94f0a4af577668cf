import { DossierError } from '../core/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../core/page.ts';
import { isReleaseId, type Release } from '../core/release.ts';
import { decodeSeqCursor } from '../store/cursor.ts';
import type { StoreReader } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';

/** Finds a release by id (`rel_…`) or by tag (`payments-api@1.18.4+chg-1842`). */
export async function getRelease(
  deps: Pick<ServiceDeps, 'store'>,
  idOrTag: string,
): Promise<Release> {
  const release = await findRelease(deps.store, idOrTag);
  if (!release) {
    throw new DossierError('RELEASE_NOT_FOUND', `no release with id or tag "${idOrTag}"`);
  }
  return release;
}

export async function findRelease(
  reader: StoreReader,
  idOrTag: string,
): Promise<Release | undefined> {
  return isReleaseId(idOrTag) ? reader.getReleaseById(idOrTag) : reader.getReleaseByTag(idOrTag);
}

export interface ListReleasesOptions {
  limit?: number | undefined;
  cursor?: string | undefined;
  service?: string | undefined;
}

export async function listReleases(
  deps: Pick<ServiceDeps, 'store'>,
  options: ListReleasesOptions = {},
): Promise<Page<Release>> {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new DossierError(
      'INVALID_INPUT',
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
      {
        issues: [{ path: 'limit', message: `must be from 1 to ${MAX_PAGE_SIZE}` }],
      },
    );
  }
  if (options.cursor !== undefined) {
    try {
      decodeSeqCursor(options.cursor);
    } catch {
      throw new DossierError('INVALID_INPUT', 'cursor is not one this server issued', {
        issues: [{ path: 'cursor', message: 'not a cursor from a previous page' }],
      });
    }
  }
  return deps.store.listReleases({ limit, cursor: options.cursor, service: options.service });
}

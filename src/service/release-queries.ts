import { DossierError } from '../core/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../core/page.ts';
import { isReleaseId, type Release } from '../core/release.ts';
import type { ReleaseFilter, ReleaseSort, SortOrder } from '../core/release-listing.ts';
import { decodeKeyCursor } from '../store/cursor.ts';
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

export interface ListReleasesOptions extends ReleaseFilter {
  limit?: number | undefined;
  cursor?: string | undefined;
  sort?: ReleaseSort | undefined;
  order?: SortOrder | undefined;
}

export async function listReleases(
  deps: Pick<ServiceDeps, 'store'>,
  options: ListReleasesOptions = {},
): Promise<Page<Release>> {
  const limit = pageLimit(options.limit);
  if (options.gate !== undefined && options.environment === undefined) {
    throw new DossierError('INVALID_INPUT', 'a gate filter needs the environment it is about', {
      issues: [{ path: 'gate', message: 'give env too, e.g. env=production&gate=blocked' }],
    });
  }
  const sort = options.sort ?? 'created';
  const order = options.order ?? 'desc';
  const cursor = options.cursor;
  if (cursor !== undefined) checkCursor(() => decodeKeyCursor(cursor, sort, order));
  return deps.store.listReleases({ ...options, limit, sort, order });
}

/** A page size as asked (default 50), or an INVALID_INPUT naming the allowed range. */
export function pageLimit(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new DossierError(
      'INVALID_INPUT',
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
      {
        issues: [{ path: 'limit', message: `must be from 1 to ${MAX_PAGE_SIZE}` }],
      },
    );
  }
  return size;
}

/** Runs a cursor decoder; its RangeError becomes an INVALID_INPUT about the cursor. */
export function checkCursor(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    const message =
      error instanceof RangeError ? error.message : 'not a cursor from a previous page';
    throw new DossierError('INVALID_INPUT', `cursor: ${message}`, {
      issues: [{ path: 'cursor', message }],
    });
  }
}

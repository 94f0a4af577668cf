import type { Release } from './api-client.ts';

/** Tags carry '@' and '+', so they are percent-encoded in the page address too. */
export function releasePath(release: Pick<Release, 'tag'>): string {
  return `/releases/${encodeURIComponent(release.tag)}`;
}

export function userPagePath(username: string): string {
  return `/users/${encodeURIComponent(username)}`;
}

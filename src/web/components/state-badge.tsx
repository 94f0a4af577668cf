import type { Release } from '../api-client.ts';

/** The release state as the API reports it; colour only repeats the word, never replaces it. */
export function StateBadge({ state }: { state: Release['state'] }) {
  return <span className={`badge badge-${state}`}>{state}</span>;
}

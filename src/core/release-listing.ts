import type { ReleaseState } from './release.ts';

/**
 * How the release list may be narrowed and ordered. The API, the store and the web UI share these
 * words; the store turns them into one keyset-paginated query.
 */
export const RELEASE_SORTS = ['created', 'tag', 'service', 'evidence'] as const;
export type ReleaseSort = (typeof RELEASE_SORTS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The latest recorded gate decision for an environment, or `none` when none was recorded. */
export const GATE_FILTERS = ['allowed', 'blocked', 'none'] as const;
export type GateFilter = (typeof GATE_FILTERS)[number];

export interface ReleaseFilter {
  service?: string | undefined;
  state?: ReleaseState | undefined;
  /** The effective class of the release's change (a person's choice over the baseline). */
  riskClass?: string | undefined;
  /** Part of the tag, the start of the commit SHA, or the change id. */
  q?: string | undefined;
  /** With `gate`: whose latest decision to test; alone: releases with a decision there. */
  environment?: string | undefined;
  gate?: GateFilter | undefined;
  /**
   * Releases whose latest decision in some environment (in `environment`, when given) waits for
   * the approval of one of these roles: "pending my approval" is the caller's roles. An empty
   * list matches nothing.
   */
  pendingRoles?: readonly string[] | undefined;
}

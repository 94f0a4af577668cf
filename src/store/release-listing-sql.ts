import type { ReleaseSort } from '../core/release-listing.ts';
import { decodeKeyCursor, encodeKeyCursor, encodeSeqCursor } from './cursor.ts';
import type { ReleaseQuery } from './store.ts';

/** What differs between the adapters when building the release list query. */
export interface ListingDialect {
  tables: { releases: string; changes: string; gateLatest: string; gatePending: string };
  /** Adds a parameter and returns its placeholder (`?` or `$n`). */
  param(value: string | number): string;
  /** A text column as it sorts and compares: byte order on both adapters. */
  text(column: string): string;
}

const SORT_COLUMNS: Record<ReleaseSort, { column: string; text: boolean } | null> = {
  created: null,
  tag: { column: 'r.tag', text: true },
  service: { column: 'r.service', text: true },
  evidence: { column: 'r.evidence_count', text: false },
};

/**
 * Below this many rows waiting for the asked roles, the "pending" filter drives the query from
 * those rows (look each release up, sort the few found); at or above it, the scan in sort order
 * probing each release finds a page of matches quickly. The probing scan alone reads every
 * release when few or none wait (51 ms on 100,000 releases for a role nothing waits for).
 */
export const PENDING_DRIVE_LIMIT = 1000;

/** How many rows wait for the asked roles, counted up to PENDING_DRIVE_LIMIT (an index range). */
export function pendingCountSql(query: ReleaseQuery, d: ListingDialect): string {
  return `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${d.tables.gatePending} p WHERE ${pendingMatch(query, d)} LIMIT ${PENDING_DRIVE_LIMIT}) w`;
}

function pendingMatch(query: ReleaseQuery, d: ListingDialect): string {
  const roles = (query.pendingRoles ?? []).map((role) => d.param(role)).join(', ');
  const env =
    query.environment === undefined ? '' : ` AND p.environment = ${d.param(query.environment)}`;
  return `p.role IN (${roles})${env}`;
}

export interface ListingPlan {
  /** Drive from the pending rows (there are fewer than PENDING_DRIVE_LIMIT of them). */
  pendingFirst?: boolean;
}

/**
 * One keyset-paginated SELECT over releases for the filters and sort asked. Rows come back in
 * page order, one more than the limit so the caller knows whether another page follows; ties in
 * the sort column are broken by insertion sequence, so every sort has a total order and a cursor
 * (the last row's sort value and seq) resumes exactly after it.
 */
export function releaseListingSql(
  query: ReleaseQuery,
  d: ListingDialect,
  plan: ListingPlan = {},
): string {
  const sort = query.sort ?? 'created';
  const order = query.order ?? 'desc';
  const where: string[] = [];
  let from = `${d.tables.releases} r`;
  // Filters on other tables are EXISTS probes, not joins: the scan then runs in the sort's own
  // order and stops after a page, instead of sorting every match first.
  if (query.riskClass !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM ${d.tables.changes} c WHERE c.id = r.change_id AND c.risk_class = ${d.param(query.riskClass)})`,
    );
  }
  if (query.environment !== undefined) {
    const env = d.param(query.environment);
    if (query.gate === 'none') {
      where.push(
        `NOT EXISTS (SELECT 1 FROM ${d.tables.gateLatest} g WHERE g.release_id = r.id AND g.environment = ${env})`,
      );
    } else {
      const decision = query.gate === undefined ? '' : ` AND g.decision = ${d.param(query.gate)}`;
      where.push(
        `EXISTS (SELECT 1 FROM ${d.tables.gateLatest} g WHERE g.release_id = r.id AND g.environment = ${env}${decision})`,
      );
    }
  }
  if (query.pendingRoles !== undefined) {
    if (query.pendingRoles.length === 0) {
      where.push('1 = 0');
    } else if (plan.pendingFirst) {
      // CROSS JOIN keeps SQLite from reordering the join (PostgreSQL plans it by its statistics).
      from = `(SELECT DISTINCT p.release_id FROM ${d.tables.gatePending} p WHERE ${pendingMatch(query, d)}) w CROSS JOIN ${d.tables.releases} r`;
      where.push('r.id = w.release_id');
    } else {
      where.push(
        `EXISTS (SELECT 1 FROM ${d.tables.gatePending} p WHERE p.release_id = r.id AND ${pendingMatch(query, d)})`,
      );
    }
  }
  // Placeholders are numbered (?1, $1), so their order in the text does not matter.
  if (query.service !== undefined) where.push(`r.service = ${d.param(query.service)}`);
  if (query.state !== undefined) where.push(`r.state = ${d.param(query.state)}`);
  if (query.q !== undefined && query.q !== '') {
    const q = query.q.toLowerCase();
    const escaped = q.replaceAll(/[\\%_]/g, (c) => `\\${c}`);
    where.push(
      `(LOWER(r.tag) LIKE ${d.param(`%${escaped}%`)} ESCAPE '\\'` +
        ` OR r.commit_sha LIKE ${d.param(`${escaped}%`)} ESCAPE '\\'` +
        ` OR r.change_id = ${d.param(q.toUpperCase())})`,
    );
  }
  const keyed = SORT_COLUMNS[sort];
  const column = keyed ? (keyed.text ? d.text(keyed.column) : keyed.column) : null;
  const op = order === 'desc' ? '<' : '>';
  if (query.cursor !== undefined) {
    const cursor = decodeKeyCursor(query.cursor, sort, order);
    if (column === null) {
      where.push(`r.seq ${op} ${d.param(cursor.seq)}`);
    } else {
      const value = keyed?.text
        ? d.text(d.param(String(cursor.value)))
        : d.param(Number(cursor.value));
      const again = keyed?.text
        ? d.text(d.param(String(cursor.value)))
        : d.param(Number(cursor.value));
      where.push(
        `(${column} ${op} ${value} OR (${column} = ${again} AND r.seq ${op} ${d.param(cursor.seq)}))`,
      );
    }
  }
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const orderBy =
    column === null ? `r.seq ${direction}` : `${column} ${direction}, r.seq ${direction}`;
  return [
    `SELECT r.* FROM ${from}`,
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    `ORDER BY ${orderBy}`,
    `LIMIT ${d.param(query.limit + 1)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The cursor that resumes after `last` (a raw row), or null when this was the last page. */
export function nextReleaseCursor(
  query: ReleaseQuery,
  rows: readonly Record<string, unknown>[],
): string | null {
  if (rows.length <= query.limit) return null;
  const last = rows[query.limit - 1];
  if (!last) return null;
  const sort = query.sort ?? 'created';
  const order = query.order ?? 'desc';
  const seq = Number(last.seq);
  // Newest first is the list's old and default order: its cursors stay plain sequence cursors.
  if (sort === 'created' && order === 'desc') return encodeSeqCursor(seq);
  const value =
    sort === 'tag'
      ? String(last.tag)
      : sort === 'service'
        ? String(last.service)
        : sort === 'evidence'
          ? Number(last.evidence_count)
          : seq;
  return encodeKeyCursor({ sort, order, value, seq });
}

import type { ExceptionStateBounds } from '../core/exception/exception.ts';
import { decodeSeqCursor, encodeSeqCursor } from './cursor.ts';
import type { DashboardPeriod } from './store.ts';

/** What differs between the adapters when building exception queries. */
export interface ExceptionDialect {
  tables: { exceptions: string; approvals: string };
  /** Adds a parameter and returns its placeholder. */
  param(value: string | number): string;
  /** The request time out of the stored record (ISO 8601 UTC text). */
  requestedAt: string;
}

export interface ExceptionFilter {
  /** Exceptions that apply to this release: scoped to it, or to its whole service. */
  release?: { id: string; service: string } | undefined;
  /** Only those in one state at the time the bounds were made for (core/exception). */
  state?: ExceptionStateBounds | undefined;
  /** Only those requested in the period. */
  requestedIn?: DashboardPeriod | undefined;
}

export interface ExceptionQuery extends ExceptionFilter {
  limit: number;
  /** Cursor from a previous page's `nextCursor`. */
  cursor?: string | undefined;
}

const FROM = (d: ExceptionDialect) =>
  `FROM ${d.tables.exceptions} e LEFT JOIN ${d.tables.approvals} a ON a.exception_id = e.id`;

function where(filter: ExceptionFilter, d: ExceptionDialect): string[] {
  const clauses: string[] = [];
  if (filter.release !== undefined) {
    clauses.push(
      `(e.release_id = ${d.param(filter.release.id)} OR e.service = ${d.param(filter.release.service)})`,
    );
  }
  const state = filter.state;
  if (state?.approved !== undefined) {
    clauses.push(state.approved ? 'a.exception_id IS NOT NULL' : 'a.exception_id IS NULL');
  }
  if (state?.expiresAfter !== undefined) {
    clauses.push(`e.expires_at > ${d.param(state.expiresAfter)}`);
  }
  if (state?.expiresAtOrBefore !== undefined) {
    clauses.push(`e.expires_at <= ${d.param(state.expiresAtOrBefore)}`);
  }
  if (filter.requestedIn !== undefined) {
    clauses.push(`${d.requestedAt} >= ${d.param(filter.requestedIn.from)}`);
    clauses.push(`${d.requestedAt} < ${d.param(filter.requestedIn.to)}`);
  }
  return clauses;
}

/**
 * One page of exceptions, newest first (insertion order), one row more than the limit so the
 * caller knows whether another page follows. The cursor is the release list's sequence cursor.
 */
export function exceptionListingSql(query: ExceptionQuery, d: ExceptionDialect): string {
  const clauses = where(query, d);
  if (query.cursor !== undefined) clauses.push(`e.seq < ${d.param(decodeSeqCursor(query.cursor))}`);
  return [
    `SELECT e.seq, e.record, a.approved_by, a.role, a.approved_at ${FROM(d)}`,
    clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '',
    `ORDER BY e.seq DESC LIMIT ${d.param(query.limit + 1)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The cursor that resumes after the page, or null when this was the last page. */
export function nextExceptionCursor(
  query: ExceptionQuery,
  rows: readonly Record<string, unknown>[],
): string | null {
  if (rows.length <= query.limit) return null;
  const last = rows[query.limit - 1];
  return last ? encodeSeqCursor(Number(last.seq)) : null;
}

/** Request time, expiry and whether approved, for every exception the filter matches. */
export function exceptionTimesSql(filter: ExceptionFilter, d: ExceptionDialect): string {
  const clauses = where(filter, d);
  return [
    `SELECT ${d.requestedAt} AS requested_at, e.expires_at,`,
    `a.exception_id IS NOT NULL AS approved ${FROM(d)}`,
    clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

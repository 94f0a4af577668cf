import type { Period } from './dashboards.ts';

/**
 * Pending approvals by age: how long releases have waited for each role's approval, counted from
 * the UTC day a gate decision first asked for it. A current-state view over a period: the releases
 * created in the period that wait now. Pure: `now` is a parameter.
 */

/** Releases that began waiting for `role` on `day` (YYYY-MM-DD) and still wait. */
export interface PendingApprovalRow {
  role: string;
  day: string;
  releases: number;
}

/** Age bins in whole days: [from, to) — a person reads "waiting 3–6 days" at a glance. */
export const PENDING_AGE_BINS = [
  { label: 'today', from: 0, to: 1 },
  { label: '1–2 days', from: 1, to: 3 },
  { label: '3–6 days', from: 3, to: 7 },
  { label: '7–13 days', from: 7, to: 14 },
  { label: '14–29 days', from: 14, to: 30 },
  { label: '30 days or more', from: 30, to: Number.POSITIVE_INFINITY },
] as const;

export interface PendingApprovalsDashboard {
  period: Period;
  asOf: string;
  bins: string[];
  roles: { role: string; counts: number[]; total: number; oldestDay: string }[];
  total: number;
}

const DAY_MS = 86_400_000;

export function pendingApprovalsDashboard(
  rows: readonly PendingApprovalRow[],
  period: Period,
  now: Date,
): PendingApprovalsDashboard {
  const today = Math.floor(now.getTime() / DAY_MS);
  const byRole = new Map<string, { counts: number[]; oldestDay: string }>();
  for (const row of rows) {
    if (row.releases <= 0) continue;
    const age = Math.max(0, today - Math.floor(Date.parse(`${row.day}T00:00:00.000Z`) / DAY_MS));
    const bin = PENDING_AGE_BINS.findIndex((b) => age >= b.from && age < b.to);
    const entry = byRole.get(row.role) ?? {
      counts: PENDING_AGE_BINS.map(() => 0),
      oldestDay: row.day,
    };
    entry.counts[bin] = (entry.counts[bin] ?? 0) + row.releases;
    if (row.day < entry.oldestDay) entry.oldestDay = row.day;
    byRole.set(row.role, entry);
  }
  const roles = [...byRole.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([role, { counts, oldestDay }]) => ({
      role,
      counts,
      total: counts.reduce((sum, n) => sum + n, 0),
      oldestDay,
    }));
  return {
    period,
    asOf: now.toISOString(),
    bins: PENDING_AGE_BINS.map((b) => b.label),
    roles,
    total: roles.reduce((sum, r) => sum + r.total, 0),
  };
}

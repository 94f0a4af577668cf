import type { Period } from './dashboards.ts';

/** A half-open range of UTC days (`YYYY-MM-DD`) or months (`YYYY-MM`); empty when from = to. */
export interface KeyRange {
  from: string;
  to: string;
}

/**
 * Splits a period of whole UTC days into the whole calendar months inside it and the days at
 * either edge that are not part of one, so a long period is read from monthly counters and
 * only its ragged ends from daily ones. Every day of the period is in exactly one of the three.
 */
export function splitWholeMonths(period: Period): {
  months: KeyRange;
  before: KeyRange;
  after: KeyRange;
} {
  const from = period.from.slice(0, 10);
  const to = period.to.slice(0, 10);
  const firstWhole = from.endsWith('-01') ? from : nextMonthStart(from);
  const lastWholeEnd = `${to.slice(0, 7)}-01`;
  if (firstWhole >= lastWholeEnd) {
    return { months: { from: '', to: '' }, before: { from, to }, after: { from: to, to } };
  }
  return {
    months: { from: firstWhole.slice(0, 7), to: lastWholeEnd.slice(0, 7) },
    before: { from, to: firstWhole },
    after: { from: lastWholeEnd, to },
  };
}

function nextMonthStart(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

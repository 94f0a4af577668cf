/** Display helpers for dashboard figures. */

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** 5400 → "1.5 h"; picks seconds, minutes, hours or days so the number stays short. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A unit for an axis of durations up to `maxSeconds`, so the values read as small numbers. */
export function durationAxis(maxSeconds: number): { unit: string; seconds: number } {
  if (maxSeconds < 120) return { unit: 'seconds', seconds: 1 };
  if (maxSeconds < 2 * 3600) return { unit: 'minutes', seconds: 60 };
  if (maxSeconds < 2 * 86_400) return { unit: 'hours', seconds: 3600 };
  return { unit: 'days', seconds: 86_400 };
}

/** A duration in an axis's unit, to one decimal; null stays null (a gap in the line). */
export function inUnit(seconds: number | null, axis: { seconds: number }): number | null {
  return seconds === null ? null : Math.round((seconds / axis.seconds) * 10) / 10;
}

export function hours(seconds: number | null): number | null {
  return seconds === null ? null : Math.round((seconds / 3600) * 10) / 10;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Durations kept as counts per logarithmic bin, so a year of lead times is a few thousand rows
 * and a median is read from them: each bin spans a 5% ratio, and a bin stands for its geometric
 * middle, so a quantile read from bins is within 2.5% of the exact one.
 */
const RATIO = 1.05;
const LOG_RATIO = Math.log(RATIO);

/** The bin of a duration in seconds; durations under a second (or negative) share bin 0. */
export function durationBin(seconds: number): number {
  return seconds < 1 ? 0 : 1 + Math.round(Math.log(seconds) / LOG_RATIO);
}

/** The duration a bin stands for, in seconds, to the millisecond. */
export function binSeconds(bin: number): number {
  return bin === 0 ? 0 : Math.round(RATIO ** (bin - 1) * 1000) / 1000;
}

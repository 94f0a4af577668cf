import { asString, isObject, type JsonObject } from '../json/json-values.ts';

export const SARIF_LEVELS = ['error', 'warning', 'note', 'none'] as const;
export type SarifLevel = (typeof SARIF_LEVELS)[number];

export const SECURITY_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

const RESULT_KINDS = ['fail', 'pass', 'open', 'review', 'notApplicable', 'informational'];

export function asLevel(value: unknown): SarifLevel | undefined {
  return typeof value === 'string' && (SARIF_LEVELS as readonly string[]).includes(value)
    ? (value as SarifLevel)
    : undefined;
}

export function isResultKind(value: unknown): boolean {
  return typeof value === 'string' && RESULT_KINDS.includes(value);
}

/** A rule's own level: `defaultConfiguration.level`, else `warning` (SARIF 2.1.0 §3.50.3). */
export function ruleDefaultLevel(rule: JsonObject | undefined): SarifLevel {
  const configuration = rule?.defaultConfiguration;
  return (isObject(configuration) ? asLevel(configuration.level) : undefined) ?? 'warning';
}

/**
 * SARIF 2.1.0 §3.27.10: a result whose `kind` is anything but `fail` is not a problem and its
 * level is `none` (the spec allows no other level beside such a kind); otherwise its own
 * `level`, else the level the invocation's configuration overrides give its rule, else the
 * rule's default configuration, and `warning` failing that.
 */
export function resultLevel(
  result: JsonObject,
  rule: JsonObject | undefined,
  overridden?: unknown,
): SarifLevel {
  if (resultKind(result) !== 'fail') return 'none';
  return asLevel(result.level) ?? asLevel(overridden) ?? ruleDefaultLevel(rule);
}

/** The result's kind; absent or unknown reads as `fail` (§3.27.9). */
export function resultKind(result: JsonObject): string {
  return isResultKind(result.kind) ? (result.kind as string) : 'fail';
}

export interface SecurityRating {
  band: SecuritySeverity | null;
  score: number | null;
  /** The producer wrote a band name (`"HIGH"`, as Semgrep OSS does) where a score belongs. */
  named: boolean;
}

/**
 * The `security-severity` property GitHub code scanning reads: a score from 0.0 to 10.0,
 * written as a string, on the result or else on its rule. A band name in its place is taken
 * at its word. `unreadable` says a value was present but is neither.
 */
export function securityRating(
  result: JsonObject | undefined,
  rule: JsonObject | undefined,
): { rating?: SecurityRating; unreadable: boolean } {
  const own = readRating(result);
  const inherited = readRating(rule);
  const rating = isRating(own) ? own : isRating(inherited) ? inherited : undefined;
  return {
    ...(rating ? { rating } : {}),
    unreadable: own === 'unreadable' || inherited === 'unreadable',
  };
}

function isRating(value: SecurityRating | 'unreadable' | undefined): value is SecurityRating {
  return typeof value === 'object';
}

function readRating(holder: JsonObject | undefined): SecurityRating | 'unreadable' | undefined {
  const properties = holder?.properties;
  if (!isObject(properties)) return undefined;
  const raw = properties['security-severity'];
  if (raw === undefined) return undefined;
  const text = asString(raw)?.trim();
  const named = text?.toLowerCase();
  if (named !== undefined && (SECURITY_SEVERITIES as readonly string[]).includes(named)) {
    return { band: named as SecuritySeverity, score: null, named: true };
  }
  const score = typeof raw === 'number' ? raw : Number(text === '' ? Number.NaN : text);
  if (!Number.isFinite(score) || score < 0 || score > 10) return 'unreadable';
  return { band: securitySeverityBand(score), score, named: false };
}

/**
 * The bands GitHub code scanning puts `security-severity` scores in: 9.0 and over is critical,
 * 7.0 to 8.9 high, 4.0 to 6.9 medium, above 0 to 3.9 low; 0 has no security severity.
 */
export function securitySeverityBand(score: number | undefined): SecuritySeverity | null {
  if (score === undefined || score <= 0) return null;
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

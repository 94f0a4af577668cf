import type { EvidenceSummary } from '../format.ts';
import {
  asArray,
  asText,
  describeJsonType,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { BoundedList, cut, Problems, Warnings } from '../json/summary-bounds.ts';
import {
  asLevel,
  isResultKind,
  resultKind,
  resultLevel,
  ruleDefaultLevel,
  type SarifLevel,
  type SecuritySeverity,
  securityRating,
} from './sarif-levels.ts';
import { firstLocation, messageText, RunRules, ruleName } from './sarif-rules.ts';

export const SARIF_LABEL = 'SARIF';

interface ToolEntry {
  name: string | null;
  version: string | null;
  semanticVersion: string | null;
}

interface RuleHit {
  tool: string | null;
  id: string;
  name: string | null;
  count: number;
  level: SarifLevel;
  securitySeverity: SecuritySeverity | null;
  securitySeverityScore: number | null;
}

interface Finding {
  tool: string | null;
  ruleId: string | null;
  level: SarifLevel;
  securitySeverity: SecuritySeverity | null;
  message: string | null;
  uri: string | null;
  startLine: number | null;
}

/**
 * Summarizes a parsed SARIF log. Figures count open results: `results` is every result,
 * `suppressed` those with an accepted suppression, and the level and security-severity counts
 * cover the rest (security severity only where the level is not `none`: a result its tool
 * calls no problem carries no risk to gate on). `findings` and `rules` list failures only
 * (kind `fail`, the default); passes and the like show in the `none` count. Structural faults
 * (a `runs` or `results` that is not an array, a result that is not an object) are gathered in
 * one pass and thrown together.
 */
export function summarizeSarif(log: unknown, readWarnings: readonly string[]): EvidenceSummary {
  const problems = new Problems(SARIF_LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  if (!isObject(log)) {
    return problems.fail('', `expected a SARIF log object, found ${describeJsonType(log)}`);
  }
  const version = cutOrNull(asText(log.version));
  if (version === null) warnings.add('the log has no "version"; read as SARIF 2.1.0');
  else if (!version.startsWith('2.1')) {
    warnings.add(`the log says version ${cut(version, 32)}; read as SARIF 2.1.0`);
  }
  if (!Array.isArray(log.runs)) {
    return problems.fail('runs', `expected an array of runs, found ${describeJsonType(log.runs)}`);
  }
  if (log.runs.length === 0) warnings.add('the log holds no runs: no analysis is reported');

  const tally = new SarifTally();
  log.runs.forEach((run, runIndex) => {
    const runPath = memberPath('runs', runIndex);
    if (isObject(run)) summarizeRun(run, runPath, tally, problems, warnings);
    else problems.add(runPath, `expected a run object, found ${describeJsonType(run)}`);
  });
  problems.throwIfAny();
  return { version, runs: log.runs.length, ...tally.summary(warnings) };
}

function summarizeRun(
  run: JsonObject,
  runPath: string,
  tally: SarifTally,
  problems: Problems,
  warnings: Warnings,
): void {
  const index = new RunRules(run);
  const tool = toolEntry(index.driver);
  tally.tools.push(tool);
  if (!index.driver) warnings.add(`${runPath}.tool.driver is missing`);
  else if (tool.name === null) {
    warnings.add(
      `${runPath}.tool.driver.name is ${describeEmpty(index.driver.name)}; the tool is unnamed`,
    );
  }
  if (run.results === undefined || run.results === null) {
    warnings.add(`${runPath} has no "results" array: it reports no scan, only tool metadata`);
    return;
  }
  if (!Array.isArray(run.results)) {
    problems.add(
      `${runPath}.results`,
      `expected an array of results, found ${describeJsonType(run.results)}`,
    );
    return;
  }
  const artifacts = asArray(run.artifacts);
  run.results.forEach((result, resultIndex) => {
    const path = memberPath(`${runPath}.results`, resultIndex);
    if (!isObject(result)) {
      problems.add(path, `expected a result object, found ${describeJsonType(result)}`);
      return;
    }
    const found = index.find(result);
    const kind = resultKind(result);
    const { rating, unreadable } = securityRating(result, found.rule);
    if (found.problem)
      tally.odd('results pointing at a rule that is not there', path, found.problem);
    if (result.level !== undefined && !asLevel(result.level)) {
      tally.odd("results with a level that is not a SARIF level; the rule's level is used", path);
    }
    if (result.kind !== undefined && !isResultKind(result.kind)) {
      tally.odd('results with a kind that is not a SARIF result kind; read as "fail"', path);
    }
    if (kind !== 'fail' && asLevel(result.level) && result.level !== 'none') {
      tally.odd(
        'results with a level other than "none" beside a kind other than "fail" (SARIF 2.1.0 §3.27.10 allows only "none" there); counted as none',
        path,
      );
    }
    if (rating?.named) {
      tally.odd(
        'results whose "security-severity" is a band name where a score from 0 to 10 belongs; the named band is used',
        path,
      );
    }
    if (unreadable) {
      tally.odd(
        'results whose "security-severity" is neither a score from 0 to 10 nor a band name; ignored',
        path,
      );
    }
    tally.total++;
    if (isSuppressed(result)) {
      tally.suppressed++;
      return;
    }
    const level = resultLevel(result, found.rule, index.overriddenLevel(result, found));
    const band = level === 'none' ? null : (rating?.band ?? null);
    tally.levels[level]++;
    if (band) tally.severities[band]++;
    // Only failures are findings; a pass or not-applicable result is counted as level none.
    if (kind !== 'fail') return;
    const ruleId = asText(found.rule?.id) ?? found.id;
    if (ruleId !== undefined) tally.countRule(tool.name, ruleId, found.rule);
    const message = messageText(result.message, found.rule, found.component);
    tally.findings.push({
      tool: tool.name,
      ruleId: found.id === undefined ? null : cut(found.id),
      level,
      securitySeverity: band,
      message: message === undefined ? null : cut(message),
      ...firstLocation(result, artifacts),
    });
  });
}

/** The running figures of one log. */
class SarifTally {
  readonly tools = new BoundedList<ToolEntry>();
  readonly findings = new BoundedList<Finding>();
  readonly rules = new Map<string, RuleHit>();
  readonly levels: Record<SarifLevel, number> = { error: 0, warning: 0, note: 0, none: 0 };
  readonly severities: Record<SecuritySeverity, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
  };
  total = 0;
  suppressed = 0;
  /** Per oddity: how many results show it, and the first one's path (and detail). */
  readonly #odd = new Map<string, { count: number; first: string }>();

  odd(what: string, path: string, detail?: string): void {
    const seen = this.#odd.get(what);
    if (seen) seen.count++;
    else this.#odd.set(what, { count: 1, first: detail ? `${path}: ${detail}` : path });
  }

  countRule(tool: string | null, id: string, rule: JsonObject | undefined): void {
    const key = `${tool ?? ''}\u0000${id}`;
    const hit = this.rules.get(key);
    if (hit) {
      hit.count++;
      return;
    }
    const { rating } = securityRating(undefined, rule);
    this.rules.set(key, {
      tool,
      id: cut(id),
      name: cutOrNull(ruleName(rule)),
      count: 1,
      level: ruleDefaultLevel(rule),
      securitySeverity: rating?.band ?? null,
      securitySeverityScore: rating?.score ?? null,
    });
  }

  summary(warnings: Warnings): EvidenceSummary {
    for (const [what, { count, first }] of this.#odd) {
      warnings.add(`${what} (${count}; first: ${first})`);
    }
    const rules = new BoundedList<RuleHit>();
    for (const hit of [...this.rules.values()].sort((a, b) => b.count - a.count)) rules.push(hit);
    if (this.tools.omitted)
      warnings.add(`${this.tools.omitted} more runs are not listed in "tools"`);
    if (this.findings.omitted)
      warnings.add(`${this.findings.omitted} more findings are counted but not listed`);
    if (rules.omitted) warnings.add(`${rules.omitted} more rules are counted but not listed`);
    return {
      tools: this.tools.items,
      results: this.total,
      open: this.total - this.suppressed,
      suppressed: this.suppressed,
      ...this.levels,
      ...this.severities,
      rules: rules.items,
      rulesOmitted: rules.omitted,
      findings: this.findings.items,
      findingsOmitted: this.findings.omitted,
      warnings: warnings.list(),
    };
  }
}

function toolEntry(driver: JsonObject | undefined): ToolEntry {
  return {
    name: cutOrNull(asText(driver?.name)),
    version: cutOrNull(asText(driver?.version)),
    semanticVersion: cutOrNull(asText(driver?.semanticVersion)),
  };
}

/**
 * SARIF 2.1.0 §3.27.23 and the SARIF SDK's reading of it: a result is suppressed when it has
 * suppressions and none of them is `underReview` or `rejected`; a suppression without a status
 * counts as accepted (the SDK's default).
 */
export function isSuppressed(result: JsonObject): boolean {
  const suppressions = asArray(result.suppressions);
  if (suppressions.length === 0) return false;
  return !suppressions.some(
    (suppression) =>
      isObject(suppression) &&
      (suppression.status === 'underReview' || suppression.status === 'rejected'),
  );
}

function cutOrNull(text: string | undefined): string | null {
  return text === undefined ? null : cut(text);
}

function describeEmpty(value: unknown): string {
  return value === '' ? 'empty' : describeJsonType(value);
}

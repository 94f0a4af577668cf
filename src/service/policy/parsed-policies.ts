import { DossierError } from '../../core/errors.ts';
import { type Policy, type PolicyProblem, parsePolicy } from '../../core/policy/policy-schema.ts';
import type { PolicyVersion } from '../../core/policy/policy-version.ts';

/**
 * Parsed policies by sha256. A stored text never changes under its hash, so a parse can be
 * reused for as long as the process lives; the gate then costs no YAML parse or CEL compile.
 * Bounded so a long-lived server applying many policies cannot grow without limit.
 */
const CACHE_LIMIT = 64;
const parsed = new Map<string, Policy>();

/** The parsed policy with this hash, if this process has parsed it before. */
export function cachedPolicy(sha256: string): Policy | undefined {
  return parsed.get(sha256);
}

export function parseStoredPolicy(stored: PolicyVersion): Policy {
  const known = parsed.get(stored.sha256);
  if (known) return known;
  const result = parsePolicy(stored.text);
  if (!result.policy) {
    // Stored policies passed validation when applied; failing now means a newer Dossier reads
    // them more strictly. Say which version so an operator can re-apply a fixed one.
    throw new DossierError(
      'INVALID_POLICY',
      `stored policy version ${stored.version} (${stored.sha256.slice(0, 12)}…) no longer validates: ${describeProblems(result.problems)}`,
      { issues: toIssues(result.problems) },
    );
  }
  if (parsed.size >= CACHE_LIMIT) parsed.clear();
  parsed.set(stored.sha256, result.policy);
  return result.policy;
}

/** Parses submitted text, refusing it whole with every problem named by line and field. */
export function parseSubmittedPolicy(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.policy) {
    throw new DossierError(
      'INVALID_POLICY',
      `the policy was refused: ${describeProblems(result.problems)}`,
      { issues: toIssues(result.problems) },
    );
  }
  return result.policy;
}

export function toIssues(problems: readonly PolicyProblem[]) {
  return problems.map((problem) => ({
    path: `${problem.line}:${problem.column}${problem.path ? ` ${problem.path}` : ''}`,
    message: problem.message,
  }));
}

function describeProblems(problems: readonly PolicyProblem[]): string {
  const shown = problems
    .slice(0, 3)
    .map((p) => `line ${p.line}${p.path ? ` (${p.path})` : ''}: ${p.message}`)
    .join('; ');
  const more = problems.length > 3 ? ` and ${problems.length - 3} more` : '';
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown}${more}`;
}

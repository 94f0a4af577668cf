import type { GateDecision } from '../policy/evaluate-gate.ts';

/** GitHub allows 140 characters of description; GitLab shows about as much. */
export const MAX_STATUS_DESCRIPTION = 140;

export interface CommitStatusFacts {
  decision: Pick<GateDecision, 'decision' | 'environment' | 'outcomes' | 'riskClass'>;
  /** Link to the release page in Dossier. */
  targetUrl: string;
}

export interface GithubCommitStatus {
  state: 'success' | 'failure' | 'pending' | 'error';
  target_url: string;
  description: string;
  context: string;
}

export interface GitlabCommitStatus {
  state: 'success' | 'failed' | 'pending' | 'running' | 'canceled';
  target_url: string;
  description: string;
  name: string;
}

/**
 * The one line a developer reads on the pull request: allowed, or the first reasons it is
 * blocked with their figures ("blocked: coverage-floor: coverage.lines 0.71 < 0.80; 2 more").
 * Waiting only for approvals is `pending`, not a failure of the change.
 */
export function statusSummary(facts: CommitStatusFacts): {
  outcome: 'allowed' | 'blocked' | 'awaiting-approval';
  description: string;
} {
  const { decision } = facts;
  if (decision.decision === 'allowed') {
    return { outcome: 'allowed', description: `allowed (risk ${decision.riskClass})` };
  }
  const open = decision.outcomes.filter((o) => o.status !== 'passed' && o.status !== 'waived');
  const onlyApprovals = open.length > 0 && open.every((o) => o.status === 'pending-approval');
  const first = open.filter((o) => o.status !== 'pending-approval').concat(open);
  const shown = first[0];
  const lead = onlyApprovals
    ? `awaiting approval: ${open.map((o) => o.id.replace('approval:', '')).join(', ')}`
    : `blocked: ${shown ? `${shown.id}: ${shown.reason}` : 'see the release'}`;
  const more = onlyApprovals || open.length <= 1 ? '' : `; ${open.length - 1} more`;
  return {
    outcome: onlyApprovals ? 'awaiting-approval' : 'blocked',
    description: clip(`${lead}${more}`, MAX_STATUS_DESCRIPTION),
  };
}

export function githubCommitStatus(facts: CommitStatusFacts): GithubCommitStatus {
  const { outcome, description } = statusSummary(facts);
  return {
    state: outcome === 'allowed' ? 'success' : outcome === 'blocked' ? 'failure' : 'pending',
    target_url: facts.targetUrl,
    description,
    context: `dossier/gate: ${facts.decision.environment}`,
  };
}

export function gitlabCommitStatus(facts: CommitStatusFacts): GitlabCommitStatus {
  const { outcome, description } = statusSummary(facts);
  return {
    state: outcome === 'allowed' ? 'success' : outcome === 'blocked' ? 'failed' : 'pending',
    target_url: facts.targetUrl,
    description,
    name: `dossier/gate: ${facts.decision.environment}`,
  };
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

import type { CiContext } from '../../core/ci-context.ts';
import type { Evidence } from '../../core/evidence-record.ts';
import {
  type CommitStatusFacts,
  githubCommitStatus,
  gitlabCommitStatus,
} from '../../core/outbound/commit-status.ts';
import type { GateDecisionRecord } from '../../core/policy/gate-record.ts';
import type { Release } from '../../core/release.ts';
import { PermanentJobFailure } from '../jobs/job-handler.ts';

export interface CommitStatusSettings {
  publicUrl?: string | undefined;
  githubApiUrl: string;
  githubToken?: string | undefined;
  gitlabApiUrl: string;
  gitlabToken?: string | undefined;
}

const TIMEOUT_MS = 10_000;

/** Where the release's commit lives, as the CI runs that sent its evidence name it. */
export function repositoryOf(
  evidence: readonly Pick<Evidence, 'ciContext'>[],
): { provider: CiContext['provider']; repository: string } | undefined {
  for (let i = evidence.length - 1; i >= 0; i--) {
    const context = evidence[i]?.ciContext;
    if (
      context?.repository &&
      (context.provider === 'github-actions' || context.provider === 'gitlab-ci')
    ) {
      return { provider: context.provider, repository: context.repository };
    }
  }
  return undefined;
}

/**
 * Posts the gate decision as a commit status on the release's commit: GitHub's
 * `POST /repos/{owner}/{repo}/statuses/{sha}` or GitLab's `POST /projects/{id}/statuses/{sha}`.
 * Returns what it did, for the job's log; throws to retry on a server or network failure.
 */
export async function postCommitStatus(
  settings: CommitStatusSettings,
  release: Release,
  record: GateDecisionRecord,
  evidence: readonly Pick<Evidence, 'ciContext'>[],
): Promise<string> {
  const where = repositoryOf(evidence);
  if (!where) return 'no GitHub or GitLab repository is known for the release';
  const facts: CommitStatusFacts = {
    decision: record.body,
    targetUrl: settings.publicUrl ? `${settings.publicUrl}/releases/${release.id}` : '',
  };
  if (where.provider === 'github-actions') {
    if (!settings.githubToken) return 'DOSSIER_GITHUB_TOKEN is not set';
    const { target_url, ...status } = githubCommitStatus(facts);
    const url = `${settings.githubApiUrl}/repos/${where.repository
      .split('/')
      .map(encodeURIComponent)
      .join('/')}/statuses/${release.commit}`;
    await send(
      url,
      {
        authorization: `Bearer ${settings.githubToken}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
      target_url ? { ...status, target_url } : status,
    );
    return `GitHub status ${status.state} on ${where.repository}@${release.commit}`;
  }
  if (!settings.gitlabToken) return 'DOSSIER_GITLAB_TOKEN is not set';
  const { target_url, ...status } = gitlabCommitStatus(facts);
  const url = `${settings.gitlabApiUrl}/projects/${encodeURIComponent(where.repository)}/statuses/${release.commit}`;
  await send(
    url,
    { 'private-token': settings.gitlabToken },
    target_url ? { ...status, target_url } : status,
  );
  return `GitLab status ${status.state} on ${where.repository}@${release.commit}`;
}

async function send(url: string, headers: Record<string, string>, body: object): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'dossier' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.arrayBuffer();
  if (response.ok) return;
  const message = `${url} answered ${response.status}`;
  // A refused token or an unknown repository does not heal by retrying; rate limits and server
  // failures do.
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw new PermanentJobFailure(message);
  }
  throw new Error(message);
}

import type { JsonValue } from '../audit-log/canonical-json.ts';
import { commits, type JsonObject, obj, safeName, str } from './json-access.ts';
import {
  type DeploymentEventStatus,
  ignored,
  type MappedEvent,
  type ReleaseLink,
} from './webhook-source.ts';

/**
 * Maps one GitHub webhook delivery (the `X-GitHub-Event` name and the parsed body) to what
 * Dossier keeps of it. Payload shapes: https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
export function mapGithubEvent(event: string, payload: unknown): MappedEvent {
  const body = obj(payload);
  switch (event) {
    case 'workflow_run':
      return workflowRun(event, body);
    case 'check_suite':
      return checkSuite(event, body);
    case 'pull_request':
      return pullRequest(event, body);
    case 'pull_request_review':
      return pullRequestReview(event, body);
    case 'deployment':
      return deployment(event, body);
    case 'deployment_status':
      return deploymentStatus(event, body);
    case 'ping':
      return ignored(event, 'ping: GitHub checks that the webhook is reachable');
    case 'workflow_job':
    case 'check_run':
      return ignored(event, 'single jobs are not kept; the workflow run or check suite is');
    default:
      return ignored(event, `GitHub event "${event}" is not mapped`);
  }
}

/**
 * GitHub conclusions (success, failure, neutral, cancelled, skipped, timed_out,
 * action_required, stale, startup_failure) in the words every source shares.
 */
export function normalizeConclusion(raw: string | null): string {
  switch (raw) {
    case 'success':
      return 'success';
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
    case 'action_required':
      return 'failure';
    case 'cancelled':
      return 'cancelled';
    case 'skipped':
      return 'skipped';
    case 'neutral':
      return 'neutral';
    default:
      return 'unknown';
  }
}

function repository(body: JsonObject): string | null {
  return str(obj(body, 'repository'), 'full_name');
}

function link(commitList: string[]): ReleaseLink {
  return { commits: commitList, artifacts: [], releases: [] };
}

function workflowRun(event: string, body: JsonObject): MappedEvent {
  const run = obj(body, 'workflow_run');
  if (str(run, 'status') !== 'completed') {
    return ignored(
      event,
      `workflow run is ${str(run, 'status') ?? 'in an unknown state'}, not completed`,
    );
  }
  const commit = str(run, 'head_sha');
  const conclusion = str(run, 'conclusion');
  const runId = str(run, 'id');
  return {
    type: 'evidence',
    event,
    kind: 'pipeline-run',
    name: `github-workflow-run-${safeName(runId)}-${safeName(str(run, 'run_attempt') ?? '1')}.json`,
    summary: {
      source: 'github',
      event,
      pipeline: str(run, 'name') ?? str(obj(body, 'workflow'), 'name'),
      runId,
      runNumber: str(run, 'run_number'),
      attempt: str(run, 'run_attempt'),
      runUrl: str(run, 'html_url'),
      status: 'completed',
      conclusion: normalizeConclusion(conclusion),
      rawConclusion: conclusion,
      passed: conclusion === 'success',
      repository: repository(body),
      branch: str(run, 'head_branch'),
      commit,
      trigger: str(run, 'event'),
      startedAt: str(run, 'run_started_at'),
      finishedAt: str(run, 'updated_at'),
      actor: str(obj(body, 'sender'), 'login'),
    },
    link: link(commits(commit)),
    ciContext: {
      provider: 'github-actions',
      commit: commits(commit)[0] ?? null,
      branch: str(run, 'head_branch'),
      repository: repository(body),
      runId,
      runUrl: str(run, 'html_url'),
      actor: str(obj(body, 'sender'), 'login'),
    },
  };
}

function checkSuite(event: string, body: JsonObject): MappedEvent {
  const suite = obj(body, 'check_suite');
  if (str(suite, 'status') !== 'completed') {
    return ignored(
      event,
      `check suite is ${str(suite, 'status') ?? 'in an unknown state'}, not completed`,
    );
  }
  const commit = str(suite, 'head_sha');
  const conclusion = str(suite, 'conclusion');
  const suiteId = str(suite, 'id');
  return {
    type: 'evidence',
    event,
    kind: 'pipeline-run',
    name: `github-check-suite-${safeName(suiteId)}.json`,
    summary: {
      source: 'github',
      event,
      pipeline: str(obj(suite, 'app'), 'name'),
      runId: suiteId,
      runNumber: null,
      attempt: null,
      runUrl: str(suite, 'url'),
      status: 'completed',
      conclusion: normalizeConclusion(conclusion),
      rawConclusion: conclusion,
      passed: conclusion === 'success',
      repository: repository(body),
      branch: str(suite, 'head_branch'),
      commit,
      trigger: null,
      startedAt: str(suite, 'created_at'),
      finishedAt: str(suite, 'updated_at'),
      actor: str(obj(body, 'sender'), 'login'),
    },
    link: link(commits(commit)),
  };
}

const PULL_REQUEST_ACTIONS = new Set([
  'opened',
  'reopened',
  'synchronize',
  'ready_for_review',
  'closed',
]);

function pullRequestFacts(pr: JsonObject): { [key: string]: JsonValue } {
  return {
    number: str(pr, 'number'),
    title: str(pr, 'title', 300),
    url: str(pr, 'html_url'),
    author: str(obj(pr, 'user'), 'login'),
    headBranch: str(obj(pr, 'head'), 'ref'),
    baseBranch: str(obj(pr, 'base'), 'ref'),
    headCommit: str(obj(pr, 'head'), 'sha'),
  };
}

function pullRequest(event: string, body: JsonObject): MappedEvent {
  const action = str(body, 'action');
  if (action === null || !PULL_REQUEST_ACTIONS.has(action)) {
    return ignored(event, `pull request action "${action ?? ''}" is not kept`);
  }
  const pr = obj(body, 'pull_request');
  const merged = pr.merged === true;
  const head = str(obj(pr, 'head'), 'sha');
  // merge_commit_sha exists before a merge too (GitHub's test merge); only a merged PR's counts.
  const mergeCommit = merged ? str(pr, 'merge_commit_sha') : null;
  return {
    type: 'evidence',
    event,
    kind: 'review',
    name: `github-pull-request-${safeName(str(pr, 'number'))}-${safeName(action)}-${safeName(head)}.json`,
    summary: {
      source: 'github',
      event,
      action,
      state: merged ? 'merged' : (str(pr, 'state') ?? 'unknown'),
      approved: false,
      reviewer: null,
      merged,
      mergedBy: str(obj(pr, 'merged_by'), 'login'),
      mergeCommit,
      repository: repository(body),
      ...pullRequestFacts(pr),
    },
    link: link(commits(head, mergeCommit)),
  };
}

const REVIEW_STATES: Record<string, string> = {
  approved: 'approved',
  changes_requested: 'changes-requested',
  commented: 'commented',
  dismissed: 'dismissed',
};

function pullRequestReview(event: string, body: JsonObject): MappedEvent {
  const action = str(body, 'action');
  if (action !== 'submitted' && action !== 'dismissed' && action !== 'edited') {
    return ignored(event, `review action "${action ?? ''}" is not kept`);
  }
  const review = obj(body, 'review');
  const pr = obj(body, 'pull_request');
  const rawState = str(review, 'state')?.toLowerCase() ?? null;
  const state = action === 'dismissed' ? 'dismissed' : (REVIEW_STATES[rawState ?? ''] ?? 'unknown');
  // The review is of the commit it names (commit_id); older payloads only name the PR head.
  const reviewed = str(review, 'commit_id') ?? str(obj(pr, 'head'), 'sha');
  return {
    type: 'evidence',
    event,
    kind: 'review',
    name: `github-review-${safeName(str(review, 'id'))}-${safeName(action)}.json`,
    summary: {
      source: 'github',
      event,
      action,
      state,
      approved: state === 'approved',
      reviewer: str(obj(review, 'user'), 'login'),
      reviewUrl: str(review, 'html_url'),
      submittedAt: str(review, 'submitted_at'),
      reviewedCommit: reviewed,
      merged: false,
      mergedBy: null,
      mergeCommit: null,
      repository: repository(body),
      ...pullRequestFacts(pr),
    },
    link: link(commits(reviewed)),
  };
}

/** GitHub deployment states: error, failure, inactive, in_progress, queued, pending, success. */
function deploymentStatusOf(state: string | null): DeploymentEventStatus {
  switch (state) {
    case 'success':
      return 'succeeded';
    case 'failure':
    case 'error':
      return 'failed';
    case 'inactive':
      // A newer deployment to the environment replaced this one.
      return 'cancelled';
    case 'queued':
    case 'pending':
      return 'requested';
    default:
      return 'in-progress';
  }
}

function deploymentEvidence(
  event: string,
  body: JsonObject,
  status: DeploymentEventStatus,
  state: string | null,
  statusObject: JsonObject,
): MappedEvent {
  const deploy = obj(body, 'deployment');
  const commit = str(deploy, 'sha');
  const environment = str(deploy, 'environment') ?? 'unknown';
  const deploymentId = str(deploy, 'id');
  const deployer =
    str(obj(statusObject, 'creator'), 'login') ?? str(obj(deploy, 'creator'), 'login');
  const url =
    str(statusObject, 'target_url') ?? str(statusObject, 'environment_url') ?? str(deploy, 'url');
  const at = str(statusObject, 'created_at') ?? str(deploy, 'created_at');
  const suffix = event === 'deployment' ? 'created' : safeName(str(statusObject, 'id'));
  return {
    type: 'evidence',
    event,
    kind: 'deployment',
    name: `github-deployment-${safeName(deploymentId)}-${suffix}.json`,
    summary: {
      source: 'github',
      event,
      environment,
      status,
      rawStatus: state,
      deploymentId,
      ref: str(deploy, 'ref'),
      commit,
      task: str(deploy, 'task'),
      url,
      deployer,
      at,
      repository: repository(body),
    },
    link: link(commits(commit)),
    deployment: {
      source: 'github',
      environment,
      status,
      commit: commits(commit)[0] ?? null,
      artifacts: [],
      externalId: deploymentId,
      url,
      deployer,
      at,
    },
  };
}

function deployment(event: string, body: JsonObject): MappedEvent {
  return deploymentEvidence(event, body, 'requested', 'created', {});
}

function deploymentStatus(event: string, body: JsonObject): MappedEvent {
  const status = obj(body, 'deployment_status');
  const state = str(status, 'state');
  return deploymentEvidence(event, body, deploymentStatusOf(state), state, status);
}

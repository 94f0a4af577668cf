import { commits, type JsonObject, obj, safeName, str } from './json-access.ts';
import {
  type DeploymentEventStatus,
  ignored,
  type MappedEvent,
  type ReleaseLink,
} from './webhook-source.ts';

/**
 * Maps one GitLab webhook delivery to what Dossier keeps of it. The body's `object_kind` decides
 * (the `X-Gitlab-Event` header names the same thing in words). Payload shapes:
 * https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
export function mapGitlabEvent(eventHeader: string, payload: unknown): MappedEvent {
  const body = obj(payload);
  const kind = str(body, 'object_kind') ?? '';
  const event = kind || eventHeader;
  switch (kind) {
    case 'pipeline':
      return pipeline(event, body);
    case 'merge_request':
      return mergeRequest(event, body);
    case 'deployment':
      return deployment(event, body);
    case 'build':
      return ignored(event, 'single jobs are not kept; the pipeline is');
    default:
      return ignored(event, `GitLab event "${event}" is not mapped`);
  }
}

/** GitLab pipeline statuses that mean the pipeline has ended, in the shared words. */
const FINISHED: Record<string, string> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'skipped',
};

function link(commitList: string[]): ReleaseLink {
  return { commits: commitList, artifacts: [], releases: [] };
}

function project(body: JsonObject): string | null {
  return str(obj(body, 'project'), 'path_with_namespace');
}

function actor(body: JsonObject): string | null {
  return str(obj(body, 'user'), 'username') ?? str(obj(body, 'user'), 'name');
}

function pipeline(event: string, body: JsonObject): MappedEvent {
  const attributes = obj(body, 'object_attributes');
  const status = str(attributes, 'status');
  const conclusion = FINISHED[status ?? ''];
  if (conclusion === undefined) {
    return ignored(event, `pipeline is ${status ?? 'in an unknown state'}, not finished`);
  }
  const id = str(attributes, 'id');
  const commit = str(attributes, 'sha');
  const webUrl = str(obj(body, 'project'), 'web_url');
  return {
    type: 'evidence',
    event,
    kind: 'pipeline-run',
    name: `gitlab-pipeline-${safeName(id)}-${safeName(status)}.json`,
    summary: {
      source: 'gitlab',
      event,
      pipeline: str(attributes, 'name') ?? project(body),
      runId: id,
      runNumber: str(attributes, 'iid'),
      attempt: null,
      runUrl: str(attributes, 'url') ?? (webUrl && id ? `${webUrl}/-/pipelines/${id}` : null),
      status: 'completed',
      conclusion,
      rawConclusion: status,
      passed: conclusion === 'success',
      repository: project(body),
      branch: attributes.tag === true ? null : str(attributes, 'ref'),
      commit,
      trigger: str(attributes, 'source'),
      startedAt: str(attributes, 'created_at'),
      finishedAt: str(attributes, 'finished_at'),
      actor: actor(body),
    },
    link: link(commits(commit)),
    ciContext: {
      provider: 'gitlab-ci',
      commit: commits(commit)[0] ?? null,
      branch: attributes.tag === true ? null : str(attributes, 'ref'),
      repository: project(body),
      runId: id,
      runUrl: str(attributes, 'url') ?? (webUrl && id ? `${webUrl}/-/pipelines/${id}` : null),
      actor: actor(body),
    },
  };
}

/** Merge request hook actions worth keeping (`approved`/`approval` differ by GitLab tier). */
const MR_ACTIONS: Record<string, string> = {
  open: 'opened',
  reopen: 'opened',
  update: 'updated',
  merge: 'merged',
  close: 'closed',
  approved: 'approved',
  approval: 'approved',
  unapproved: 'unapproved',
  unapproval: 'unapproved',
};

function mergeRequest(event: string, body: JsonObject): MappedEvent {
  const mr = obj(body, 'object_attributes');
  const action = str(mr, 'action');
  const state = MR_ACTIONS[action ?? ''];
  if (state === undefined)
    return ignored(event, `merge request action "${action ?? ''}" is not kept`);
  const head = str(obj(mr, 'last_commit'), 'id');
  const merged = state === 'merged' || str(mr, 'state') === 'merged';
  const mergeCommit = merged ? str(mr, 'merge_commit_sha') : null;
  const approving = state === 'approved' || state === 'unapproved';
  return {
    type: 'evidence',
    event,
    kind: 'review',
    name: `gitlab-merge-request-${safeName(str(mr, 'iid'))}-${safeName(action)}-${safeName(head)}.json`,
    summary: {
      source: 'gitlab',
      event,
      action,
      state,
      approved: state === 'approved',
      // On approval events the user is the approver; otherwise whoever acted on the MR.
      reviewer: approving ? actor(body) : null,
      merged,
      mergedBy: state === 'merged' ? actor(body) : null,
      mergeCommit,
      repository: project(body),
      number: str(mr, 'iid'),
      title: str(mr, 'title', 300),
      url: str(mr, 'url'),
      author: str(mr, 'author_id'),
      headBranch: str(mr, 'source_branch'),
      baseBranch: str(mr, 'target_branch'),
      headCommit: head,
    },
    link: link(commits(head, mergeCommit)),
  };
}

/** GitLab deployment statuses: running, success, failed, canceled. */
function deploymentStatusOf(status: string | null): DeploymentEventStatus {
  switch (status) {
    case 'success':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'cancelled';
    case 'created':
      return 'requested';
    default:
      return 'in-progress';
  }
}

/** The deployment hook names the commit by short SHA and by URL; the URL ends in the full one. */
function deployedCommit(body: JsonObject): string | null {
  const url = str(body, 'commit_url');
  const last = url?.split('/').pop() ?? null;
  return commits(last)[0] ?? null;
}

function deployment(event: string, body: JsonObject): MappedEvent {
  const rawStatus = str(body, 'status');
  const status = deploymentStatusOf(rawStatus);
  const environment = str(body, 'environment') ?? 'unknown';
  const deploymentId = str(body, 'deployment_id');
  const commit = deployedCommit(body);
  const url = str(body, 'environment_external_url') ?? str(body, 'deployable_url');
  const deployer = actor(body);
  const at = str(body, 'status_changed_at');
  return {
    type: 'evidence',
    event,
    kind: 'deployment',
    name: `gitlab-deployment-${safeName(deploymentId)}-${safeName(rawStatus)}.json`,
    summary: {
      source: 'gitlab',
      event,
      environment,
      status,
      rawStatus,
      deploymentId,
      ref: str(body, 'ref'),
      commit,
      task: null,
      url,
      deployer,
      at,
      repository: project(body),
    },
    link: link(commit ? [commit] : []),
    deployment: {
      source: 'gitlab',
      environment,
      status,
      commit,
      artifacts: [],
      externalId: deploymentId,
      url,
      deployer,
      at,
    },
  };
}

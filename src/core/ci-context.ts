import { z } from 'zod';

/**
 * Where a piece of evidence came from: the CI run that submitted it. Read from the environment
 * the CI system gives every job, sent with each upload, and kept on the evidence record.
 */
export const CI_PROVIDERS = [
  'github-actions',
  'gitlab-ci',
  'jenkins',
  'azure-pipelines',
  'circleci',
  'buildkite',
] as const;
export type CiProvider = (typeof CI_PROVIDERS)[number];

const field = z.string().min(1).max(2048).nullable();

export const CiContextSchema = z
  .object({
    provider: z.enum(CI_PROVIDERS),
    commit: field,
    branch: field,
    repository: field,
    runId: field,
    runUrl: field,
    actor: field,
  })
  .strict();
export type CiContext = z.infer<typeof CiContextSchema>;

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The CI context of the job whose environment this is, or undefined outside a known CI system.
 * Each provider reads only its own documented variables; the first provider whose marker
 * variable is set wins (a GitHub runner started from Jenkins is a GitHub job).
 */
export function detectCiContext(env: Env): CiContext | undefined {
  for (const provider of PROVIDERS) {
    if (provider.detect(env)) return { provider: provider.id, ...provider.read(env) };
  }
  return undefined;
}

interface ProviderReader {
  id: CiProvider;
  detect(env: Env): boolean;
  read(env: Env): Omit<CiContext, 'provider'>;
}

/** A set, non-empty value, trimmed; absent, empty and whitespace-only become null. */
function value(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw.slice(0, 2048) : null;
}

function first(env: Env, ...names: string[]): string | null {
  for (const name of names) {
    const found = value(env, name);
    if (found !== null) return found;
  }
  return null;
}

/** `refs/heads/main` → `main`; tags and pull-request refs are kept as they are. */
function stripHeads(ref: string | null): string | null {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

function joinUrl(...parts: Array<string | null>): string | null {
  if (parts.some((part) => part === null)) return null;
  return parts.join('');
}

/** "owner/repo" from a git remote URL (https or scp-like ssh), or the URL itself. */
function repositoryFromUrl(url: string | null): string | null {
  if (url === null) return null;
  const match = /^(?:[a-z+]+:\/\/[^/]+\/|[^@\s]+@[^:\s]+:)(.+?)(?:\.git)?\/?$/i.exec(url);
  return match?.[1] ?? url;
}

const PROVIDERS: readonly ProviderReader[] = [
  {
    // https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables
    id: 'github-actions',
    detect: (env) => env.GITHUB_ACTIONS === 'true',
    read: (env) => ({
      commit: value(env, 'GITHUB_SHA'),
      // On pull_request events GITHUB_REF is refs/pull/N/merge; the branch is GITHUB_HEAD_REF.
      branch:
        first(env, 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME') ?? stripHeads(value(env, 'GITHUB_REF')),
      repository: value(env, 'GITHUB_REPOSITORY'),
      runId: value(env, 'GITHUB_RUN_ID'),
      runUrl: joinUrl(
        value(env, 'GITHUB_SERVER_URL'),
        '/',
        value(env, 'GITHUB_REPOSITORY'),
        '/actions/runs/',
        value(env, 'GITHUB_RUN_ID'),
      ),
      actor: value(env, 'GITHUB_ACTOR'),
    }),
  },
  {
    // https://docs.gitlab.com/ci/variables/predefined_variables/
    id: 'gitlab-ci',
    detect: (env) => env.GITLAB_CI === 'true',
    read: (env) => ({
      commit: value(env, 'CI_COMMIT_SHA'),
      branch: first(
        env,
        'CI_COMMIT_BRANCH',
        'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
        'CI_COMMIT_REF_NAME',
      ),
      repository: value(env, 'CI_PROJECT_PATH'),
      runId: value(env, 'CI_PIPELINE_ID'),
      runUrl: value(env, 'CI_PIPELINE_URL'),
      actor: first(env, 'GITLAB_USER_LOGIN', 'GITLAB_USER_NAME'),
    }),
  },
  {
    // https://learn.microsoft.com/en-us/azure/devops/pipelines/build/variables
    id: 'azure-pipelines',
    detect: (env) => env.TF_BUILD === 'True' || env.TF_BUILD === 'true',
    read: (env) => ({
      commit: value(env, 'BUILD_SOURCEVERSION'),
      // On pull-request builds BUILD_SOURCEBRANCH is refs/pull/N/merge; the PR names its source.
      branch: stripHeads(first(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH', 'BUILD_SOURCEBRANCH')),
      repository: value(env, 'BUILD_REPOSITORY_NAME'),
      runId: value(env, 'BUILD_BUILDID'),
      runUrl: joinUrl(
        value(env, 'SYSTEM_COLLECTIONURI'),
        value(env, 'SYSTEM_TEAMPROJECT'),
        '/_build/results?buildId=',
        value(env, 'BUILD_BUILDID'),
      ),
      actor: first(env, 'BUILD_REQUESTEDFOREMAIL', 'BUILD_REQUESTEDFOR'),
    }),
  },
  {
    // https://circleci.com/docs/reference/variables/
    id: 'circleci',
    detect: (env) => env.CIRCLECI === 'true',
    read: (env) => ({
      commit: value(env, 'CIRCLE_SHA1'),
      branch: value(env, 'CIRCLE_BRANCH'),
      repository:
        value(env, 'CIRCLE_PROJECT_USERNAME') && value(env, 'CIRCLE_PROJECT_REPONAME')
          ? `${value(env, 'CIRCLE_PROJECT_USERNAME')}/${value(env, 'CIRCLE_PROJECT_REPONAME')}`
          : repositoryFromUrl(value(env, 'CIRCLE_REPOSITORY_URL')),
      // A CircleCI job has a build number and URL; the workflow groups the jobs of one run.
      runId: first(env, 'CIRCLE_WORKFLOW_ID', 'CIRCLE_BUILD_NUM'),
      runUrl: value(env, 'CIRCLE_BUILD_URL'),
      actor: value(env, 'CIRCLE_USERNAME'),
    }),
  },
  {
    // https://buildkite.com/docs/pipelines/configure/environment-variables
    id: 'buildkite',
    detect: (env) => env.BUILDKITE === 'true',
    read: (env) => ({
      commit: value(env, 'BUILDKITE_COMMIT'),
      branch: value(env, 'BUILDKITE_BRANCH'),
      repository: repositoryFromUrl(value(env, 'BUILDKITE_REPO')),
      runId: value(env, 'BUILDKITE_BUILD_ID'),
      runUrl: value(env, 'BUILDKITE_BUILD_URL'),
      actor: first(env, 'BUILDKITE_BUILD_CREATOR_EMAIL', 'BUILDKITE_BUILD_CREATOR'),
    }),
  },
  {
    // https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables and the
    // Git plugin's GIT_* variables. Last: other systems sometimes export BUILD_URL too.
    id: 'jenkins',
    detect: (env) => value(env, 'JENKINS_URL') !== null && value(env, 'BUILD_ID') !== null,
    read: (env) => ({
      commit: value(env, 'GIT_COMMIT'),
      branch:
        first(env, 'CHANGE_BRANCH', 'BRANCH_NAME', 'GIT_LOCAL_BRANCH') ??
        value(env, 'GIT_BRANCH')?.replace(/^origin\//, '') ??
        null,
      repository: repositoryFromUrl(value(env, 'GIT_URL')),
      runId: first(env, 'BUILD_TAG', 'BUILD_ID'),
      runUrl: value(env, 'BUILD_URL'),
      actor: first(env, 'BUILD_USER_ID', 'CHANGE_AUTHOR'),
    }),
  },
];

/**
 * The upload request header that carries the uploader's CI context: base64url of its JSON, since
 * header values are ASCII and branch names or actors need not be.
 */
export const CI_CONTEXT_HEADER = 'dossier-ci-context';

export function encodeCiContextHeader(context: CiContext): string {
  return Buffer.from(JSON.stringify(context), 'utf8').toString('base64url');
}

/** The header's JSON, unchecked (the service validates it), or undefined when it is not JSON. */
export function decodeCiContextHeader(value: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(value)) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

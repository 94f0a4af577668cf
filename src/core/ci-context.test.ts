import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CiContextSchema, detectCiContext } from './ci-context.ts';

// Each environment uses the variable names and value shapes the provider documents (links in
// ci-context.ts); values are examples in those shapes.
const SHA = '9049f1265b7d61be4a8904a9a27120d2064dab3b';

describe('detectCiContext', () => {
  it('GitHub Actions push: branch from GITHUB_REF_NAME, run URL from server + repo + run id', () => {
    const context = detectCiContext({
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_HEAD_REF: '',
      GITHUB_REPOSITORY: 'acme/payments',
      GITHUB_RUN_ID: '1658821493',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_ACTOR: 'octocat',
    });
    assert.deepEqual(context, {
      provider: 'github-actions',
      commit: SHA,
      branch: 'main',
      repository: 'acme/payments',
      runId: '1658821493',
      runUrl: 'https://github.com/acme/payments/actions/runs/1658821493',
      actor: 'octocat',
    });
  });

  it('GitHub Actions pull_request: the branch is the head ref, not refs/pull/N/merge', () => {
    const context = detectCiContext({
      GITHUB_ACTIONS: 'true',
      GITHUB_REF: 'refs/pull/42/merge',
      GITHUB_REF_NAME: '42/merge',
      GITHUB_HEAD_REF: 'feature/login',
    });
    assert.equal(context?.branch, 'feature/login');
    assert.equal(context?.runUrl, null, 'no run URL without server, repository and run id');
  });

  it('GitLab CI: project path, pipeline id and URL, user login', () => {
    const context = detectCiContext({
      GITLAB_CI: 'true',
      CI: 'true',
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_BRANCH: 'main',
      CI_COMMIT_REF_NAME: 'main',
      CI_PROJECT_PATH: 'acme/payments',
      CI_PIPELINE_ID: '1000042',
      CI_PIPELINE_URL: 'https://gitlab.example.com/acme/payments/-/pipelines/1000042',
      GITLAB_USER_LOGIN: 'alice',
      GITLAB_USER_NAME: 'Alice Example',
    });
    assert.deepEqual(context, {
      provider: 'gitlab-ci',
      commit: SHA,
      branch: 'main',
      repository: 'acme/payments',
      runId: '1000042',
      runUrl: 'https://gitlab.example.com/acme/payments/-/pipelines/1000042',
      actor: 'alice',
    });
  });

  it('GitLab CI merge-request pipeline: CI_COMMIT_BRANCH is unset, the source branch counts', () => {
    const context = detectCiContext({
      GITLAB_CI: 'true',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x',
      CI_COMMIT_REF_NAME: 'feature/x',
    });
    assert.equal(context?.branch, 'feature/x');
  });

  it('Jenkins (Git plugin): origin/ prefix dropped, repository from the remote URL', () => {
    const context = detectCiContext({
      JENKINS_URL: 'https://jenkins.example.com/',
      BUILD_ID: '17',
      BUILD_TAG: 'jenkins-payments-main-17',
      BUILD_URL: 'https://jenkins.example.com/job/payments/job/main/17/',
      GIT_COMMIT: SHA,
      GIT_BRANCH: 'origin/main',
      GIT_URL: 'git@github.com:acme/payments.git',
    });
    assert.deepEqual(context, {
      provider: 'jenkins',
      commit: SHA,
      branch: 'main',
      repository: 'acme/payments',
      runId: 'jenkins-payments-main-17',
      runUrl: 'https://jenkins.example.com/job/payments/job/main/17/',
      actor: null,
    });
  });

  it('Jenkins multibranch pull request: CHANGE_BRANCH and CHANGE_AUTHOR', () => {
    const context = detectCiContext({
      JENKINS_URL: 'https://jenkins.example.com/',
      BUILD_ID: '3',
      BRANCH_NAME: 'PR-12',
      CHANGE_BRANCH: 'feature/y',
      CHANGE_AUTHOR: 'bob',
      GIT_URL: 'https://github.com/acme/payments.git',
    });
    assert.equal(context?.branch, 'feature/y');
    assert.equal(context?.actor, 'bob');
    assert.equal(context?.repository, 'acme/payments');
  });

  it('Azure Pipelines: run URL from collection URI, project and build id; refs/heads/ dropped', () => {
    const context = detectCiContext({
      TF_BUILD: 'True',
      BUILD_SOURCEVERSION: SHA,
      BUILD_SOURCEBRANCH: 'refs/heads/release/2.1',
      BUILD_SOURCEBRANCHNAME: '2.1',
      BUILD_REPOSITORY_NAME: 'acme/payments',
      BUILD_BUILDID: '8812',
      SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/',
      SYSTEM_TEAMPROJECT: 'Payments',
      BUILD_REQUESTEDFOREMAIL: 'carol@example.com',
      BUILD_REQUESTEDFOR: 'Carol',
    });
    assert.deepEqual(context, {
      provider: 'azure-pipelines',
      commit: SHA,
      branch: 'release/2.1',
      repository: 'acme/payments',
      runId: '8812',
      runUrl: 'https://dev.azure.com/acme/Payments/_build/results?buildId=8812',
      actor: 'carol@example.com',
    });
  });

  it('Azure Pipelines pull request: the PR source branch, not refs/pull/N/merge', () => {
    const context = detectCiContext({
      TF_BUILD: 'True',
      BUILD_SOURCEBRANCH: 'refs/pull/7/merge',
      SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/feature/z',
    });
    assert.equal(context?.branch, 'feature/z');
  });

  it('CircleCI: owner/repo from the project variables, the workflow as the run', () => {
    const context = detectCiContext({
      CIRCLECI: 'true',
      CI: 'true',
      CIRCLE_SHA1: SHA,
      CIRCLE_BRANCH: 'main',
      CIRCLE_PROJECT_USERNAME: 'acme',
      CIRCLE_PROJECT_REPONAME: 'payments',
      CIRCLE_REPOSITORY_URL: 'git@github.com:acme/payments.git',
      CIRCLE_WORKFLOW_ID: '6f1e2a55-1b1c-4f0e-9f4e-1e1e2a55b1c4',
      CIRCLE_BUILD_NUM: '512',
      CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/payments/512',
      CIRCLE_USERNAME: 'dave',
    });
    assert.deepEqual(context, {
      provider: 'circleci',
      commit: SHA,
      branch: 'main',
      repository: 'acme/payments',
      runId: '6f1e2a55-1b1c-4f0e-9f4e-1e1e2a55b1c4',
      runUrl: 'https://circleci.com/gh/acme/payments/512',
      actor: 'dave',
    });
  });

  it('Buildkite: repository from BUILDKITE_REPO, creator email as actor', () => {
    const context = detectCiContext({
      BUILDKITE: 'true',
      CI: 'true',
      BUILDKITE_COMMIT: SHA,
      BUILDKITE_BRANCH: 'main',
      BUILDKITE_REPO: 'https://github.com/acme/payments.git',
      BUILDKITE_BUILD_ID: '4735ba57-80d0-46e2-8fa0-b28223a86586',
      BUILDKITE_BUILD_URL: 'https://buildkite.com/acme/payments/builds/1514',
      BUILDKITE_BUILD_CREATOR: 'Erin',
      BUILDKITE_BUILD_CREATOR_EMAIL: 'erin@example.com',
    });
    assert.deepEqual(context, {
      provider: 'buildkite',
      commit: SHA,
      branch: 'main',
      repository: 'acme/payments',
      runId: '4735ba57-80d0-46e2-8fa0-b28223a86586',
      runUrl: 'https://buildkite.com/acme/payments/builds/1514',
      actor: 'erin@example.com',
    });
  });

  it('outside CI (or CI=true alone) there is no context', () => {
    assert.equal(detectCiContext({}), undefined);
    assert.equal(detectCiContext({ CI: 'true', HOME: '/home/me' }), undefined);
    assert.equal(detectCiContext({ GITHUB_ACTIONS: 'false' }), undefined);
    assert.equal(detectCiContext({ JENKINS_URL: 'https://j/' }), undefined, 'no BUILD_ID');
  });

  it('every detected context satisfies the wire schema the server checks', () => {
    const context = detectCiContext({ GITHUB_ACTIONS: 'true', GITHUB_SHA: '  ' });
    assert.equal(context?.commit, null, 'whitespace-only values are absent');
    assert.ok(CiContextSchema.safeParse(context).success);
  });
});

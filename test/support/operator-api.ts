import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, type StartedServer } from './start-server.ts';

/** Builds the web UI when src/web changed since the last build; browser tests call it first. */
export function ensureWebBuild(): void {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/ensure-web-build.ts')], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `web build failed:\n${build.stdout}\n${build.stderr}`);
}

/**
 * Calls a started server as its operator (the bootstrap token): how browser tests set up what
 * the page under test then shows.
 */
export function operatorApi(server: () => StartedServer | undefined) {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const started = server();
    assert.ok(started, 'the server is not started');
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${started.token}`);
    return fetch(`${started.url}${path}`, { ...init, headers });
  }

  /** POSTs JSON and asserts it was accepted; resolves to the answer's body. */
  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(
      response.status < 300,
      `${path}: ${response.status} ${await response.clone().text()}`,
    );
    return (await response.json()) as Record<string, unknown>;
  }

  /** Applies a policy (YAML) as the default. */
  async function applyDefaultPolicy(yaml: string): Promise<void> {
    const response = await call('/v1/policies/default', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: yaml,
    });
    assert.ok(response.status < 300, await response.clone().text());
  }

  /** Attaches `body` to the release as evidence of `kind`. */
  async function attach(tag: string, kind: string, name: string, body: string): Promise<void> {
    const query = new URLSearchParams({ kind, name });
    const response = await call(`/v1/releases/${encodeURIComponent(tag)}/evidence?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    assert.equal(response.status, 201, await response.clone().text());
  }

  /** Asks the gate for an environment; resolves to `allowed` or `blocked`. */
  async function gate(tag: string, env: string): Promise<string> {
    const query = new URLSearchParams({ env });
    const response = await call(`/v1/releases/${encodeURIComponent(tag)}/gate?${query}`);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { decision: { decision: string } }).decision.decision;
  }

  return { call, post, applyDefaultPolicy, attach, gate };
}

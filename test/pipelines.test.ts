import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/main.ts';
import { projectRoot } from './support/start-server.ts';

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
const program = buildProgram({ out: () => {}, err: () => {} });

/** The dossier command lines a YAML document runs: action `command:` inputs and script lines. */
function dossierCommands(document: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key?: string) => {
    if (typeof value === 'string') {
      const text = value.replace(/\s+/g, ' ').trim();
      if (key === 'command' && !text.startsWith('dossier ')) found.push(text);
      for (const match of text.matchAll(/(?:^|&& |; )dossier ([^;&|#]+)/g)) {
        if (match[1]) found.push(match[1].trim());
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) visit(item, name);
    }
  };
  visit(document);
  return found;
}

/** Problems with one command line: an unknown (sub)command or an option it does not take. */
function commandProblems(line: string): string[] {
  const words = line.split(' ');
  let command: Command = program;
  while (words.length > 0) {
    const next = command.commands.find((sub) => sub.name() === words[0]);
    if (!next) break;
    command = next;
    words.shift();
  }
  if (command === program) return [`"${line}": no such command`];
  const known = new Set(
    [...command.options, ...program.options].map((option) => option.long).filter(Boolean),
  );
  return words
    .filter((word) => word.startsWith('--'))
    .filter((flag) => !known.has(flag.split('=')[0] as string))
    .map((flag) => `"${line}": ${command.name()} has no option ${flag}`);
}

describe('GitHub Action (action.yml)', () => {
  const action = parse(read('action.yml'));

  it('is a composite action that sets up Node 24 and runs the given command', () => {
    assert.equal(action.runs.using, 'composite');
    const setup = action.runs.steps.find((step: { uses?: string }) =>
      step.uses?.startsWith('actions/setup-node@'),
    );
    assert.equal(String(setup?.with?.['node-version']), '24');
    assert.equal(action.inputs.command.required, true);
    const run = action.runs.steps.find((step: { id?: string }) => step.id === 'run');
    assert.match(run.run, /dossier \$DOSSIER_COMMAND/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JS
    assert.equal(run.env.DOSSIER_COMMAND, '${{ inputs.command }}', 'input via env, not inlined');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JS
    assert.equal(action.outputs['exit-code'].value, '${{ steps.run.outputs.exit-code }}');
    // Without a token, the workflow's OIDC ID token for the given audience signs in.
    assert.match(run.run, /ACTIONS_ID_TOKEN_REQUEST_URL&audience=\$DOSSIER_OIDC_AUDIENCE/);
    assert.match(run.run, /::add-mask::\$DOSSIER_TOKEN/);
  });
});

describe('GitLab CI template (ci/gitlab/dossier.gitlab-ci.yml)', () => {
  const template = parse(read('ci/gitlab/dossier.gitlab-ci.yml'));

  it('defines .dossier, which provides the CLI and checks DOSSIER_URL and DOSSIER_TOKEN', () => {
    const job = template['.dossier'];
    assert.ok(job, '.dossier job missing');
    assert.equal(template.variables.DOSSIER_CLI_IMAGE, 'node:24');
    const script = job.before_script.join('\n');
    assert.match(script, /npm ci --omit=dev/);
    assert.match(script, /DOSSIER_URL/);
    assert.match(script, /DOSSIER_TOKEN/);
  });
});

describe('docs/pipelines.md examples', () => {
  const blocks = [...read('docs/pipelines.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (match) => match[1] as string,
  );

  it('has a GitHub and a GitLab pipeline that parse as YAML', () => {
    assert.equal(blocks.length, 2);
    for (const block of blocks) assert.doesNotThrow(() => parse(block));
  });

  it('go build → attest → gate → deploy → record deployment, with commands the CLI has', () => {
    for (const block of blocks) {
      const commands = dossierCommands(parse(block));
      const verbs = commands.map((line) => line.split(' ')[0]);
      for (const step of ['release', 'attest', 'gate', 'deploy']) {
        assert.ok(verbs.includes(step), `no ${step} step in:\n${commands.join('\n')}`);
      }
      assert.ok(verbs.indexOf('attest') < verbs.indexOf('gate'));
      assert.ok(verbs.indexOf('gate') < verbs.lastIndexOf('deploy'));
      assert.deepEqual(commands.flatMap(commandProblems), []);
    }
  });

  it('the checker catches a command or option the CLI does not have', () => {
    assert.equal(commandProblems('attest junit a.xml --release x').length, 0);
    assert.equal(commandProblems('gate x --environment prod').length, 1);
    assert.equal(commandProblems('promote x').length, 1);
  });
});

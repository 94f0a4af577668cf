import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import {
  commitOf,
  describeRun,
  escapeRegExp,
  runDossier,
  type ShownRelease,
  serverEnv,
  sha256OfFile,
  showRelease,
} from './run-dossier.ts';

// Real JUnit reports from the shared corpus (provenance in /work/shared/corpus/SOURCES.md).
const REPORTS = [
  corpusPath('junit', 'gradle-test-AppTest.xml'),
  corpusPath('junit', 'vitest-junit.xml'),
];
const TAG = 'billing@2.0.0+chg-7';

describe('dossier --local DIR, with no server and no DOSSIER_* variables', () => {
  let parent: string;
  let dataDir: string;
  let server: StartedServer | undefined;
  let releaseId = '';
  const local = (...args: string[]) => runDossier(['--local', dataDir, ...args]);
  const actor = `local:${userInfo().username}`;

  before(async () => {
    parent = await makeTempDir('dossier-cli-local-');
    dataDir = join(parent, 'data'); // does not exist yet: --local creates it
  });
  after(async () => {
    await server?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  it('release create --local on a directory that does not exist → exit 0, "Created <tag>", and the directory holds dossier.db', async () => {
    const run = await local(
      'release',
      'create',
      '--service',
      'billing',
      '--version',
      '2.0.0',
      '--commit',
      commitOf('7'),
      '--change',
      'CHG-7',
    );
    assert.equal(run.code, 0, describeRun(run));
    const match = /^Created billing@2\.0\.0\+chg-7\n {2}id (rel_[0-9A-Z]{26})\n$/.exec(run.stdout);
    assert.ok(match?.[1], describeRun(run));
    releaseId = match[1];
    assert.ok((await readdir(dataDir)).includes('dossier.db'));
  });

  it('attest --local with two corpus files → exit 0, each line carries the SHA-256 computed here', async () => {
    const run = await local('attest', 'junit', ...REPORTS, '--release', TAG);
    assert.equal(run.code, 0, describeRun(run));
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, describeRun(run));
    for (const [index, path] of REPORTS.entries()) {
      assert.match(lines[index] ?? '', new RegExp(`^attached junit \\(junit-xml\\) ${path} \\(`));
      assert.match(
        lines[index] ?? '',
        new RegExp(`, sha256 ${await sha256OfFile(path)}\\) as evd_`),
      );
    }
  });

  it('release show --json and release list --json --local → the release with both files, submitted by the local user', async () => {
    const shown = await showRelease(TAG, { args: ['--local', dataDir] });
    assert.equal(shown.id, releaseId);
    assert.equal(shown.createdBy, actor);
    assert.deepEqual(
      shown.evidence.map(({ name, sha256, submittedBy }) => ({ name, sha256, submittedBy })),
      await Promise.all(
        REPORTS.map(async (path) => ({
          name: basename(path),
          sha256: await sha256OfFile(path),
          submittedBy: actor,
        })),
      ),
    );
    const list = await local('release', 'list', '--json');
    assert.equal(list.code, 0, describeRun(list));
    const page = JSON.parse(list.stdout) as { items: ShownRelease[] };
    assert.deepEqual(
      page.items.map((item) => [item.tag, item.evidenceCount]),
      [[TAG, 2]],
    );
  });

  it('a bad input with --local → exit 2 and nothing stored, as with a server', async () => {
    const run = await local('attest', 'junitt', REPORTS[0] ?? '', '--release', TAG);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /unknown evidence kind "junitt"/);
    assert.equal((await showRelease(TAG, { args: ['--local', dataDir] })).evidenceCount, 2);
  });

  it('a server started on the same data directory → serves the same release and evidence', async () => {
    server = await startServer({ dataDir });
    const env = serverEnv(server);
    const [viaServer, viaLocal] = await Promise.all([
      showRelease(TAG, { env }),
      showRelease(TAG, { args: ['--local', dataDir] }),
    ]);
    assert.deepEqual(viaServer, viaLocal);
    assert.equal(viaServer.id, releaseId);
    assert.equal(viaServer.evidence.length, 2);
    const list = await runDossier(['release', 'list'], { env });
    assert.equal(list.code, 0, describeRun(list));
    assert.match(list.stdout, new RegExp(`\n${escapeRegExp(TAG)} +${releaseId} `));
  });
});

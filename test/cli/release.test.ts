import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { type StartedServer, startServer } from '../support/start-server.ts';
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

// Real JUnit reports from the shared corpus (provenance in /work/shared/corpus/SOURCES.md):
// catch2-failure.xml (806 B, mikepenz/action-junit-report) and pytest-fail.xml (2421 B,
// EnricoMi/publish-unit-test-result-action).
const REPORTS = [corpusPath('junit', 'catch2-failure.xml'), corpusPath('junit', 'pytest-fail.xml')];
const COMMIT = commitOf('a');
const ARTIFACT = `sha256:${'b'.repeat(64)}`;
const TAG = 'payments-api@1.18.4+chg-1842';

describe('dossier release and attest against a server', () => {
  let server: StartedServer;
  let env: Record<string, string>;

  before(async () => {
    server = await startServer();
    env = serverEnv(server);
  });
  after(() => server?.stop());

  describe('walk-through: create, attest, show, list', () => {
    const expected = new Map<string, { sha256: string; size: number }>();
    let releaseId = '';

    before(async () => {
      for (const path of REPORTS) {
        expected.set(basename(path), {
          sha256: await sha256OfFile(path),
          size: (await stat(path)).size,
        });
      }
      assert.equal(expected.size, 2, 'both corpus reports were found');
    });

    it('release create with --change and --artifact → exit 0, prints "Created <tag>" and a rel_ id', async () => {
      const run = await runDossier(
        [
          'release',
          'create',
          '--service',
          'payments-api',
          '--version',
          '1.18.4',
          '--commit',
          COMMIT,
          '--change',
          'CHG-1842',
          '--artifact',
          ARTIFACT,
        ],
        { env },
      );
      assert.equal(run.code, 0, describeRun(run));
      const match = /^Created (\S+)\n {2}id (rel_[0-9A-Z]{26})\n$/.exec(run.stdout);
      assert.ok(match?.[2], describeRun(run));
      assert.equal(match[1], TAG);
      assert.equal(run.stderr, '');
      releaseId = match[2];
    });

    it('attest junit with two corpus files → exit 0, one "attached" line each with the SHA-256 computed here', async () => {
      const run = await runDossier(['attest', 'junit', ...REPORTS, '--release', TAG], { env });
      assert.equal(run.code, 0, describeRun(run));
      const lines = run.stdout.trimEnd().split('\n');
      assert.equal(lines.length, REPORTS.length, describeRun(run));
      for (const [index, path] of REPORTS.entries()) {
        const match =
          /^attached junit \(junit-xml\) (\S+) \(([^)]+), sha256 ([0-9a-f]{64})\) as evd_[0-9A-Z]{26}$/.exec(
            lines[index] ?? '',
          );
        assert.ok(match, `line ${index}: ${lines[index]}`);
        assert.equal(match[1], path);
        assert.equal(match[3], expected.get(basename(path))?.sha256);
      }
      assert.match(lines[0] ?? '', /\(806 B, /);
      assert.match(lines[1] ?? '', /\(2\.4 KiB, /);
    });

    it('release show <tag> → exit 0, prints the release fields and one evidence row per file', async () => {
      const run = await runDossier(['release', 'show', TAG], { env });
      assert.equal(run.code, 0, describeRun(run));
      const out = run.stdout;
      assert.match(out, new RegExp(`^${escapeRegExp(TAG)}\n`));
      assert.match(out, new RegExp(`\n {2}id +${releaseId}\n`));
      assert.match(out, new RegExp(`\n {2}commit +${COMMIT}\n`));
      assert.match(out, /\n {2}change +CHG-1842\n/);
      assert.match(out, new RegExp(`\n {2}artifacts +${ARTIFACT}\n`));
      assert.match(out, /\n {2}created +\S+ by token:bootstrap-admin\n/);
      assert.match(out, /\n {2}evidence +2\n/);
      for (const [name, { sha256 }] of expected) {
        assert.match(
          out,
          new RegExp(
            `\n {2}junit +${escapeRegExp(name)} +.+ +${sha256.slice(0, 12)}… +token:bootstrap-admin `,
          ),
        );
      }
    });

    it('release show --json, by tag and by id → the same release with both evidence records (name, size, sha256, submittedBy)', async () => {
      const byTag = await showRelease(TAG, { env });
      const byId = await showRelease(releaseId, { env });
      assert.deepEqual(byId, byTag);
      assert.equal(byTag.id, releaseId);
      assert.equal(byTag.tag, TAG);
      assert.equal(byTag.commit, COMMIT);
      assert.equal(byTag.change, 'CHG-1842');
      assert.deepEqual(byTag.artifacts, [ARTIFACT]);
      assert.equal(byTag.createdBy, 'token:bootstrap-admin');
      assert.equal(byTag.evidenceCount, 2);
      const evidence = byTag.evidence
        .map(({ kind, name, size, sha256, submittedBy }) => ({
          kind,
          name,
          size,
          sha256,
          submittedBy,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(
        evidence,
        [...expected]
          .map(([name, facts]) => ({
            kind: 'junit',
            name,
            ...facts,
            submittedBy: 'token:bootstrap-admin',
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
    });

    it('release list --json → items hold the release with evidenceCount 2; the human list shows it too', async () => {
      const [asJson, asText] = await Promise.all([
        runDossier(['release', 'list', '--json'], { env }),
        runDossier(['release', 'list'], { env }),
      ]);
      assert.equal(asJson.code, 0, describeRun(asJson));
      const page = JSON.parse(asJson.stdout) as { items: ShownRelease[]; nextCursor: unknown };
      const item = page.items.find((candidate) => candidate.tag === TAG);
      assert.ok(item, asJson.stdout);
      assert.equal(item.id, releaseId);
      assert.equal(item.evidenceCount, 2);
      assert.equal(page.nextCursor, null);

      assert.equal(asText.code, 0, describeRun(asText));
      const [header, ...rows] = asText.stdout.trimEnd().split('\n');
      assert.match(header ?? '', /^TAG +ID +COMMIT +STATE +EVIDENCE +CREATED$/);
      const row = rows.find((line) => line.startsWith(`${TAG} `));
      assert.ok(row, asText.stdout);
      assert.match(
        row,
        new RegExp(`^${escapeRegExp(TAG)} +${releaseId} +${COMMIT.slice(0, 12)} +draft +2 `),
      );
    });

    it('release list --limit 1 over two releases → one item and a nextCursor; --cursor gives the other and no further cursor', async () => {
      const second = await runDossier(
        [
          'release',
          'create',
          '--service',
          'payments-api',
          '--version',
          '1.18.5',
          '--commit',
          commitOf('c'),
        ],
        { env },
      );
      assert.equal(second.code, 0, describeRun(second));

      const list = ['release', 'list', '--service', 'payments-api', '--limit', '1', '--json'];
      const first = await runDossier(list, { env });
      assert.equal(first.code, 0, describeRun(first));
      const page1 = JSON.parse(first.stdout) as { items: ShownRelease[]; nextCursor: string };
      assert.equal(page1.items.length, 1);
      assert.equal(typeof page1.nextCursor, 'string');
      assert.ok(page1.nextCursor.length > 0);

      const next = await runDossier([...list, '--cursor', page1.nextCursor], { env });
      assert.equal(next.code, 0, describeRun(next));
      const page2 = JSON.parse(next.stdout) as { items: ShownRelease[]; nextCursor: unknown };
      assert.equal(page2.items.length, 1);
      assert.equal(page2.nextCursor, null);
      assert.deepEqual([page1.items[0]?.tag, page2.items[0]?.tag].sort(), [
        'payments-api@1.18.4+chg-1842',
        'payments-api@1.18.5',
      ]);
    });
  });

  describe('repeating release create', () => {
    const create = (commit: string) =>
      runDossier(
        [
          'release',
          'create',
          '--service',
          'ledger',
          '--version',
          '7.0.1',
          '--commit',
          commit,
          '--change',
          'chg-77',
        ],
        { env },
      );

    it('the same create twice → the second exits 0 with "Already exists: <tag>" and the same id', async () => {
      const first = await create(commitOf('d'));
      assert.equal(first.code, 0, describeRun(first));
      assert.match(first.stdout, /^Created ledger@7\.0\.1\+chg-77\n/);
      const again = await create(commitOf('d'));
      assert.equal(again.code, 0, describeRun(again));
      assert.match(again.stdout, /^Already exists: ledger@7\.0\.1\+chg-77\n/);
      const id = (run: { stdout: string }) => /\n {2}id (rel_\S+)\n/.exec(run.stdout)?.[1];
      assert.ok(id(first));
      assert.equal(id(again), id(first));
    });

    it('the same tag with a different commit → exit 2, stderr names commit, and the stored commit is unchanged', async () => {
      const original = await create(commitOf('d'));
      assert.equal(original.code, 0, describeRun(original));
      const conflicting = await create(commitOf('e'));
      assert.equal(conflicting.code, 2, describeRun(conflicting));
      assert.equal(conflicting.stdout, '');
      assert.match(
        conflicting.stderr,
        /ledger@7\.0\.1\+chg-77 already exists with a different commit/,
      );
      assert.match(conflicting.stderr, /^ {2}commit: /m);
      const stored = await showRelease('ledger@7.0.1+chg-77', { env });
      assert.equal(stored.commit, commitOf('d'));
    });
  });
});

import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import {
  commitOf,
  describeRun,
  filesUnder,
  runDossier,
  type ShownEvidence,
  serverEnv,
  sha256OfFile,
  showRelease,
} from './run-dossier.ts';

const LIMIT = 1024;
const TAG = 'checkout@3.2.0';
// Real JUnit reports from the shared corpus (provenance in /work/shared/corpus/SOURCES.md).
const ATTACHED = corpusPath('junit', 'catch2-failure.xml'); // 806 B, attached in before()
const UNSENT = corpusPath('junit', 'odd-no-attributes.xml'); // 302 B, only ever refused
const NEW = corpusPath('junit', 'swift-test-xunit.xml'); // 510 B, attached by the last test
const LARGE = corpusPath('junit', 'pytest-fail.xml'); // 2421 B, over the limit

describe(`dossier attest against a server started with --max-upload-bytes ${LIMIT}`, () => {
  let server: StartedServer;
  let env: Record<string, string>;
  let scratch: string;
  /** The release's evidence after before(): one record, for ATTACHED. */
  let baseline: ShownEvidence[];

  const evidence = async () => (await showRelease(TAG, { env })).evidence;
  /** Names of the stored blobs: the blob store files evidence bytes under their SHA-256. */
  const blobNames = async () =>
    (await filesUnder(join(server.dataDir, 'blobs'))).map((path) => basename(path));

  before(async () => {
    server = await startServer({ args: ['--max-upload-bytes', String(LIMIT)] });
    env = serverEnv(server);
    scratch = await makeTempDir('dossier-cli-files-');
    const created = await runDossier(
      [
        'release',
        'create',
        '--service',
        'checkout',
        '--version',
        '3.2.0',
        '--commit',
        commitOf('f'),
      ],
      { env },
    );
    assert.equal(created.code, 0, describeRun(created));
    const attached = await runDossier(['attest', 'junit', ATTACHED, '--release', TAG], { env });
    assert.equal(attached.code, 0, describeRun(attached));
    baseline = await evidence();
    assert.equal(baseline.length, 1);
  });
  after(async () => {
    await server?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('re-attesting the same file → exit 0, "already attached" with the same evidence id, and the evidence count is unchanged', async () => {
    const run = await runDossier(['attest', 'junit', ATTACHED, '--release', TAG], { env });
    assert.equal(run.code, 0, describeRun(run));
    assert.match(
      run.stdout,
      new RegExp(`^already attached junit \\(junit-xml\\) ${ATTACHED} .* as ${baseline[0]?.id}\n$`),
    );
    const shown = await showRelease(TAG, { env });
    assert.deepEqual(shown.evidence, baseline);
    assert.equal(shown.evidenceCount, 1);
  });

  it(`a file larger than ${LIMIT} bytes → exit 2, stderr names the limit, and neither a record nor a blob is stored`, async () => {
    const run = await runDossier(['attest', 'junit', LARGE, '--release', TAG], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`larger than the limit of 1 KiB \\(${LIMIT} bytes\\)`));
    assert.deepEqual(await evidence(), baseline);
    // Small blobs live in the database, so ask the server rather than the blobs/ folder.
    const stored = async (path: string) =>
      (
        await fetch(`${server.url}/v1/blobs/${await sha256OfFile(path)}`, {
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).status;
    assert.equal(await stored(ATTACHED), 200, 'the earlier upload is a stored blob');
    assert.equal(await stored(LARGE), 404, 'the oversize file is not stored');
    assert.ok(!(await blobNames()).includes(await sha256OfFile(LARGE)));
    assert.deepEqual(await filesUnder(join(server.dataDir, 'blobs', 'tmp')), []);
  });

  it('an unknown kind → exit 2, stderr names the kind and the accepted kinds, and nothing is stored', async () => {
    const run = await runDossier(['attest', 'junitt', UNSENT, '--release', TAG], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /unknown evidence kind "junitt"; expected one of junit, coverage, /);
    assert.deepEqual(await evidence(), baseline);
  });

  it('an empty file → exit 2, stderr names the file as empty, and nothing is stored', async () => {
    const empty = join(scratch, 'empty.xml');
    await writeFile(empty, '');
    const run = await runDossier(['attest', 'junit', empty, '--release', TAG], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /empty\.xml is empty/);
    assert.deepEqual(await evidence(), baseline);
  });

  it('a missing file next to a readable one → exit 2, stderr names the missing path, and neither file is uploaded', async () => {
    const missing = join(scratch, 'missing.xml');
    const run = await runDossier(['attest', 'junit', UNSENT, missing, '--release', TAG], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`cannot read ${missing}: ENOENT`));
    assert.deepEqual(await evidence(), baseline);
    assert.ok(!(await blobNames()).includes(await sha256OfFile(UNSENT)));
  });

  it('a directory instead of a file → exit 2, stderr says it is not a regular file', async () => {
    const run = await runDossier(['attest', 'junit', scratch, '--release', TAG], { env });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, new RegExp(`cannot read ${scratch}: not a regular file`));
  });

  it('an unknown release → exit 2, stderr names the release; no release appears and the bytes are not stored', async () => {
    const run = await runDossier(['attest', 'junit', UNSENT, '--release', 'checkout@9.9.9'], {
      env,
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /no release with id or tag "checkout@9\.9\.9"/);
    const show = await runDossier(['release', 'show', 'checkout@9.9.9', '--json'], { env });
    assert.equal(show.code, 2, describeRun(show));
    assert.ok(!(await blobNames()).includes(await sha256OfFile(UNSENT)));
  });

  it('attest --json with a new file → exit 0 and a JSON array holding its record, created true', async () => {
    const run = await runDossier(['attest', 'junit', NEW, '--release', TAG, '--json'], { env });
    assert.equal(run.code, 0, describeRun(run));
    const results = JSON.parse(run.stdout) as { created: boolean; evidence: ShownEvidence }[];
    assert.equal(results.length, 1);
    assert.equal(results[0]?.created, true);
    assert.equal(results[0]?.evidence.kind, 'junit');
    assert.equal(results[0]?.evidence.name, 'swift-test-xunit.xml');
    assert.equal(results[0]?.evidence.size, 510);
    assert.equal(results[0]?.evidence.sha256, await sha256OfFile(NEW));
    assert.equal(results[0]?.evidence.submittedBy, 'token:bootstrap-admin');
  });
});

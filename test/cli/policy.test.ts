import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusPath } from '../support/corpus.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';
import { commitOf, describeRun, runDossier, serverEnv } from './run-dossier.ts';

const REGULATED = 'examples/policies/regulated.yaml';
const REGULATED_FIXTURES = 'examples/policies/fixtures/regulated.fixtures.yaml';
const SIMPLE = 'test/fixtures/policies/simple.yaml';
// A real, all-passing Gradle JUnit report (provenance in /work/shared/corpus/SOURCES.md).
const PASSING_JUNIT = corpusPath('junit', 'gradle-test-AppTest.xml');
const FAILING_JUNIT = corpusPath('junit', 'maven-surefire-StringUtilsTest-failures-skipped.xml');

describe('dossier policy validate | test (offline)', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempDir('dossier-policy-');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('validate: exit 0 and the hash for a valid policy', async () => {
    const run = await runDossier(['policy', 'validate', REGULATED]);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stdout, /valid \(sha256 [0-9a-f]{64}\)/);
  });

  it('validate: exit 1 naming file:line:column, field and reason for each problem', async () => {
    const text = (await readFile(REGULATED, 'utf8'))
      .replace('evidence: [junit, sbom]', 'evidence: [junit, sbom, pentest]')
      .replace('evidence.coverage.lines >= 0.70', 'evidence.coverage.lines >=');
    const file = join(dir, 'broken.yaml');
    await writeFile(file, text);
    const run = await runDossier(['policy', 'validate', file]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(
      run.stderr,
      /broken\.yaml:\d+:\d+ tiers\.low\.default\.evidence\[2\]: unknown evidence kind "pentest"/,
    );
    assert.match(run.stderr, /broken\.yaml:\d+:\d+ tiers\.medium\.default\.rules\[1\]\.when: /);
  });

  it('test: every shipped fixture of the example policy passes (exit 0)', async () => {
    const run = await runDossier(['policy', 'test', REGULATED, REGULATED_FIXTURES]);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stdout, /6 passed, 0 failed/);
  });

  it('test: a fixture the policy contradicts fails with what differed (exit 1)', async () => {
    const file = join(dir, 'wrong.yaml');
    await writeFile(
      file,
      [
        'name: expects a failing release to pass',
        'environment: verification',
        'change: { type: code, riskClass: low }',
        'evidence:',
        '  - kind: junit',
        '    summary: { tests: 3, passed: 2, failed: 1, errored: 0 }',
        'expect:',
        '  decision: allowed',
        '  outcomes: { tests-pass: passed }',
      ].join('\n'),
    );
    const run = await runDossier(['policy', 'test', REGULATED, file]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stdout, /FAIL {2}.*expects a failing release to pass/);
    assert.match(run.stdout, /decision: expected allowed, got blocked/);
    assert.match(run.stdout, /tests-pass: expected passed, got failed/);
  });

  it('test: a malformed fixture is named, not run (exit 1)', async () => {
    const file = join(dir, 'malformed.yaml');
    await writeFile(file, 'name: x\nenvironment: verification\nexpect: { decision: maybe }\n');
    const run = await runDossier(['policy', 'test', REGULATED, file]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /malformed\.yaml: expect\.decision/);
  });
});

describe('dossier policy apply | show, change, service, gate, deploy (against a server)', () => {
  let server: StartedServer;
  let env: Record<string, string>;
  const dossier = (...args: string[]) => runDossier(args, { env });

  before(async () => {
    server = await startServer();
    env = serverEnv(server);
  });
  after(() => server.stop());

  it('policy apply refuses an invalid file (exit 2, line named) and then applies a valid one', async () => {
    const dir = await makeTempDir('dossier-policy-');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, (await readFile(SIMPLE, 'utf8')).replace('version: 1', 'version: 2'));
    const refused = await dossier('policy', 'apply', bad);
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /INVALID_POLICY|refused/);
    assert.match(refused.stderr, /3:\d+ version: this Dossier reads policy version 1/);
    const shownBefore = await dossier('policy', 'show');
    assert.equal(shownBefore.code, 2, 'nothing was applied');

    const applied = await dossier('policy', 'apply', SIMPLE);
    assert.equal(applied.code, 0, describeRun(applied));
    assert.match(applied.stdout, /Active for all services: simple v1/);
    const shown = await dossier('policy', 'show', '--service', 'anything');
    assert.match(shown.stdout, /# simple v1, active for all services/);
    assert.match(shown.stdout, /tests-pass/);
    await rm(dir, { recursive: true, force: true });
  });

  it('walks a change from request to an allowed gate; gate exits 1 while blocked', async () => {
    const service = await dossier(
      'service',
      'set',
      'lab-api',
      '--criticality',
      '2',
      '--owner',
      'ann',
    );
    assert.equal(service.code, 0, describeRun(service));
    const created = await dossier(
      'change',
      'create',
      '--service',
      'lab-api',
      '--title',
      'Fix unit label',
      '--type',
      'code',
      '--reason',
      'Ticket 31',
      '--requirement',
      'REQ-3',
      '--json',
    );
    assert.equal(created.code, 0, describeRun(created));
    const changeId = JSON.parse(created.stdout).id as string;
    const assessed = await dossier(
      'change',
      'assess',
      changeId,
      '--scope',
      '1',
      '--customer-impact',
      '1',
      '--rollback',
      '1',
    );
    assert.equal(assessed.code, 0, describeRun(assessed));
    assert.match(assessed.stdout, /baseline low/);
    assert.match(assessed.stdout, /defect history: /);

    const tag = `lab-api@1.0.0+${changeId.toLowerCase()}`;
    await dossier(
      'release',
      'create',
      '--service',
      'lab-api',
      '--version',
      '1.0.0',
      '--commit',
      commitOf('a'),
      '--change',
      changeId,
    );
    const attested = await dossier('attest', 'junit', FAILING_JUNIT, '--release', tag);
    assert.equal(attested.code, 0, describeRun(attested));
    const blocked = await dossier('gate', tag, '--env', 'staging');
    assert.equal(blocked.code, 1, describeRun(blocked));
    assert.match(blocked.stdout, /^BLOCKED: /);
    assert.match(blocked.stdout, /tests-pass +FAILED/);

    const passing = await dossier(
      'release',
      'create',
      '--service',
      'lab-api',
      '--version',
      '1.0.1',
      '--commit',
      commitOf('b'),
      '--change',
      changeId,
    );
    assert.equal(passing.code, 0, describeRun(passing));
    const tag2 = `lab-api@1.0.1+${changeId.toLowerCase()}`;
    await dossier('attest', 'junit', PASSING_JUNIT, '--release', tag2);
    const allowed = await dossier('gate', tag2, '--env', 'staging', '--json');
    assert.equal(allowed.code, 0, describeRun(allowed));
    const answer = JSON.parse(allowed.stdout);
    assert.equal(answer.decision.decision, 'allowed');
    assert.match(answer.decision.decisionHash, /^[0-9a-f]{64}$/);

    const prod = await dossier('gate', tag2, '--env', 'production');
    assert.equal(prod.code, 1);
    assert.match(prod.stdout, /promote-from:staging +FAILED/);
    const deployed = await dossier('deploy', tag2, '--env', 'staging');
    assert.equal(deployed.code, 0, describeRun(deployed));
    const promoted = await dossier('gate', tag2, '--env', 'production');
    assert.equal(promoted.code, 0, describeRun(promoted));
    assert.match(promoted.stdout, /^ALLOWED: /);
  });

  it('gate exits 2 for an unknown release or a malformed environment', async () => {
    const unknown = await dossier('gate', 'nope@1', '--env', 'staging');
    assert.equal(unknown.code, 2, describeRun(unknown));
    assert.match(unknown.stderr, /no release/);
  });

  it('choose-class without a justification is refused with the reason (exit 2)', async () => {
    const created = await dossier(
      'change',
      'create',
      '--service',
      'lab-api',
      '--title',
      't',
      '--type',
      'config',
      '--reason',
      'r',
      '--json',
    );
    const id = JSON.parse(created.stdout).id as string;
    await dossier(
      'change',
      'assess',
      id,
      '--scope',
      '1',
      '--customer-impact',
      '1',
      '--rollback',
      '1',
    );
    const refused = await dossier('change', 'choose-class', id, 'high');
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /needs a written justification/);
    const chosen = await dossier(
      'change',
      'choose-class',
      id,
      'high',
      '--justification',
      'Config feeds the result calculation; treat as high.',
    );
    assert.equal(chosen.code, 0, describeRun(chosen));
    assert.match(chosen.stdout, /chosen high/);
    const shown = await dossier('change', 'show', id);
    assert.match(shown.stdout, /justification: Config feeds/);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertAccessible } from '../support/accessibility.ts';
import { chromiumMissing, openWatchedPage, screenshotDir } from '../support/browser.ts';
import { corpusPath } from '../support/corpus.ts';
import {
  makeTempDir,
  projectRoot,
  type StartedServer,
  startServer,
} from '../support/start-server.ts';

const release = {
  service: 'payments-api',
  version: '1.18.4',
  commit: '3f9c2a7be41d08c5f6a9e2d17b3c40a8e5f61d92',
  change: 'CHG-1842',
  artifacts: [`sha256:${'4be1'.repeat(16)}`],
};

const junitReport = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="payments-api" tests="3" failures="0" errors="0" time="1.284">
  <testsuite name="ledger.settlement" tests="3" failures="0" errors="0" time="1.284">
    <testcase classname="ledger.settlement" name="settles a single transfer" time="0.412"/>
    <testcase classname="ledger.settlement" name="rejects a transfer over the limit" time="0.377"/>
    <testcase classname="ledger.settlement" name="rounds half to even" time="0.495"/>
  </testsuite>
</testsuites>
`,
);

const sbom = Buffer.from(
  `${JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { type: 'application', name: 'payments-api', version: '1.18.4' } },
      components: Array.from({ length: 40 }, (_, index) => ({
        type: 'library',
        name: `dependency-${index}`,
        version: `1.${index}.0`,
        purl: `pkg:npm/dependency-${index}@1.${index}.0`,
      })),
    },
    null,
    2,
  )}\n`,
);

// Provenance signed at run time with a key the server is configured to trust, so the test can
// show a verified statement, and a copy whose payload was changed after signing: invalid.
const signingKey = generateKeyPairSync('ed25519');
const signingKeyId = 'dossier-e2e-signing-key';
const inTotoType = 'application/vnd.in-toto+json';

function provenanceStatement(builderId: string): string {
  return JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      { name: 'payments-api-1.18.4.tar.gz', digest: { sha256: release.artifacts[0]?.slice(7) } },
    ],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        externalParameters: {
          workflow: {
            repository: 'https://github.com/example/payments-api',
            ref: 'refs/heads/main',
            path: '.github/workflows/release.yml',
          },
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/example/payments-api@refs/heads/main',
            digest: { gitCommit: release.commit },
          },
        ],
      },
      runDetails: { builder: { id: builderId } },
    },
  });
}

/** A DSSE envelope over `signed`, carrying `payload` (the same, unless it was tampered with). */
function dsseEnvelope(signed: string, payload = signed): Buffer {
  const body = Buffer.from(signed);
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(inTotoType)} ${inTotoType} ${body.length} `),
    body,
  ]);
  const sig = sign(null, pae, signingKey.privateKey).toString('base64');
  return Buffer.from(
    `${JSON.stringify({
      payloadType: inTotoType,
      payload: Buffer.from(payload).toString('base64'),
      signatures: [{ keyid: signingKeyId, sig }],
    })}\n`,
  );
}

const builder = 'https://github.com/actions/runner/github-hosted';
const signedProvenance = dsseEnvelope(provenanceStatement(builder));
const tamperedProvenance = dsseEnvelope(
  provenanceStatement(builder),
  provenanceStatement('https://attacker.example/builder'),
);

function corpusFile(path: string): Buffer {
  return readFileSync(corpusPath(path));
}

const uploads = [
  { kind: 'junit', name: 'junit-report.xml', bytes: junitReport },
  { kind: 'sbom', name: 'payments-api.cdx.json', bytes: sbom },
  // Real reports from the shared corpus: failures with messages, partial coverage, findings of
  // every security severity, vulnerabilities of several severities.
  {
    kind: 'junit',
    name: 'jest-junit-failures.xml',
    bytes: corpusFile('junit/jest-junit-failures.xml'),
  },
  {
    kind: 'coverage',
    name: 'cobertura-2.1.1-java.xml',
    bytes: corpusFile('coverage/cobertura-2.1.1-java.xml'),
  },
  {
    kind: 'sarif',
    name: 'semgrep-oss-1.69.0.sarif',
    bytes: corpusFile('sarif/semgrep-oss-1.69.0.sarif'),
  },
  {
    kind: 'vuln-scan',
    name: 'grype-with-epss.json',
    bytes: corpusFile('vuln/grype-with-epss.json'),
  },
  { kind: 'provenance', name: 'payments-api.intoto.json', bytes: signedProvenance },
  { kind: 'provenance', name: 'payments-api-tampered.intoto.json', bytes: tamperedProvenance },
] as const;

type UploadName = (typeof uploads)[number]['name'];

/** An evidence record as the API lists it. */
interface EvidenceRecord {
  id: string;
  kind: string;
  name: string;
  format: string | null;
  summary: Record<string, unknown> | null;
}

/** 1234 → "1,234", as the UI prints counts. */
function count(value: unknown): string {
  assert.equal(typeof value, 'number', `expected a count, got ${JSON.stringify(value)}`);
  return (value as number).toLocaleString('en-US');
}

/** 0.6667 → "66.7%", as the UI prints a covered share. */
function percent(ratio: unknown): string {
  assert.equal(typeof ratio, 'number', `expected a ratio, got ${JSON.stringify(ratio)}`);
  return `${(Math.round((ratio as number) * 1000) / 10).toFixed(1)}%`;
}

function records(summary: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const value = summary[key];
  assert.ok(Array.isArray(value), `summary.${key} is a list`);
  return value as Array<Record<string, unknown>>;
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** The text a reader sees in an element, without the surrounding whitespace. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const skip = chromiumMissing;

// A hung browser must fail the run, not stall it.
describe('web UI in Chromium', { skip, timeout: 120_000 }, () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tag: string;
  let trustDir: string | undefined;
  /** The evidence list as the API returns it, by file name. */
  const evidence = new Map<string, EvidenceRecord>();
  const foreignRequests: string[] = [];
  const browserErrors: string[] = [];
  const failedResponses: string[] = [];

  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    assert.ok(server);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${server.token}`);
    return fetch(`${server.url}${path}`, { ...init, headers });
  }

  before(async () => {
    // `serve` only serves build/web if it exists when it starts, so build the UI first.
    const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/ensure-web-build.ts')], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `web build failed:\n${build.stdout}\n${build.stderr}`);

    trustDir = await makeTempDir('dossier-e2e-trust-');
    const keysFile = join(trustDir, 'dsse-keys.json');
    const pem = signingKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(keysFile, JSON.stringify([{ keyId: signingKeyId, pem }]));
    server = await startServer({ env: { DOSSIER_DSSE_KEYS: keysFile } });

    const created = await api('/v1/releases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(release),
    });
    assert.equal(created.status, 201, await created.clone().text());
    tag = ((await created.json()) as { tag: string }).tag;

    // A second, older-looking release without evidence, so the list has more than one row.
    const other = await api('/v1/releases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'ledger', version: '2.3.0', commit: 'a'.repeat(40) }),
    });
    assert.equal(other.status, 201, await other.clone().text());

    for (const upload of uploads) {
      const query = new URLSearchParams({ kind: upload.kind, name: upload.name });
      const response = await api(`/v1/releases/${encodeURIComponent(tag)}/evidence?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(upload.bytes),
      });
      assert.equal(response.status, 201, await response.clone().text());
      const body = (await response.json()) as { evidence: { sha256: string } };
      assert.equal(body.evidence.sha256, sha256(upload.bytes));
    }
    const listed = await api(`/v1/releases/${encodeURIComponent(tag)}/evidence`);
    assert.equal(listed.status, 200);
    for (const item of ((await listed.json()) as { items: EvidenceRecord[] }).items) {
      evidence.set(item.name, item);
    }

    ({ browser, page } = await openWatchedPage(
      server.url,
      { foreignRequests, browserErrors, failedResponses },
      { timeoutMs: 10_000, permissions: ['clipboard-read', 'clipboard-write'] },
    ));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (trustDir) await rm(trustDir, { recursive: true, force: true });
  });

  /** The API's record of an uploaded file, with the summary its parser produced. */
  function recordOf(name: UploadName): EvidenceRecord {
    const record = evidence.get(name);
    assert.ok(record, `the API lists ${name}`);
    return record;
  }

  function summaryOf(name: UploadName): Record<string, unknown> {
    const { summary, kind } = recordOf(name);
    assert.ok(summary, `the server parsed ${name} (is a ${kind} parser registered?)`);
    return summary;
  }

  /** The table row under a file's own row, holding its summary. */
  function summaryRow(name: UploadName): Locator {
    return page.locator(`tr.summary-row[data-summary-for="${recordOf(name).id}"]`);
  }

  /** Opens a file's summary details with the disclosure button; returns the details region. */
  async function expand(name: UploadName): Promise<Locator> {
    const button = summaryRow(name).getByRole('button', { name: `Details of ${name}` });
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const region = page.getByRole('region', { name: `Summary of ${name}` });
    await region.waitFor();
    return region;
  }

  it('asks for an API token and refuses a wrong one', async () => {
    assert.ok(server);
    await page.goto(server.url);
    // People sign in with a password; the token form is one step away, for operators.
    await page.getByLabel('Username').waitFor();
    await page.getByText('Operators: use an API token').click();
    const input = page.getByLabel('API token');
    await input.waitFor();
    assert.equal(await input.getAttribute('type'), 'password');
    await assertAccessible(page, 'sign-in');
    await page.screenshot({ path: join(screenshotDir, 'sign-in.png') });

    await input.fill('dsr_not_a_real_token');
    await page.getByRole('button', { name: 'Use API token' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await textOf(alert), /That token was not accepted/);
    assert.equal(await page.getByRole('table').count(), 0);
  });

  it('signs in with the token and lists the releases, newest first', async () => {
    assert.ok(server);
    await page.getByLabel('API token').fill(server.token);
    await page.getByRole('button', { name: 'Use API token' }).click();
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();

    const rows = page.locator('table.release-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    // Newest first: the ledger release was created after payments-api.
    assert.match(await textOf(rows.nth(0)), /ledger@2\.3\.0/);

    const row = rows.filter({ has: page.getByRole('link', { name: tag, exact: true }) });
    const cells = await row.locator('th, td').allInnerTexts();
    assert.equal(cells[0], tag);
    assert.equal(cells[1], release.service);
    assert.equal(cells[2], release.version);
    assert.ok(cells[3]?.startsWith(release.commit.slice(0, 10)), `commit cell: ${cells[3]}`);
    assert.equal(cells[4], 'draft');
    assert.equal(cells[5], String(uploads.length));
    assert.match(cells[6] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    assert.equal(await row.locator('code').getAttribute('title'), release.commit);
    await assertAccessible(page, 'release-list');
    await page.screenshot({ path: join(screenshotDir, 'release-list.png'), fullPage: true });
  });

  it('opens the release page with its record and every evidence file', async () => {
    await page.getByRole('link', { name: tag, exact: true }).click();
    await page.waitForURL(`**/releases/${encodeURIComponent(tag)}`);
    await page.getByRole('heading', { name: tag, level: 1 }).waitFor();

    const record = page.locator('dl.record');
    const recordText = await textOf(record);
    for (const expected of [release.service, release.version, release.commit, release.change]) {
      assert.ok(recordText.includes(expected), `record lacks ${expected}:\n${recordText}`);
    }
    assert.equal(
      await record.locator(`code[title="${release.artifacts[0]}"]`).count(),
      1,
      'artifact digest shown with its full value',
    );

    const rows = page.locator('table.evidence-table tr.evidence-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), uploads.length);
    await assertAccessible(page, 'release-page');
    await page.screenshot({ path: join(screenshotDir, 'release-page.png'), fullPage: true });
    for (const upload of uploads) {
      const row = rows.filter({ has: page.getByRole('cell', { name: upload.name, exact: true }) });
      assert.equal(await row.count(), 1, `one row for ${upload.name}`);
      const cells = row.locator('td');
      assert.equal(await textOf(cells.nth(0)), upload.kind);
      assert.equal(await textOf(cells.nth(1)), upload.name);

      const size = cells.nth(2).locator('[title]');
      const exact = upload.bytes.length;
      assert.equal(await size.getAttribute('title'), `${exact.toLocaleString('en-US')} bytes`);
      const shown = await textOf(size);
      if (exact < 1024) assert.equal(shown, `${exact} B`);
      else assert.match(shown, /^\d+(\.\d)? KiB$/);

      const digest = sha256(upload.bytes);
      const code = cells.nth(3).locator('code');
      assert.equal(await code.getAttribute('title'), digest);
      assert.ok((await textOf(code)).startsWith(digest.slice(0, 12)));
      await row.getByRole('button', { name: `Copy SHA-256 of ${upload.name}` }).click();
      await row
        .getByRole('button', { name: `Copy SHA-256 of ${upload.name}` })
        .getByText('Copied')
        .waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), digest);
      assert.match(await textOf(cells.nth(5)), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    }
  });

  it('downloads each evidence file byte for byte under its own name', async () => {
    for (const upload of uploads) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Download ${upload.name}` }).click(),
      ]);
      assert.equal(download.suggestedFilename(), upload.name);
      const saved = await download.path();
      assert.deepEqual(await readFile(saved), upload.bytes);
    }
  });

  it('shows under every evidence file what the server read from it, or that it is unparsed', async () => {
    for (const upload of uploads) {
      const record = recordOf(upload.name);
      const row = summaryRow(upload.name);
      await row.waitFor();
      const button = row.getByRole('button', { name: `Details of ${upload.name}` });
      if (record.summary === null) {
        assert.match(await textOf(row), /Stored unparsed/);
        assert.equal(await button.count(), 0, `${upload.name} has no details to open`);
        continue;
      }
      assert.equal(await button.getAttribute('aria-expanded'), 'false');
      const controlled = await button.getAttribute('aria-controls');
      assert.ok(controlled, 'the disclosure button names the region it opens');
      assert.equal(await page.locator(`[id="${controlled}"]`).isHidden(), true);
      if (record.format) assert.match(await textOf(row.locator('.format-label')), /\S/);
    }
  });

  it('opens a JUnit summary from the keyboard: totals and every failure with its message', async () => {
    const name = 'jest-junit-failures.xml';
    const summary = summaryOf(name);
    const failing = records(summary, 'cases').filter(
      (testCase) => testCase.status === 'failed' || testCase.status === 'errored',
    );
    assert.ok(failing.length > 0, 'the corpus file has failures');

    // The headline, without opening anything: the counts a reviewer reads first.
    const row = summaryRow(name);
    for (const outcome of ['failed', 'errored', 'skipped', 'passed']) {
      const chip = row.locator(`.summary-line [data-count="${outcome}"] .chip-value`);
      assert.equal(await textOf(chip), count(summary[outcome]), `headline ${outcome}`);
    }

    const button = row.getByRole('button', { name: `Details of ${name}` });
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const region = page.getByRole('region', { name: `Summary of ${name}` });
    await region.waitFor();
    for (const outcome of ['failed', 'errored', 'skipped', 'passed']) {
      const chip = region.locator(`[data-count="${outcome}"] .chip-value`).first();
      assert.equal(await textOf(chip), count(summary[outcome]), `details ${outcome}`);
    }

    const shown = region.locator('table.case-table tbody tr');
    assert.equal(await shown.count(), Math.min(50, failing.length));
    assert.equal(await region.locator('table.case-table tr[data-status="passed"]').count(), 0);
    for (const [index, testCase] of failing.slice(0, 50).entries()) {
      const text = await textOf(shown.nth(index));
      assert.ok(text.includes(String(testCase.name)), `row ${index} names ${testCase.name}`);
      const firstLine =
        String(testCase.message ?? '')
          .split('\n')[0]
          ?.slice(0, 60) ?? '';
      assert.ok(text.includes(firstLine), `row ${index} shows "${firstLine}":\n${text}`);
    }

    // Passing cases only on request.
    const others = records(summary, 'cases').length - failing.length;
    const more = region.getByRole('button', { name: 'Passed and skipped cases' });
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    assert.equal(
      await region.locator('table.case-table tr[data-status="passed"]').count(),
      summary.passed,
    );
    assert.equal(await shown.count(), Math.min(50, failing.length) + Math.min(50, others));
    await more.click();

    // Space closes it again, and the details leave the page.
    await button.focus();
    await page.keyboard.press('Space');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await region.count(), 0);
  });

  it('shows coverage per metric, "not measured" where nothing was, and the least-covered files', async () => {
    const name = 'cobertura-2.1.1-java.xml';
    const summary = summaryOf(name);
    const row = summaryRow(name);
    assert.equal(
      await textOf(row.locator('.summary-line [data-metric="lines"] .percent-value')),
      percent(summary.lines),
    );
    const region = await expand(name);
    for (const metric of ['lines', 'branches', 'functions']) {
      const text = await textOf(region.locator(`tr[data-metric="${metric}"]`));
      if (summary[metric] === null) {
        assert.match(text, /not measured/, metric);
        continue;
      }
      assert.ok(text.includes(percent(summary[metric])), `${metric}: ${text}`);
      const covered = `${count(summary[`${metric}Covered`])} of ${count(summary[`${metric}Total`])}`;
      assert.ok(text.includes(covered), `${metric} shows ${covered}: ${text}`);
    }

    const files = records(summary, 'files');
    const fileRows = region.locator('table.file-table tbody tr');
    assert.equal(await fileRows.count(), Math.min(10, files.length));
    const lowest = Math.min(
      ...files.map((file) => (typeof file.lines === 'number' ? file.lines : 2)),
    );
    const firstRow = await textOf(fileRows.first());
    assert.ok(firstRow.includes(percent(lowest)), `least covered first: ${firstRow}`);
    // A file with no branches says so; it is never shown as 0 %.
    if (files.some((file) => file.branches === null)) {
      assert.ok((await textOf(region.locator('table.file-table'))).includes('not measured'));
    }
  });

  it('counts SARIF findings by level and security severity and pages through them', async () => {
    const name = 'semgrep-oss-1.69.0.sarif';
    const summary = summaryOf(name);
    const region = await expand(name);
    for (const key of ['critical', 'high', 'medium', 'low', 'error', 'warning', 'note']) {
      const chip = region.locator(`[data-count="${key}"] .chip-value`).first();
      assert.equal(await textOf(chip), count(summary[key]), key);
      const headline = summaryRow(name).locator(`.summary-line [data-count="${key}"] .chip-value`);
      assert.equal(await textOf(headline), count(summary[key]), `headline ${key}`);
    }

    const findings = records(summary, 'findings');
    assert.ok(findings.length > 50, 'enough findings to need a second page');
    const rows = region.locator('table.finding-table tbody tr');
    assert.equal(await rows.count(), 50);
    const worst = Math.max(
      ...findings.map((finding) => SEVERITY_RANK[String(finding.securitySeverity)] ?? 0),
    );
    const worstName = Object.keys(SEVERITY_RANK).find((key) => SEVERITY_RANK[key] === worst);
    assert.equal(await textOf(rows.first().locator('.tone-badge')), worstName);
    const rest = findings.length - 50;
    assert.match(
      await textOf(region.locator('.pager-status').last()),
      new RegExp(`Showing 1–50 of ${findings.length} findings · ${rest} more`),
    );
    await region.getByRole('button', { name: `Next ${Math.min(50, rest)}` }).click();
    await region
      .getByText(`Showing 51–${findings.length} of ${findings.length} findings`)
      .waitFor();
    assert.equal(await rows.count(), rest);
    await region.getByRole('button', { name: 'Previous 50' }).click();
    assert.equal(await rows.count(), 50);
  });

  it('lists vulnerabilities most severe first with their package and fixed version', async () => {
    const name = 'grype-with-epss.json';
    const summary = summaryOf(name);
    const region = await expand(name);
    for (const key of ['critical', 'high', 'medium', 'low']) {
      const chip = region.locator(`[data-count="${key}"] .chip-value`).first();
      assert.equal(await textOf(chip), count(summary[key]), key);
    }
    const expected = records(summary, 'vulnerabilities')
      .map((entry, index) => ({ entry, index }))
      .sort(
        (a, b) =>
          (SEVERITY_RANK[String(b.entry.severity)] ?? 0) -
            (SEVERITY_RANK[String(a.entry.severity)] ?? 0) || a.index - b.index,
      )
      .slice(0, 50)
      .map(({ entry }) => entry);
    const rows = region.locator('table.vulnerability-table tbody tr');
    assert.equal(await rows.count(), expected.length);
    for (const [index, entry] of expected.entries()) {
      const cells = await rows.nth(index).locator('td').allInnerTexts();
      assert.equal(cells[0], entry.severity);
      assert.ok(cells[1]?.startsWith(String(entry.id)), `row ${index}: ${cells[1]}`);
      assert.equal(cells[2], entry.package ?? '—');
      assert.equal(cells[3], entry.version ?? '—');
      assert.equal(cells[4], entry.fixedVersion ?? 'no fix listed');
    }
  });

  it('summarizes the SBOM: format, subject, component and dependency counts, components', async () => {
    const name = 'payments-api.cdx.json';
    const summary = summaryOf(name);
    const headline = await textOf(summaryRow(name).locator('.summary-line'));
    assert.ok(headline.includes(`${count(summary.components)} components`), headline);
    assert.ok(headline.includes(`${count(summary.dependencies)} dependency edges`), headline);
    const region = await expand(name);
    const subject = summary.subject as { name: string; version: string };
    assert.ok((await textOf(region)).includes(`${subject.name} ${subject.version}`));
    const components = records(summary, 'componentList');
    const rows = region.locator('table.component-table tbody tr');
    assert.equal(await rows.count(), Math.min(50, components.length));
    const first = await rows.first().locator('td').allInnerTexts();
    assert.equal(first[0], components[0]?.name);
    assert.equal(first[1], components[0]?.version);
    assert.equal(first[3], components[0]?.purl);
  });

  it('shows verified provenance in green and a tampered statement as invalid, never verified', async () => {
    const artifact = release.artifacts[0] ?? '';
    const signed = summaryOf('payments-api.intoto.json');
    assert.equal(signed.verified, true, 'the server verified the signature with the trusted key');
    const signedRow = summaryRow('payments-api.intoto.json');
    assert.equal(
      await signedRow.locator('.summary-line [data-verdict]').getAttribute('data-verdict'),
      'verified',
    );
    const signedMatches = signed.matchesArtifacts as { matchedByVerified: string[] };
    assert.deepEqual(signedMatches.matchedByVerified, [artifact]);
    assert.match(
      await textOf(signedRow.locator('[data-artifacts-verified]')),
      /release artifacts covered: 1 of 1$/,
    );
    const signedRegion = await expand('payments-api.intoto.json');
    await signedRegion.locator('.verdict-panel[data-verdict="verified"]').waitFor();
    const covered = signedRegion.locator('[data-match="verified"]');
    assert.equal(await covered.locator(`code[title="${artifact}"]`).count(), 1);
    assert.ok((await textOf(signedRegion)).includes(builder));

    const tampered = summaryOf('payments-api-tampered.intoto.json');
    assert.notEqual(tampered.verified, true);
    const [statement] = records(tampered, 'statements');
    const signature = statement?.signature as { status: string; reason: string };
    assert.equal(signature.status, 'invalid');
    const tamperedRow = summaryRow('payments-api-tampered.intoto.json');
    const badge = tamperedRow.locator('.summary-line [data-verdict]');
    assert.equal(await badge.getAttribute('data-verdict'), 'invalid');
    assert.match(await textOf(badge), /Invalid signature/i);
    // It names the release's artifact, but no verified statement vouches for it.
    assert.match(
      await textOf(tamperedRow.locator('[data-artifacts-verified]')),
      /release artifacts covered: 0 of 1 \(1 named without a verified signature\)/,
    );
    const region = await expand('payments-api-tampered.intoto.json');
    const panel = region.locator('.verdict-panel[data-verdict="invalid"]');
    assert.ok((await textOf(panel)).includes(signature.reason), 'the panel gives the reason');
    assert.equal(await tamperedRow.locator('[data-verdict="verified"]').count(), 0);
    assert.equal(await tamperedRow.getByText(/✓|Verified/).count(), 0);
    assert.equal(await region.locator('[data-match="verified"]').count(), 0);
    assert.equal(
      await region.locator(`[data-match="unverified"] code[title="${artifact}"]`).count(),
      1,
    );
  });

  it('keeps every summary readable at 1280×800 with all of them open', async () => {
    for (const upload of uploads) {
      if (recordOf(upload.name).summary !== null) await expand(upload.name);
    }
    // No summary may widen the page: everything wraps or scrolls inside its table.
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: document.documentElement.clientWidth,
      table: document.querySelector('.table-wrap')?.scrollWidth ?? 0,
      wrap: document.querySelector('.table-wrap')?.clientWidth ?? 0,
    }));
    assert.ok(widths.page <= widths.view, `page ${widths.page}px wide in ${widths.view}px`);
    assert.ok(widths.table <= widths.wrap, `evidence table ${widths.table}px in ${widths.wrap}px`);
    await page.screenshot({
      path: join(screenshotDir, 'release-page-summaries.png'),
      fullPage: true,
    });
    // What a reviewer sees first: the evidence table's top at 1280×800.
    await page.getByRole('heading', { name: /^Evidence/, level: 2 }).evaluate((heading) => {
      heading.scrollIntoView();
    });
    await page.screenshot({ path: join(screenshotDir, 'release-page-summaries-viewport.png') });
    for (const upload of uploads) {
      if (recordOf(upload.name).summary === null) continue;
      const group = page.locator(
        `tbody.evidence-group:has(tr[data-evidence-id="${recordOf(upload.name).id}"])`,
      );
      await group.screenshot({ path: join(screenshotDir, `summary-${upload.name}.png`) });
    }
  });

  it('keeps the session and the page when a deep link is reloaded', async () => {
    await page.reload();
    await page.getByRole('heading', { name: tag, level: 1 }).waitFor();
    assert.equal(
      await page.locator('table.evidence-table tr.evidence-row').count(),
      uploads.length,
    );
  });

  it('says plainly when a release does not exist', async () => {
    assert.ok(server);
    await page.goto(`${server.url}/releases/${encodeURIComponent('nothing@0.0.0')}`);
    const heading = page.getByRole('heading', { name: 'Release not found', level: 1 });
    await heading.waitFor();
    assert.match(await textOf(page.getByRole('alert')), /No release “nothing@0\.0\.0” found/);
  });

  it('filters by service and loads further pages with the cursor', async () => {
    assert.ok(server);
    // 50 is the UI's page size: with 52 releases the first page cannot hold them all.
    for (let index = 0; index < 50; index += 1) {
      const response = await api('/v1/releases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'batch-jobs',
          version: `0.${index}.0`,
          commit: index.toString(16).padStart(40, '0'),
        }),
      });
      assert.equal(response.status, 201, await response.clone().text());
    }
    await page.goto(server.url);
    const rows = page.locator('table.release-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('Showing 52 releases.').waitFor();
    assert.equal(await rows.count(), 52);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: tag, exact: true }).count(), 1);

    await page.getByLabel('Service').fill('ledger');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Showing 1 release.').waitFor();
    assert.match(await textOf(rows.first()), /ledger@2\.3\.0/);
  });

  it('returns to the token form when the stored token stops being accepted', async () => {
    await page.evaluate(() => window.sessionStorage.setItem('dossier.apiToken', 'dsr_revoked'));
    await page.reload();
    await page.getByLabel('API token').waitFor();
    assert.match(await textOf(page.getByRole('alert')), /That token was not accepted/);
    assert.ok(server);
    await page.getByLabel('API token').fill(server.token);
    await page.getByRole('button', { name: 'Use API token' }).click();
    await page.locator('table.release-table tbody tr').first().waitFor();
  });

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await page.reload();
    await page.getByLabel('Username').waitFor();
    assert.equal(await page.evaluate(() => window.sessionStorage.length), 0);
  });

  it('made no request to another host and raised no browser errors', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(browserErrors, []);
    // Only the wrong token and the unknown release may have failed, the release's change
    // request, which its tag names but nobody recorded (the page says so; opened twice), and the
    // question "who is this?" that each page load without a session cookie asks first (the first
    // visit, the reload with a revoked token, the reload after signing out).
    const missing = `/v1/releases/${encodeURIComponent('nothing@0.0.0')}`;
    assert.deepEqual(failedResponses.sort(), [
      '401 /v1/releases?limit=1',
      '401 /v1/sessions/current',
      '401 /v1/sessions/current',
      '401 /v1/sessions/current',
      '404 /v1/changes/CHG-1842',
      '404 /v1/changes/CHG-1842',
      `404 ${missing}`,
      `404 ${missing}/evidence`,
    ]);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { projectRoot, type StartedServer, startServer } from '../support/start-server.ts';

// Debian's Chromium, never a downloaded browser: the test must run offline.
const chromiumPath = process.env.DOSSIER_CHROMIUM ?? '/usr/bin/chromium';
const screenshotDir = join(projectRoot, 'build', 'screenshots');

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

const uploads = [
  { kind: 'junit', name: 'junit-report.xml', bytes: junitReport },
  { kind: 'sbom', name: 'payments-api.cdx.json', bytes: sbom },
] as const;

/** The text a reader sees in an element, without the surrounding whitespace. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const skip = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath} (install Debian's chromium or set DOSSIER_CHROMIUM)`;

// A hung browser must fail the run, not stall it.
describe('web UI in Chromium', { skip, timeout: 120_000 }, () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let tag: string;
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

    server = await startServer();

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
        body: upload.bytes,
      });
      assert.equal(response.status, 201, await response.clone().text());
      const body = (await response.json()) as { evidence: { sha256: string } };
      assert.equal(body.evidence.sha256, sha256(upload.bytes));
    }

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const origin = new URL(server.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) {
        foreignRequests.push(url);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        const url = new URL(response.url());
        failedResponses.push(`${response.status()} ${url.pathname}${url.search}`);
      }
    });
    page.on('console', (message) => {
      // Chromium logs every failed response too; those are checked one by one above.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        browserErrors.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserErrors.push(`page error: ${error.message}`));
    await mkdir(screenshotDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for an API token and refuses a wrong one', async () => {
    assert.ok(server);
    await page.goto(server.url);
    const input = page.getByLabel('API token');
    await input.waitFor();
    assert.equal(await input.getAttribute('type'), 'password');
    await page.screenshot({ path: join(screenshotDir, 'sign-in.png') });

    await input.fill('dsr_not_a_real_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await textOf(alert), /That token was not accepted/);
    assert.equal(await page.getByRole('table').count(), 0);
  });

  it('signs in with the token and lists the releases, newest first', async () => {
    assert.ok(server);
    await page.getByLabel('API token').fill(server.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
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
    assert.equal(cells[5], '2');
    assert.match(cells[6] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    assert.equal(await row.locator('code').getAttribute('title'), release.commit);
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

    const rows = page.locator('table.evidence-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), uploads.length);
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

  it('keeps the session and the page when a deep link is reloaded', async () => {
    await page.reload();
    await page.getByRole('heading', { name: tag, level: 1 }).waitFor();
    assert.equal(await page.locator('table.evidence-table tbody tr').count(), uploads.length);
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
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.release-table tbody tr').first().waitFor();
  });

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    assert.equal(await page.evaluate(() => window.sessionStorage.length), 0);
  });

  it('made no request to another host and raised no browser errors', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(browserErrors, []);
    // Only the wrong token and the unknown release may have failed.
    const missing = `/v1/releases/${encodeURIComponent('nothing@0.0.0')}`;
    assert.deepEqual(failedResponses.sort(), [
      '401 /v1/releases?limit=1',
      '401 /v1/releases?limit=50&service=ledger',
      `404 ${missing}`,
      `404 ${missing}/evidence`,
    ]);
  });
});

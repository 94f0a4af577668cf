import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertAccessible } from '../support/accessibility.ts';
import { chromiumMissing, openWatchedPage, screenshotDir } from '../support/browser.ts';
import { projectRoot, type StartedServer, startServer } from '../support/start-server.ts';

const skip = chromiumMissing;

const SIGNING_POLICY = new URL('../fixtures/policies/signing.yaml', import.meta.url);

const failingJunit = `<?xml version="1.0"?>
<testsuite name="infusion" tests="2" failures="1" errors="0">
  <testcase classname="pump.rate" name="holds the rate"/>
  <testcase classname="pump.rate" name="alarms on occlusion">
    <failure message="alarm after 31 s, limit 30 s">AssertionError: alarm after 31 s</failure>
  </testcase>
</testsuite>
`;

const PEOPLE = {
  erin: { fullName: 'Erin Engineer', roles: ['engineering'], password: 'erin correct horse 1' },
  quinn: { fullName: 'Quinn Quality', roles: ['qa'], password: 'quinn correct horse 1' },
} as const;

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

describe('signing and exceptions in Chromium', { skip, timeout: 180_000 }, () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tag = '';
  const foreignRequests: string[] = [];
  const browserErrors: string[] = [];

  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    assert.ok(server);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${server.token}`);
    return fetch(`${server.url}${path}`, { ...init, headers });
  }

  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await api(path, {
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

  async function signIn(username: keyof typeof PEOPLE): Promise<void> {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PEOPLE[username].password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  function releaseGate(): Locator {
    return page.locator('section.gate-panel[data-environment="staging"]');
  }

  before(async () => {
    const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/ensure-web-build.ts')], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `web build failed:\n${build.stdout}\n${build.stderr}`);
    server = await startServer();

    const policy = await api('/v1/policies/default', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: await readFile(SIGNING_POLICY, 'utf8'),
    });
    assert.ok(policy.status < 300, await policy.clone().text());
    for (const [username, person] of Object.entries(PEOPLE)) {
      await post('/v1/users', { username, ...person });
    }
    // Created by the operator's token: neither Erin nor Quinn is its author.
    const release = await post('/v1/releases', {
      service: 'infusion-pump',
      version: '7.1.0',
      commit: 'd4'.repeat(20),
    });
    tag = String(release.tag);
    const attached = await api(
      `/v1/releases/${encodeURIComponent(tag)}/evidence?kind=junit&name=junit.xml`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: failingJunit,
      },
    );
    assert.equal(attached.status, 201, await attached.clone().text());
    const decided = await api(`/v1/releases/${encodeURIComponent(tag)}/gate?env=staging`);
    assert.equal(
      ((await decided.json()) as { decision: { decision: string } }).decision.decision,
      'blocked',
    );

    ({ browser, page } = await openWatchedPage(server.url, { foreignRequests, browserErrors }));
    await page.goto(server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with a username and password and shows who is signed in', async () => {
    await page.getByLabel('Username').waitFor();
    await page.getByLabel('Username').fill('erin');
    await page.getByLabel('Password').fill('not erin password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await textOf(alert), /username or password/i);
    await page.screenshot({ path: join(screenshotDir, 'sign-in-password.png') });

    await signIn('erin');
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();
    const who = page.getByTestId('signed-in-as');
    assert.match(await textOf(who), /Erin Engineer \(erin\)/);
    assert.match(await textOf(who), /engineering/);
    // The session is an HttpOnly cookie: a reload keeps it, and scripts cannot read it.
    await page.reload();
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.cookie), '');
    assert.equal(await page.evaluate(() => window.sessionStorage.length), 0);
  });

  it('finds the blocked release, reads why, and requests an exception to the failed rule', async () => {
    await page.getByLabel('Environment').fill('staging');
    await page.getByLabel('Latest gate').selectOption('blocked');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('Showing 1 release.').waitFor();
    await page.getByRole('link', { name: tag, exact: true }).click();
    await page.getByRole('heading', { name: tag, level: 1 }).waitFor();

    const gate = releaseGate();
    assert.match(await textOf(gate.locator('h3')), /staging\s+blocked/);
    const rule = gate.locator('tr[data-outcome="tests-pass"]');
    assert.equal(await rule.getAttribute('data-status'), 'failed');
    const approval = gate.locator('tr[data-outcome="approval:qa"]');
    assert.equal(await approval.getAttribute('data-status'), 'pending-approval');
    const approvals = page.getByRole('region', { name: 'Approvals' });
    assert.match(await textOf(approvals), /Waiting for: qa/);
    assert.match(await textOf(approvals), /You hold none of these roles/);
    assert.equal(await approvals.getByRole('button', { name: /Approve as/ }).count(), 0);

    await rule.getByRole('button', { name: 'Request exception to tests-pass in staging' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request an exception to tests-pass' });
    await dialog.waitFor();
    await dialog
      .getByLabel('Reason')
      .fill('The occlusion alarm test is flaky on the CI rig (BUG-311).');
    await dialog
      .getByLabel('Compensating control')
      .fill('Manual occlusion test on the bench by QA, record VAL-88.');
    await assertAccessible(page, 'request-exception');
    await page.screenshot({ path: join(screenshotDir, 'request-exception.png') });
    await dialog.getByRole('button', { name: 'Request exception' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rule.getByText(/Requested exc_/).waitFor();

    const exceptions = page.getByRole('region', { name: 'Exceptions' });
    const row = exceptions.locator('tr[data-state="requested"]');
    await row.waitFor();
    assert.match(await textOf(row), /tests-pass/);
    assert.match(await textOf(row), /erin/);
    // The requester cannot approve their own exception: no button is offered.
    assert.equal(await row.getByRole('button', { name: /Approve/ }).count(), 0);
  });

  it('shows the waiting approval and the requested exception on the dashboards', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboards' })
      .click();
    const approvals = page.locator('[data-dashboard="approvals"]');
    await approvals.locator('.tile').first().waitFor();
    assert.match(await textOf(approvals.locator('.tile').first()), /Waiting now\s*1/);
    await approvals.locator('details.figure-table summary').click();
    assert.match(
      await textOf(approvals.locator('tbody tr').first()),
      /^qa\s*1\s*0\s*0\s*0\s*0\s*0\s*1$/,
    );
    const exceptions = page.locator('[data-dashboard="exceptions"]');
    await exceptions.locator('.tile').first().waitFor();
    assert.match(await textOf(exceptions.locator('.tile').first()), /Exceptions\s*1/);
    assert.match(await textOf(exceptions.locator('.tile').nth(1)), /requested\s*1/);
    const box = await approvals.locator('canvas[role="img"]').boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, 'the chart is drawn');
    await page.screenshot({
      path: join(screenshotDir, 'dashboards-approvals.png'),
      fullPage: true,
    });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
  });

  it('has a second person approve the exception, and the gate waives the rule', async () => {
    await signIn('quinn');
    assert.match(await textOf(page.getByTestId('signed-in-as')), /Quinn Quality \(quinn\)\s*qa/);
    // Quinn finds it again among the releases waiting for a role Quinn holds.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Releases' })
      .click();
    await page.getByLabel('Pending my approval').check();
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/pending=mine/);
    await page.getByText('Showing 1 release.').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'pending-my-approval.png') });
    await page.getByRole('link', { name: tag, exact: true }).click();
    await page.getByRole('heading', { name: tag, level: 1 }).waitFor();
    const exceptions = page.getByRole('region', { name: 'Exceptions' });
    const row = exceptions.locator('tr[data-state="requested"]');
    await row.waitFor();
    await row.getByRole('button', { name: /^Approve exception exc_\S+ to tests-pass$/ }).click();
    await exceptions.locator('tr[data-state="active"]').waitFor();
    assert.match(
      await textOf(exceptions.locator('tr[data-state="active"]')),
      /approved by quinn as qa/,
    );

    // Approving asked the gate again: the failed rule is now waived, naming the exception.
    const rule = releaseGate().locator('tr[data-outcome="tests-pass"][data-status="waived"]');
    await rule.waitFor();
    const exceptionId = await exceptions
      .locator('tr[data-state="active"]')
      .getAttribute('data-exception');
    assert.match(exceptionId ?? '', /^exc_/);
    assert.match(await textOf(rule), new RegExp(`waived by ${exceptionId} `));
    // Still blocked: the QA signature is missing, and an exception never waives an approval.
    assert.match(await textOf(releaseGate().locator('h3')), /staging\s+blocked/);
  });

  it('signs as QA with re-authentication; a wrong password is refused with its reason', async () => {
    const approvals = page.getByRole('region', { name: 'Approvals' });
    await approvals.getByRole('button', { name: 'Approve as qa' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign as qa' });
    await dialog.waitFor();
    // What is signed, readable: the release, the evidence set and the policy, and the hash.
    const lines = await textOf(dialog.getByRole('list', { name: 'What this signature covers' }));
    assert.match(lines, new RegExp(tag.replaceAll('+', '\\+')));
    assert.match(lines, /junit/);
    assert.match(lines, /policy/);
    assert.match(lines, /sha256:[0-9a-f]{64}/);
    await dialog
      .getByLabel('Meaning of this signature')
      .fill('QA reviewed the evidence and the waiver');

    await dialog.getByLabel('Your password (to sign)').fill('quinn wrong horse');
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    assert.match(await textOf(refusal), /The signature was refused\..*password/is);
    await assertAccessible(page, 'sign-refused');
    await page.screenshot({ path: join(screenshotDir, 'sign-refused.png') });

    await dialog.getByLabel('Your password (to sign)').fill(PEOPLE.quinn.password);
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    const signed = dialog.locator('.signed');
    await signed.waitFor();
    const facts = await textOf(signed);
    assert.match(facts, /Quinn Quality \(quinn\)/);
    assert.match(facts, /Role\s*qa/);
    assert.match(facts, /QA reviewed the evidence and the waiver/);
    assert.match(facts, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    assert.match(facts, /password re-authentication/);
    assert.match(facts, /sha256:[0-9a-f]{64}|[0-9a-f]{64}/);
    await assertAccessible(page, 'signed');
    await page.screenshot({ path: join(screenshotDir, 'signed.png') });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const signature = approvals.locator('table.signature-table tbody tr');
    await signature.first().waitFor();
    assert.equal(await signature.count(), 1);
    assert.equal(await signature.first().getAttribute('data-status'), 'valid');
  });

  it('sees the gate turn allowed and downloads the dossier', async () => {
    await releaseGate()
      .locator('h3', { hasText: /allowed/ })
      .waitFor();
    assert.equal(
      await releaseGate().locator('tr[data-outcome="approval:qa"]').getAttribute('data-status'),
      'passed',
    );
    await page.screenshot({ path: join(screenshotDir, 'release-signed.png'), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download dossier' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.zip$/);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
  });

  it('no longer lists the release as pending once signed', async () => {
    assert.ok(server);
    await page.goto(`${server.url}/?pending=mine`);
    await page.getByText('No release matches these filters.').waitFor();
    assert.equal(await page.getByLabel('Pending my approval').isChecked(), true);
  });

  it('draws the approval cycle time, and every dashboard follows the chosen period', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboards' })
      .click();
    const cycles = page.locator('[data-dashboard="approval-cycles"]');
    await cycles.locator('.tile').first().waitFor();
    // Quinn's signature ended the release's wait for qa (asked when the gate first blocked).
    assert.match(await textOf(cycles.locator('.tile').nth(1)), /Approvals\s*1/);
    assert.match(await textOf(cycles.locator('.tile').nth(2)), /^qa/);
    const box = await cycles.locator('canvas[role="img"]').boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, 'the chart is drawn');
    await cycles.locator('details.figure-table summary').first().click();
    const today = cycles.locator('details.figure-table').first().locator('tbody tr').last();
    assert.match(await textOf(today), /^\d{4}-\d{2}-\d{2}\s*1\s*\d+ s/);
    await cycles.screenshot({ path: join(screenshotDir, 'dashboards-approval-cycles.png') });

    // A period before anything happened: every panel says so, none shows today's figures.
    const period = page.getByRole('form', { name: 'Period' });
    await period.getByLabel('From').fill('2020-01-01');
    await period.getByLabel('Through').fill('2020-03-31');
    await period.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2020-01-01/);
    await cycles.getByText('No approval wait ended in the period.').waitFor();
    await page
      .locator('[data-dashboard="approvals"]')
      .getByText('No release created in the period waits for an approval.')
      .waitFor();
    await page
      .locator('[data-dashboard="exceptions"]')
      .getByText('No exception was requested in the period.')
      .waitFor();
    assert.match(await textOf(page.locator('[data-dashboard="throughput"] .tile').first()), /0/);
    await page.screenshot({
      path: join(screenshotDir, 'dashboards-past-period.png'),
      fullPage: true,
    });

    await period.getByRole('button', { name: 'Last 30 days' }).click();
    await cycles.locator('canvas[role="img"]').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'dashboards-signed.png'), fullPage: true });
  });

  it('lists exceptions with their aging', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Exceptions' })
      .click();
    await page.getByRole('heading', { name: 'Exceptions', level: 1 }).waitFor();
    const aging = page.getByRole('definition').locator('.tile-value');
    await aging.first().waitFor();
    assert.match(await textOf(page.locator('[data-aging="active"]')), /Active\s*1/);
    assert.match(await textOf(page.locator('[data-aging="requested"]')), /Requested\s*0/);
    await assertAccessible(page, 'exceptions');
    await page.screenshot({ path: join(screenshotDir, 'exceptions.png'), fullPage: true });

    // Filtered on the server: the release's own exceptions, then a state none of them is in.
    const filters = page.getByRole('search', { name: 'Filter exceptions' });
    await filters.getByLabel('Release').fill(tag);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/release=/);
    await page.getByText('Showing 1 exception.').waitFor();
    await filters.getByLabel('State now').selectOption('expired');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No exception matches these filters.').waitFor();
    assert.match(await textOf(page.locator('[data-aging="active"]')), /Active\s*1/);
    await page.screenshot({ path: join(screenshotDir, 'exceptions-filtered.png') });
  });

  it('signs out, ending the session on the server', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await page.reload();
    await page.getByLabel('Username').waitFor();
  });

  it('made no request to another host and raised no browser errors', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(browserErrors, []);
  });
});

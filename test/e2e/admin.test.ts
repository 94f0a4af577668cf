import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertAccessible } from '../support/accessibility.ts';
import { chromiumMissing, openWatchedPage, screenshotDir } from '../support/browser.ts';
import { ensureWebBuild, operatorApi } from '../support/operator-api.ts';
import { makeTempDir, type StartedServer, startServer } from '../support/start-server.ts';

const skip = chromiumMissing;

const SIGNING_POLICY = new URL('../fixtures/policies/signing.yaml', import.meta.url);

// QA must have completed GCP-101 v3 to sign: the admin records it in the browser.
const ACCESS_CONFIG = `oidc: { issuers: [], identities: [] }
trainingRequirements:
  - { role: qa, course: GCP-101, version: "3" }
`;

const passingJunit = `<?xml version="1.0"?>
<testsuite name="infusion" tests="2" failures="0" errors="0">
  <testcase classname="pump.rate" name="holds the rate"/>
  <testcase classname="pump.rate" name="alarms on occlusion"/>
</testsuite>
`;

const PEOPLE = {
  ada: { fullName: 'Ada Admin', roles: ['admin'], password: 'ada correct horse 1' },
  bruno: { fullName: 'Bruno Backup', roles: ['engineering'], password: 'bruno correct horse 1' },
} as const;
/** Created by Ada in the browser. */
const QUINN = { fullName: 'Quinn Quality', password: 'quinn correct horse 1' };

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

describe('users, training, withdrawal and delegations in Chromium', {
  skip,
  timeout: 180_000,
}, () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let configDir = '';
  let tag = '';
  const foreignRequests: string[] = [];
  const browserErrors: string[] = [];

  const operator = operatorApi(() => server);

  async function signIn(username: string, password: string): Promise<void> {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
  }

  function nav(): Locator {
    return page.getByRole('navigation', { name: 'Main' });
  }

  function stagingGate(): Locator {
    return page.locator('section.gate-panel[data-environment="staging"]');
  }

  before(async () => {
    ensureWebBuild();
    configDir = await makeTempDir('dossier-access-');
    const accessConfig = join(configDir, 'access.yaml');
    await writeFile(accessConfig, ACCESS_CONFIG);
    server = await startServer({ args: ['--access-config', accessConfig] });

    await operator.applyDefaultPolicy(await readFile(SIGNING_POLICY, 'utf8'));
    for (const [username, person] of Object.entries(PEOPLE)) {
      await operator.post('/v1/users', { username, ...person });
    }
    const release = await operator.post('/v1/releases', {
      service: 'infusion-pump',
      version: '7.2.0',
      commit: 'e5'.repeat(20),
    });
    tag = String(release.tag);
    await operator.attach(tag, 'junit', 'junit.xml', passingJunit);
    // The tests pass: only QA's signature is missing.
    assert.equal(await operator.gate(tag, 'staging'), 'blocked');

    ({ browser, page } = await openWatchedPage(server.url, { foreignRequests, browserErrors }));
    await page.goto(server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('an admin creates a user; a bad username is refused with the reason', async () => {
    await signIn('ada', PEOPLE.ada.password);
    await nav().getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.locator('tr[data-user="bruno"]').waitFor();
    assert.match(
      await textOf(page.locator('tr[data-user="bruno"]')),
      /Bruno Backup\s*engineering\s*active/,
    );
    await assertAccessible(page, 'users');
    await page.screenshot({ path: join(screenshotDir, 'users.png'), fullPage: true });

    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a user' });
    await dialog.waitFor();
    await dialog.getByLabel('Username').fill('Q');
    await dialog.getByLabel('Full name (printed on signatures)').fill(QUINN.fullName);
    await dialog.getByLabel('Initial password').fill(QUINN.password);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    assert.match(await textOf(refusal), /The account was not created\..*username: must be 3-64/s);
    await page.screenshot({ path: join(screenshotDir, 'create-user-refused.png') });

    await dialog.getByLabel('Username').fill('quinn');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: /Quinn Quality \(quinn\)/, level: 1 }).waitFor();
  });

  it('grants QA, sees the missing training, records it, and QA becomes signable', async () => {
    const eligibility = page.getByRole('region', { name: 'May sign now' });
    await eligibility.locator('li[data-role="qa"]').waitFor();
    assert.match(await textOf(eligibility.locator('li[data-role="qa"]')), /qa\s*role not held/);

    const roles = page.getByRole('region', { name: 'Roles' });
    await roles.getByLabel('Grant a role').selectOption('qa');
    await roles.getByRole('button', { name: 'Grant', exact: true }).click();
    await roles.locator('li[data-role="qa"]').waitFor();
    await roles.getByText('Granted qa.').waitFor();
    const qa = eligibility.locator('li[data-role="qa"][data-eligible="false"]');
    await qa.getByText(/may not sign/).waitFor();
    assert.match(await textOf(qa), /qa requires course GCP-101 v3, not recorded for quinn/);

    const training = page.getByRole('region', { name: 'Training' });
    await training.getByLabel('Course').fill('GCP-101');
    await training.getByLabel('Version').fill('3');
    await training.getByRole('button', { name: 'Record training' }).click();
    await training.locator('tr[data-training]').waitFor();
    assert.match(await textOf(training.locator('tr[data-training]')), /GCP-101\s*3/);
    await eligibility.locator('li[data-role="qa"][data-eligible="true"]').waitFor();
    await assertAccessible(page, 'user');
    await page.screenshot({ path: join(screenshotDir, 'user.png'), fullPage: true });
  });

  it('does not offer role changes or disabling on the admin’s own account', async () => {
    await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.locator('tr[data-user="ada"]').getByRole('link', { name: 'ada' }).click();
    await page.getByRole('heading', { name: /Ada Admin \(ada\)/, level: 1 }).waitFor();
    const roles = page.getByRole('region', { name: 'Roles' });
    assert.match(
      await textOf(roles.getByTestId('own-roles-note')),
      /Nobody grants or revokes a role on their own account: ask another admin/,
    );
    assert.equal(await roles.getByRole('button').count(), 0);
    assert.equal(await page.getByRole('button', { name: /Disable account/ }).count(), 0);
    await signOut();
  });

  it('the new user signs in, sees no Users page, and is told so at its address', async () => {
    await signIn('quinn', QUINN.password);
    assert.match(await textOf(page.getByTestId('signed-in-as')), /Quinn Quality \(quinn\)\s*qa/);
    await nav().getByRole('link', { name: 'Delegations' }).waitFor();
    assert.equal(await nav().getByRole('link', { name: 'Users' }).count(), 0);
    assert.ok(server);
    await page.goto(`${server.url}/users`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    assert.match(await textOf(refusal), /Not permitted\..*Only an admin manages user accounts/s);
    await assertAccessible(page, 'users-not-permitted');
    await page.screenshot({ path: join(screenshotDir, 'users-not-permitted.png') });
  });

  it('signs as QA, then withdraws with re-authentication, and the gate turns back', async () => {
    assert.ok(server);
    await page.goto(`${server.url}/releases/${encodeURIComponent(tag)}`);
    const approvals = page.getByRole('region', { name: 'Approvals' });
    await approvals.getByRole('button', { name: 'Approve as qa' }).click();
    const sign = page.getByRole('dialog', { name: 'Sign as qa' });
    await sign.getByLabel('Your password (to sign)').fill(QUINN.password);
    await sign.getByRole('button', { name: 'Sign', exact: true }).click();
    await sign.locator('.signed').waitFor();
    await sign.getByRole('button', { name: 'Done' }).click();
    await stagingGate()
      .locator('h3', { hasText: /allowed/ })
      .waitFor();

    await approvals.getByRole('button', { name: 'Withdraw your qa approval' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw your qa approval' });
    await dialog.waitFor();
    assert.match(await textOf(dialog), /Quinn Quality \(quinn\)/);
    await dialog.getByLabel('Why you withdraw it').fill('Reviewed the wrong build');
    await dialog.getByLabel('Your password (to withdraw)').fill('quinn wrong horse');
    await dialog.getByRole('button', { name: 'Withdraw approval' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    assert.match(await textOf(refusal), /The withdrawal was refused\..*password/is);
    assert.equal(await dialog.getByLabel('Your password (to withdraw)').inputValue(), '');
    await assertAccessible(page, 'withdraw-refused');
    await page.screenshot({ path: join(screenshotDir, 'withdraw-refused.png') });

    await dialog.getByLabel('Your password (to withdraw)').fill(QUINN.password);
    await dialog.getByRole('button', { name: 'Withdraw approval' }).click();
    const recorded = dialog.locator('.signed');
    await recorded.waitFor();
    assert.match(
      await textOf(recorded),
      /Withdrawn\..*Reviewed the wrong build.*password re-authentication/s,
    );
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The approval stays on record, marked withdrawn; the gate asks for QA again.
    const approval = approvals.locator('tr[data-status="withdrawn"]');
    await approval.waitFor();
    assert.match(
      await textOf(approval),
      /qa.*withdrawn\s*withdrawn by quinn at .*Reviewed the wrong build/s,
    );
    await stagingGate()
      .locator('h3', { hasText: /blocked/ })
      .waitFor();
    assert.equal(
      await stagingGate().locator('tr[data-outcome="approval:qa"]').getAttribute('data-status'),
      'pending-approval',
    );
    assert.equal(await approvals.getByRole('button', { name: /Withdraw/ }).count(), 0);
    await approvals.screenshot({ path: join(screenshotDir, 'approvals-withdrawn.png') });
  });

  it('signs again with a condition and marks it met with the evidence that shows it', async () => {
    const approvals = page.getByRole('region', { name: 'Approvals' });
    await approvals.getByRole('button', { name: 'Approve as qa' }).click();
    const sign = page.getByRole('dialog', { name: 'Sign as qa' });
    await sign.getByText('Approve with a condition (optional)').click();
    await sign.getByLabel('Condition', { exact: true }).fill('Bench test report attached');
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await sign.getByLabel('Condition deadline (end of day, UTC)').fill(deadline);
    await sign.getByLabel('Your password (to sign)').fill(QUINN.password);
    await sign.getByRole('button', { name: 'Sign', exact: true }).click();
    await sign.locator('.signed').waitFor();
    await sign.getByRole('button', { name: 'Done' }).click();

    const pending = approvals.locator('tr[data-status="condition-pending"]');
    await pending.waitFor();
    assert.match(await textOf(pending), /Condition: Bench test report attached \(owner quinn, by/);
    // A conditional approval counts until its deadline.
    await stagingGate()
      .locator('h3', { hasText: /allowed/ })
      .waitFor();
    await approvals.screenshot({ path: join(screenshotDir, 'approvals-conditional.png') });
    await pending.getByRole('button', { name: 'Mark condition met: qa approval by quinn' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark the condition met' });
    await dialog.getByLabel('Evidence that shows it is met').selectOption({ index: 0 });
    await assertAccessible(page, 'condition-met');
    await page.screenshot({ path: join(screenshotDir, 'condition-met.png') });
    await dialog.getByRole('button', { name: 'Mark condition met' }).click();
    await dialog.waitFor({ state: 'detached' });
    const met = approvals.locator('tr[data-status="valid"]', { hasText: 'Bench test report' });
    await met.waitFor();
    assert.match(await textOf(met), /condition met at .*evd_/);
    assert.equal(await met.getByRole('button', { name: /Mark condition met/ }).count(), 0);
  });

  it('names a backup approver; a window over 90 days is refused with the reason', async () => {
    await nav().getByRole('link', { name: 'Delegations' }).click();
    await page.getByRole('heading', { name: 'Delegations', level: 1 }).waitFor();
    const form = page.getByRole('region', { name: 'Name a backup approver' });
    await form.getByLabel('Backup approver').selectOption('bruno');
    const from = await form.getByLabel('First day (UTC)').inputValue();
    const tooLate = new Date(Date.parse(`${from}T00:00:00Z`) + 120 * 86_400_000);
    await form.getByLabel('Last day (UTC)').fill(tooLate.toISOString().slice(0, 10));
    await form.getByLabel('Reason').fill('Parental leave');
    await form.getByRole('button', { name: 'Record delegation' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    assert.match(await textOf(refusal), /endsAt: a delegation runs at most 90 days/);

    const last = new Date(Date.parse(`${from}T00:00:00Z`) + 13 * 86_400_000);
    await form.getByLabel('Last day (UTC)').fill(last.toISOString().slice(0, 10));
    await form.getByRole('button', { name: 'Record delegation' }).click();
    await page
      .getByRole('status')
      .getByText(/bruno may sign as qa for you/)
      .waitFor();
    const fromMe = page.getByRole('region', { name: 'From you' });
    const row = fromMe.locator('tr[data-delegation]');
    await row.waitFor();
    assert.match(await textOf(row), /bruno\s*qa.*active now\s*Parental leave/s);
    await assertAccessible(page, 'delegations');
    await page.screenshot({ path: join(screenshotDir, 'delegations.png'), fullPage: true });
    await signOut();
  });

  it('shows the delegation to the backup approver', async () => {
    await signIn('bruno', PEOPLE.bruno.password);
    await nav().getByRole('link', { name: 'Delegations' }).click();
    const toMe = page.getByRole('region', { name: 'To you' });
    const row = toMe.locator('tr[data-delegation]');
    await row.waitFor();
    assert.match(await textOf(row), /quinn\s*qa.*active now/s);
    // Bruno can delegate only the signing role he holds himself.
    const roles = page.getByRole('region', { name: 'Name a backup approver' }).getByLabel('Role');
    assert.deepEqual(await roles.locator('option').allTextContents(), ['engineering']);
  });

  it('made no request to another host and raised no browser errors', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(browserErrors, []);
  });
});

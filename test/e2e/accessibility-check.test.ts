import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { assertAccessible } from '../support/accessibility.ts';
import { chromiumMissing, chromiumPath } from '../support/browser.ts';

/** The accessibility check the page tests rely on finds what it must: it is not vacuous. */
describe('assertAccessible', { skip: chromiumMissing, timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });
  after(() => browser?.close());

  it('names an unlabelled control and text below 4.5:1 contrast', async () => {
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body>
      <main><h1>Form</h1><input type="text">
      <p style="color:#bbb;background:#fff">pale text</p></main></body></html>`);
    await assert.rejects(assertAccessible(page, 'a bad page'), (error: Error) => {
      assert.match(error.message, /accessibility violations on a bad page/);
      assert.match(error.message, /label \(critical\)/);
      assert.match(error.message, /color-contrast \(serious\)/);
      return true;
    });
  });

  it('passes a page with a labelled control and dark text', async () => {
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body>
      <main><h1>Form</h1><label>Name <input type="text"></label>
      <p style="color:#222;background:#fff">dark text</p></main></body></html>`);
    await assertAccessible(page, 'a good page');
  });
});

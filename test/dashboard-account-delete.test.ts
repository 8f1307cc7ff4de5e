import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  addSiteInUi,
  launchChromium,
  openPage,
  screenshot,
  setUpFirstUser,
  signIn,
} from './dashboard-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// "Delete my account" in a real browser: from the account link in the top bar, a wrong password
// is refused in place; the right one deletes the account with its own site and signs out.
const password = 'correct horse battery staple';
let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a person deletes their own account from the account page, confirming with their password', async () => {
  const admin = await openPage(browser, server.url);
  await setUpFirstUser(admin.page, 'first@example.com', password);
  server.clock.advance(1_000);
  await server.runtime.accounts.createUser('leaving@example.com', password);

  const { page, problems } = await openPage(browser, server.url);
  await signIn(page, 'leaving@example.com', password);
  const site = await addSiteInUi(page, 'leaving.example');
  await page.click('[data-testid=signed-in-as] a');
  await page.waitForURL('**/account');
  await page.click('[data-testid=delete-account] button');
  await page.fill('[data-testid=delete-account] input[type=password]', 'a wrong password here');
  await page.click('[data-testid=delete-account] button[type=submit]');
  await page.waitForSelector('[data-testid=delete-account] .form-error');
  assert.match(String(await page.textContent('.form-error')), /current password is wrong/);
  await screenshot(page, 'account-delete');
  assert.ok(await server.runtime.accounts.userWithEmail('leaving@example.com'));

  await page.fill('[data-testid=delete-account] input[type=password]', password);
  await page.click('[data-testid=delete-account] button[type=submit]');
  await page.waitForURL('**/login');
  assert.equal(await server.runtime.accounts.userWithEmail('leaving@example.com'), undefined);
  assert.equal(
    (await server.runtime.sites.list()).find((s) => s.id === site.id),
    undefined,
  );
  // The wrong password's 403 is the one console error the page may show.
  assert.deepEqual(
    problems.filter((problem) => !/status of 403/.test(problem)),
    [],
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  addSiteInUi,
  launchChromium,
  openPage,
  screenshot,
  setUpFirstUser,
  type WatchedPage,
} from './dashboard-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// Members in real Chromium: the owner invites by email in site settings (a one-time link shown
// once), the invitee opens it in another browser, chooses a password and lands on the dashboard
// as a viewer — who sees no settings — and loses access the moment the owner removes them.

let server: TestServer;
let browser: Browser;
let owner: WatchedPage;
let page: Page;
let site: { id: string; trackingCode: string };

const acceptDialogs = (target: Page) =>
  target.on('dialog', (dialog) => {
    if (dialog.type() !== 'confirm') throw new Error(`unexpected ${dialog.type()}: ${dialog.message()}`);
    void dialog.accept();
  });

before(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  owner = await openPage(browser, server.url);
  page = owner.page;
  acceptDialogs(page);
  await setUpFirstUser(page, 'owner@example.com', 'correct horse battery staple');
  site = await addSiteInUi(page, 'shop.example');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let invitee: WatchedPage;

test('the owner invites by email; the invitee signs up through the link as a viewer', async () => {
  await page.goto(`/sites/${encodeURIComponent(site.id)}/settings`);
  await page.waitForSelector('[data-testid=member-list] [data-member="owner@example.com"]');
  await page.fill('[data-testid=invite-form] input[name=invite-email]', 'new@example.com');
  await page.selectOption('[data-testid=invite-form] select[name=invite-role]', 'viewer');
  await page.click('[data-testid=invite-form] button[type=submit]');
  await page.waitForSelector('[data-testid=new-invite] code');
  const link = (await page.textContent('[data-testid=new-invite] code'))?.trim() ?? '';
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/invite\/zvi_[A-Za-z0-9_-]{43}$/);
  await page.waitForSelector('[data-testid=member-list] [data-invite="new@example.com"]');

  invitee = await openPage(browser, server.url);
  acceptDialogs(invitee.page);
  await invitee.page.goto(link);
  await invitee.page.waitForSelector('[data-testid=invite] h2');
  assert.equal(await invitee.page.textContent('[data-testid=invite] h2'), 'Join shop.example as viewer');
  await invitee.page.fill('[data-testid=invite] input[name=password]', 'a new long password');
  await invitee.page.click('[data-testid=invite] button[type=submit]');
  await invitee.page.waitForURL(`**/sites/${encodeURIComponent(site.id)}`);
  await invitee.page.waitForSelector('[data-testid=top-stats]');
  assert.equal(
    await invitee.page.locator('a:has-text("Settings")').count(),
    0,
    'a viewer is offered no settings',
  );
  await screenshot(invitee.page, 'member-viewer-dashboard');
});

test('a viewer’s settings page offers only leaving; the owner’s lists the new member', async () => {
  await invitee.page.goto(`/sites/${encodeURIComponent(site.id)}/settings`);
  await invitee.page.waitForSelector('[data-testid=leave-site]');
  assert.equal(await invitee.page.textContent('[data-testid=my-role]'), 'viewer');
  for (const section of ['edit-site', 'members', 'shared-links', 'proxy-keys', 'delete-site']) {
    assert.equal(await invitee.page.locator(`[data-testid=${section}]`).count(), 0, section);
  }
  // No mail settings on this server: the reports card says so, and why.
  assert.match(
    (await invitee.page.textContent('[data-testid=mail-not-configured]')) ?? '',
    /No mail server is configured \(ZENOVAY_SMTP_URL\), so no reports are sent\./,
  );
  await page.reload();
  await page.waitForSelector('[data-testid=member-list] [data-member="new@example.com"]');
  assert.equal(
    await page.locator('[data-testid=member-list] [data-invite]').count(),
    0,
    'the invitation is used',
  );
});

test('removed by the owner, the viewer loses access from the next request', async () => {
  await page.click('[data-testid=member-list] [data-member="new@example.com"] button:has-text("Remove")');
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=member-list] [data-member="new@example.com"]'),
  );
  await invitee.page.goto(`/sites/${encodeURIComponent(site.id)}`);
  await invitee.page.waitForSelector('.page-error');
  assert.match((await invitee.page.textContent('.page-error')) ?? '', /nothing at this path/);
  await invitee.page.goto('/sites');
  await invitee.page.waitForSelector('.empty-state');
  assert.deepEqual(owner.problems, []);
});

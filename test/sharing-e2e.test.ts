import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addSiteInUi, openPage, screenshot } from './dashboard-helpers.ts';
import { type OwnerDashboard, openDashboardAsOwner } from './support/owner-dashboard.ts';
import { postEvent, serverDefaults, type TestServer } from './support/test-server.ts';

// Shared links in real Chromium against a real server: the owner makes a link in site settings,
// a stranger's browser (no cookies) opens it and reads the dashboard read-only — numbers, every
// panel, a hostile device name (visitor data) shown as text — with no way to settings, writes or another site; a
// password-protected link asks first; a panel-limited one shows only its panels; and revoking in
// settings ends access at once, in a page already open too.
// Traffic (counted by hand): shop.example 3 visitors (ann, bob, cat), 3 pageviews; other.example 1.

const hostile = '<img src=x onerror=window.__pwned=1>';
let dashboard: OwnerDashboard | undefined;
let server: TestServer;
let browser: Browser;
let page: Page;
let shop: { id: string; trackingCode: string };
let other: { id: string; trackingCode: string };

async function visit(code: string, user: string, path: string, device = 'server') {
  const response = await postEvent(server, code, {
    ...serverDefaults,
    device_type: device,
    session_id: `srv-${user}-visit`,
    user_id: user,
    url: `https://shop.example${path}`,
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

/** Makes a link in site settings; returns the address shown once. */
async function makeLinkInUi(name: string, options: { password?: string; panels?: string[] } = {}) {
  await page.goto(`/sites/${encodeURIComponent(shop.id)}/settings`);
  const form = '[data-testid=shared-link-form]';
  await page.fill(`${form} input[name=share-name]`, name);
  if (options.password) await page.fill(`${form} input[name=share-password]`, options.password);
  if (options.panels) {
    await page.check(`${form} input[name=share-limited]`);
    for (const panel of options.panels) await page.check(`${form} input[name=share-panel-${panel}]`);
  }
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`[data-testid=shared-link-list] td:text-is("${name}")`);
  const address = (await page.textContent('[data-testid=new-shared-link] code'))?.trim() ?? '';
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/share\/zvs_[A-Za-z0-9_-]{43}$/);
  return address;
}

/** A stranger: a fresh browser context with no cookies, recording every API request it makes. */
async function stranger() {
  const watched = await openPage(browser, server.url);
  const requests: string[] = [];
  watched.page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) requests.push(`${request.method()} ${url.pathname}`);
  });
  return { ...watched, requests };
}

before(async () => {
  dashboard = await openDashboardAsOwner({ confirms: 'accept' });
  ({ server, browser } = dashboard);
  page = dashboard.owner.page;
  shop = await addSiteInUi(page, 'shop.example');
  other = await addSiteInUi(page, 'other.example');
  await visit(shop.trackingCode, 'ann', '/');
  await visit(shop.trackingCode, 'bob', '/pricing');
  await visit(shop.trackingCode, 'cat', '/', hostile);
  await visit(other.trackingCode, 'dan', '/');
  await server.runtime.eventsLoaded();
});

after(async () => dashboard?.close());

let everything = '';

test('a stranger opens a shared link and reads the whole dashboard, read-only', async () => {
  everything = await makeLinkInUi('Everything');
  const reader = await stranger();
  await reader.page.goto(everything);
  await reader.page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  const visitors = await reader.page.textContent(
    '[data-testid=top-stats] [data-metric=visitors] .stat-value',
  );
  assert.equal(visitors?.trim(), '3');
  for (const panel of ['sources', 'pages', 'devices', 'goals', 'events', 'filtered', 'funnels']) {
    await reader.page.waitForSelector(`[data-panel=${panel}]`);
  }
  await reader.page.waitForSelector('[data-panel=devices] td:has-text("onerror")');
  assert.match(
    (await reader.page.textContent('[data-panel=devices]')) ?? '',
    /<img src=x onerror=window.__pwned=1>/,
  );
  assert.equal(await reader.page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
  assert.equal(
    await reader.page.locator('[data-panel=devices] img').count(),
    0,
    'visitor data is text, not markup',
  );
  assert.match((await reader.page.textContent('[data-testid=shared-badge]')) ?? '', /read-only/);
  assert.equal(await reader.page.locator('a:has-text("Settings")').count(), 0);
  assert.equal(await reader.page.locator('a:has-text("All sites")').count(), 0);
  assert.equal(await reader.page.locator('a[href*="/settings"]').count(), 0);
  // Filters and date ranges work as on the signed-in dashboard, and stay on the shared address.
  await reader.page.click('[data-panel=pages] td:has-text("/pricing")');
  await reader.page.waitForURL((url) => url.pathname.startsWith('/share/') && url.search.includes('f='));
  await reader.page.waitForFunction(
    () =>
      document
        .querySelector('[data-testid=top-stats][aria-busy=false] [data-metric=visitors] .stat-value')
        ?.textContent?.trim() === '1',
  );
  await screenshot(reader.page, 'shared-dashboard');
  assert.ok(reader.requests.length > 0);
  for (const request of reader.requests) {
    assert.match(request, /^(GET|POST) \/api\/share\/zvs_/, 'a shared view only talks to the share API');
  }
  assert.deepEqual(reader.problems, []);
  await reader.context.close();
});

test('from the shared page, no write route and no other site can be reached', async () => {
  const reader = await stranger();
  await reader.page.goto(everything);
  await reader.page.waitForSelector('[data-testid=top-stats]');
  const token = everything.split('/share/')[1]!;
  const attempts: Array<[string, string, unknown]> = [
    ['POST', `/api/share/${token}/sites/${shop.id}/goals`, { type: 'event', name: 'x', event_name: 'x' }],
    ['POST', `/api/share/${token}/sites/${shop.id}/shared-links`, { name: 'mine' }],
    ['GET', `/api/share/${token}/sites/${shop.id}/keys`, null],
    ['POST', `/api/share/${token}/sites/${other.id}/query`, { metrics: ['visitors'], date_range: 'today' }],
    ['GET', `/api/share/${token}/sites/${other.id}`, null],
    ['POST', `/api/dashboard/sites/${shop.id}/goals`, { type: 'event', name: 'x', event_name: 'x' }],
    ['GET', `/api/dashboard/sites/${shop.id}`, null],
    ['GET', `/api/dashboard/sites/${other.id}/keys`, null],
  ];
  // One plain function body (no named helpers: the test's transpiler would name them for Node only).
  const statuses = await reader.page.evaluate(
    (list) =>
      Promise.all(
        list.map(([method, path, body]) =>
          fetch(path, {
            method,
            headers: { 'content-type': 'application/json' },
            body: body === null ? undefined : JSON.stringify(body),
          }).then((answer) => answer.status),
        ),
      ),
    attempts,
  );
  // Share API: no such routes, no other site (404). Dashboard API: no session (401), writes
  // included: the link grants nothing there.
  assert.deepEqual(statuses, [404, 404, 404, 404, 404, 401, 401, 401]);
  assert.deepEqual((await server.runtime.goals.list(shop.id)).length, 0, 'nothing was written');
  await reader.context.close();
});

test('a password-protected link asks for its password first', async () => {
  const address = await makeLinkInUi('Board', { password: 'board-secret-42' });
  const reader = await stranger();
  await reader.page.goto(address);
  await reader.page.waitForSelector('[data-testid=share-unlock]');
  assert.equal(await reader.page.locator('[data-testid=top-stats]').count(), 0);
  await reader.page.fill('input[name=share-password]', 'wrong-password');
  await reader.page.click('[data-testid=share-unlock] button[type=submit]');
  await reader.page.waitForSelector('[data-testid=share-unlock-error]');
  assert.match(
    (await reader.page.textContent('[data-testid=share-unlock-error]')) ?? '',
    /password .* is wrong/,
  );
  await reader.page.fill('input[name=share-password]', 'board-secret-42');
  await reader.page.click('[data-testid=share-unlock] button[type=submit]');
  await reader.page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  await reader.page.reload();
  await reader.page.waitForSelector('[data-testid=top-stats]', { timeout: 10_000 });
  assert.equal(await reader.page.locator('[data-testid=share-unlock]').count(), 0, 'unlocked stays unlocked');
  // 401s of the locked page and the wrong password are expected console errors of fetch.
  await reader.context.close();
});

test('a link limited to some panels shows only those', async () => {
  const address = await makeLinkInUi('Sources only', { panels: ['sources'] });
  const reader = await stranger();
  await reader.page.goto(address);
  await reader.page.waitForSelector('[data-panel=sources] td');
  await reader.page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  for (const panel of ['pages', 'devices', 'goals', 'events', 'filtered', 'funnels', 'map']) {
    assert.equal(await reader.page.locator(`[data-panel=${panel}]`).count(), 0, panel);
  }
  assert.deepEqual(reader.problems, []);
  await reader.context.close();
});

test('revoked in settings, the link stops at once, also in a page already open', async () => {
  const address = await makeLinkInUi('Doomed');
  const reader = await stranger();
  await reader.page.goto(address);
  await reader.page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  await page.goto(`/sites/${encodeURIComponent(shop.id)}/settings`);
  await page.click('[data-testid=shared-link-list] tr:has(td:text-is("Doomed")) button:has-text("Revoke")');
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('[data-testid=shared-link-list] td')].some(
        (cell) => cell.textContent === 'Doomed',
      ),
  );
  const token = address.split('/share/')[1]!;
  const status = await reader.page.evaluate(
    async ({ token, shop }) =>
      (
        await fetch(`/api/share/${token}/sites/${shop}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ metrics: ['visitors'], date_range: 'today' }),
        })
      ).status,
    { token, shop: shop.id },
  );
  assert.equal(status, 404, 'the open page’s next question is refused');
  await reader.page.reload();
  await reader.page.waitForSelector('[data-testid=share-missing]');
  await screenshot(reader.page, 'shared-link-revoked');
  await reader.context.close();
});

test('made public in settings, the dashboard opens at /shop.example for anyone; made private, it is gone', async () => {
  await page.goto(`/sites/${encodeURIComponent(shop.id)}/settings`);
  // Each switch is one PUT; the page waits for the server's answer before the next step.
  const toggled = () =>
    page.waitForResponse(
      (response) => response.url().endsWith('/public') && response.request().method() === 'PUT',
    );
  await Promise.all([toggled(), page.check('[data-testid=share-public] input[name=share-public]')]);
  const reader = await stranger();
  await reader.page.goto('/shop.example');
  await reader.page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  assert.equal(
    (await reader.page.textContent('[data-testid=top-stats] [data-metric=visitors] .stat-value'))?.trim(),
    '3',
  );
  assert.ok(
    reader.requests.every((request) => /^(GET|POST) \/api\/share\/shop\.example(\/|$)/.test(request)),
  );
  await Promise.all([toggled(), page.uncheck('[data-testid=share-public] input[name=share-public]')]);
  const gone = await reader.page.goto('/shop.example');
  assert.equal(gone?.status(), 404);
  await reader.context.close();
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, ElementHandle, Page } from 'playwright-core';
import {
  addSiteInUi,
  dashboardTestConfig,
  launchChromium,
  openPage,
  screenshot,
  sendEvent,
  setUpFirstUser,
} from './dashboard-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// Layout regressions of issue 18, measured with the boxes Chromium lays out (1360×1000 viewport):
// the "Create key" button must not sit on the keys table's header, and the Devices card must be
// as tall as its rows, not stretched to the map beside it.

let server: TestServer;
let browser: Browser;
let page: Page;
let site: { id: string; trackingCode: string };

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  browser = await launchChromium();
  page = (await openPage(browser, server.url)).page;
  await setUpFirstUser(page, 'owner@example.com', 'correct horse battery staple');
  site = await addSiteInUi(page, 'shop.example');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(element: ElementHandle | null, what: string): Promise<Box> {
  const box = await element?.boundingBox();
  if (!box) throw new Error(`${what} is not laid out`);
  return box;
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test('the Create key button does not overlap the keys table header', async () => {
  await page.goto(`/sites/${site.id}/settings`);
  for (const [i, name] of ['Reporting script', 'Importer'].entries()) {
    await page.fill('input[name=key-name]', name);
    await page.click('[data-testid=api-keys] button[type=submit]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=api-keys] tbody tr').length === n,
      i + 1,
    );
  }
  // Desktop, the 900 px breakpoint, a tablet and a phone: the form wraps differently in each.
  for (const width of [1360, 900, 700, 390]) {
    await page.setViewportSize({ width, height: 1000 });
    const button = await boxOf(await page.$('[data-testid=api-keys] button[type=submit]'), 'Create key');
    const header = await boxOf(await page.$('[data-testid=api-keys] thead'), 'the keys table header');
    const where = `at ${width}px: button ${JSON.stringify(button)} header ${JSON.stringify(header)}`;
    assert.ok(!intersects(button, header), where);
    assert.ok(button.y + button.height + 8 <= header.y, `a clear gap above the table ${where}`);
    await (await page.$('[data-testid=api-keys]'))?.screenshot({
      path: `/tmp/zenovay-api-keys-${width}.png`,
    });
  }
  await page.setViewportSize({ width: 1360, height: 1000 });
  await screenshot(page, 'layout-settings');
});

test('the Devices card is as tall as its two rows, not as the map beside it', async () => {
  await sendEvent(server, site.trackingCode, {
    ip: '8.8.8.8',
    session: 'sess-l-1',
    url: 'https://shop.example/',
  });
  await sendEvent(server, site.trackingCode, {
    ip: '1.1.1.1',
    session: 'sess-l-2',
    url: 'https://shop.example/',
    device: 'mobile',
  });
  await page.goto(`/sites/${site.id}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-panel=devices] tbody tr').length === 2);
  await page.waitForSelector('[data-panel=map] svg');
  await page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  // All three boxes from one layout: measured one call at a time, a card rendering above them
  // (the chart, the top stats) between two calls would move one box and not the other.
  const [devices, map, rows] = await page.evaluate(() =>
    ['[data-panel=devices]', '[data-panel=map]', '[data-panel=devices] table'].map((selector) => {
      const rect = document.querySelector(selector)?.getBoundingClientRect();
      if (!rect) throw new Error(`${selector} is not laid out`);
      return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    }),
  );
  if (!devices || !map || !rows) throw new Error('the Devices card, the map or the Devices table is missing');
  assert.equal(Math.round(devices.y), Math.round(map.y), 'side by side, top-aligned');
  assert.ok(devices.height < map.height, `Devices ${devices.height}px, map ${map.height}px`);
  // The card ends shortly below its table (its padding), not hundreds of pixels further down.
  assert.ok(devices.y + devices.height - (rows.y + rows.height) < 40, 'no stretched empty space');
  await screenshot(page, 'layout-dashboard');
  await page.screenshot({ path: '/tmp/zenovay-dashboard-layout.png', fullPage: true });
});

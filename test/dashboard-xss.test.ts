import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  dashboardTestConfig,
  launchChromium,
  openPage,
  screenshot,
  sendEvent,
  signIn,
  type WatchedPage,
} from './dashboard-helpers.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

/** Each payload would set window.__pwned or open a dialog if it ever ran. */
const payloads = [
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  '"><script>window.__pwned=1;alert(1)</script>',
  "' onmouseover='window.__pwned=1' x='",
  '<svg/onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
];

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let siteId: string;
const dialogs: string[] = [];

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  await server.runtime.accounts.createUser('owner@example.com', 'correct horse battery staple');
  const site = await addSite(server, 'xss.example'); // created without an owner: the first user's
  siteId = site.id;
  const code = site.trackingCode;
  const query = new URLSearchParams({
    utm_source: payloads[1]!,
    utm_medium: payloads[3]!,
    utm_campaign: payloads[5]!,
  });
  await sendEvent(server, code, {
    ip: '8.8.8.8',
    session: 'sess-xss-0001',
    url: `https://xss.example/${payloads[0]}?${query}`,
    referrer: `https://evil.example/"><img src=x onerror=window.__pwned=1>`,
    device: payloads[0],
    browser: payloads[3],
    os: payloads[2],
  });
  for (const [i, name] of [payloads[0]!, payloads[1]!, payloads[3]!].entries()) {
    await sendEvent(server, code, {
      ip: '8.8.8.8',
      session: 'sess-xss-0001',
      url: `https://xss.example/${payloads[1]}`,
      name,
      properties: {
        [payloads[0]!]: payloads[1]!,
        [`x${i}" onclick="window.__pwned=1`]: payloads[4]!,
        plan: payloads[5]!,
      },
      device: payloads[0],
      browser: payloads[3],
      os: payloads[2],
    });
  }
  browser = await launchChromium();
  watched = await openPage(browser, server.url);
  watched.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Nothing ran, and nothing but the app's own markup appeared. */
async function assertNothingInjected(): Promise<void> {
  const page = watched.page;
  const report = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      handlers: all.flatMap((el) =>
        [...el.attributes]
          .filter((a) => a.name.toLowerCase().startsWith('on'))
          .map((a) => `${el.tagName} ${a.name}`),
      ),
      foreign: all
        .filter((el) =>
          ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'SCRIPT', 'FORM', 'BASE', 'META', 'LINK', 'STYLE'].includes(
            el.tagName,
          ),
        )
        .map((el) => el.outerHTML.slice(0, 120)),
      jsLinks: all
        .filter(
          (el) =>
            /^\s*javascript:/i.test(el.getAttribute('href') ?? '') ||
            /^\s*javascript:/i.test(el.getAttribute('src') ?? ''),
        )
        .map((el) => el.outerHTML.slice(0, 120)),
    };
  });
  assert.equal(report.pwned, null, 'no payload ran');
  assert.deepEqual(report.handlers, [], 'no inline event handler attributes');
  assert.deepEqual(report.jsLinks, [], 'no javascript: links');
  // The only such elements are the page's own head: its meta tags, icon, stylesheet and bundle.
  for (const html of report.foreign) {
    assert.match(
      html,
      /^<(meta (charset|name)=|link rel="(icon|stylesheet)"|script type="module" crossorigin="" src="\/assets\/)/,
      html,
    );
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(watched.problems, [], 'no script errors or CSP violations');
}

test('payloads in names, URLs, referrers, UTM tags and properties render as text in every panel', async () => {
  const page = watched.page;
  await signIn(page, 'owner@example.com', 'correct horse battery staple');
  await page.goto(`/sites/${siteId}`);
  await page.waitForSelector('[data-panel=events] tbody tr');
  // Every tab of every list panel.
  for (const panel of ['sources', 'pages', 'locations', 'devices']) {
    const tabs = await page.$$(`[data-panel=${panel}] button.tab`);
    for (const tab of tabs) {
      await tab.click();
      await page.waitForSelector(`[data-panel=${panel}] table, [data-panel=${panel}] .panel-empty`);
      await page.waitForLoadState('networkidle');
      await assertNothingInjected();
    }
  }
  const pagesText = (await page.textContent('[data-panel=pages]')) ?? '';
  // Paths keep the percent-encoding URL parsing gives them; the text is shown exactly so.
  assert.ok(pagesText.includes('/%3Cimg%20src=x%20onerror=%22window.__pwned=1;alert(1)%22%3E'), pagesText);
  await page.click('[data-panel=sources] button.tab:text-is("UTM source")');
  await page.waitForSelector(
    `[data-panel=sources] button.row-filter:text-is(${JSON.stringify(payloads[1])})`,
  );
  const eventsText = (await page.textContent('[data-panel=events]')) ?? '';
  for (const name of [payloads[0]!, payloads[1]!, payloads[3]!]) assert.ok(eventsText.includes(name), name);
  await assertNothingInjected();
  await screenshot(page, 'xss-payloads-as-text');

  // Each event's drill-down and each of its property tabs.
  for (const name of [payloads[0]!, payloads[1]!, payloads[3]!]) {
    await page.click(`[data-panel=events] button.row-filter:text-is(${JSON.stringify(name)})`);
    await page.waitForSelector('[data-panel=events] .prop-keys button');
    const keys = await page.$$('[data-panel=events] .prop-keys button');
    assert.equal(keys.length, 3);
    for (const key of keys) {
      await key.click();
      await page.waitForSelector('[data-panel=events] table tbody tr');
      await page.waitForLoadState('networkidle');
      await assertNothingInjected();
    }
    // Filter by a property value too: the chip shows it as text.
    await page.click('[data-panel=events] table tbody button.row-filter');
    await page.waitForSelector('[data-testid=filters] [data-dimension^="event:props:"]');
    await assertNothingInjected();
    await page.reload();
    await page.waitForSelector('[data-testid=filters] [data-dimension^="event:props:"]');
    await assertNothingInjected();
    await page.goto(`/sites/${siteId}`);
    await page.waitForSelector('[data-panel=events] tbody tr');
  }
});

test('payloads in a shared URL (filters) are shown as text too', async () => {
  const page = watched.page;
  const search = new URLSearchParams();
  for (const payload of payloads) search.append('f', `event:props:${payload}|${payload}`);
  search.append('f', `visit:source|${payloads[0]}`);
  search.set('period', payloads[1]!);
  search.set('metric', payloads[0]!);
  await page.goto(`/sites/${siteId}?${search}`);
  await page.waitForSelector('[data-testid=filters] .chip');
  assert.ok(((await page.textContent('[data-testid=filters]')) ?? '').includes(payloads[0]!));
  await page.waitForLoadState('networkidle');
  await assertNothingInjected();
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatMetric } from '../packages/dashboard/app/dashboard/format.ts';
import { freshStats } from '../packages/server/src/event-log/fresh-reads.ts';
import {
  createDuckDbStatsEngine,
  type StatsEngine,
  type StatsResponse,
} from '../packages/server/src/stats/index.ts';
import {
  addSiteInUi,
  dashboardTestConfig,
  engineAnswer,
  launchChromium,
  openPage,
  screenshot,
  sendEvent,
  setUpFirstUser,
  type WatchedPage,
} from './dashboard-helpers.ts';
import { sendShopTraffic } from './dashboard-traffic.ts';
import { serverDefaults, startTestServer, type TestServer } from './support/test-server.ts';

const topMetrics = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let engine: StatsEngine;
let site: { id: string; trackingCode: string };
let apiKey: string;

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  // Reads the file directly, so each read first waits for the log to be loaded (as the server's own engine does).
  engine = freshStats(createDuckDbStatsEngine(server.runtime.duckdb), () => server.runtime.eventsLoaded());
  browser = await launchChromium();
  watched = await openPage(browser, server.url);
  page = watched.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The REST API's answer to a Plausible v2 query, with the key created in the dashboard. */
async function restAnswer(body: Record<string, unknown>): Promise<StatsResponse> {
  const response = await fetch(`${server.url}/api/external/v1/stats/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ site_id: site.id, ...body }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { data: StatsResponse }).data;
}

async function shownTopStats(): Promise<Record<string, string>> {
  await page.waitForSelector('[data-testid=top-stats]');
  const shown: Record<string, string> = {};
  for (const metric of topMetrics) {
    shown[metric] =
      (await page.textContent(`[data-testid=top-stats] [data-metric=${metric}] .stat-value`)) ?? '';
  }
  return shown;
}

async function assertTopStatsMatch(filters: unknown[]): Promise<void> {
  const body = {
    site_id: site.id,
    date_range: '7d',
    metrics: topMetrics,
    filters,
    include: { comparisons: { mode: 'previous_period' } },
  };
  const fromEngine = await engineAnswer(server, engine, body);
  const fromRest = await restAnswer(body);
  assert.deepEqual(fromRest.results, fromEngine.results, 'REST and engine agree');
  const expected = Object.fromEntries(
    topMetrics.map((m, i) => [m, formatMetric(m, fromEngine.results[0]!.metrics[i]!)]),
  );
  // The previous filters' numbers stay on screen (aria-busy) until the new answer arrives.
  await page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  assert.deepEqual(await shownTopStats(), expected);
}

async function shownRows(table: string): Promise<Array<[string, string]>> {
  await page.waitForSelector(`${table} tbody tr`);
  return page.$$eval(`${table} tbody tr`, (rows) =>
    rows.map((row) => [
      (row.querySelector('.row-filter, .row-label')?.textContent ?? '').trim(),
      (row.querySelector('td.num')?.textContent ?? '').trim(),
    ]),
  );
}

test('first user, a site, an API key shown once, and the empty state', async () => {
  await setUpFirstUser(page, 'owner@example.com', 'correct horse battery staple');
  assert.equal(await page.textContent('[data-testid=signed-in-as]'), 'owner@example.com');
  site = await addSiteInUi(page, 'shop.example');
  assert.match(site.trackingCode, /^ZV_/);
  const html = await page.textContent('[data-snippet=html]');
  assert.ok(html?.includes(`data-tracking-code="${site.trackingCode}"`) && html.includes('/z.js'));
  for (const tab of ['curl', 'Node.js', 'Python', 'PHP']) {
    await page.click(`[data-testid=snippets] button:text-is("${tab}")`);
    // The Node.js snippet goes through the SDK, which is given the tracking code and the host.
    const code = tab === 'Node.js' ? `trackingCode: '${site.trackingCode}'` : `/e/${site.trackingCode}`;
    assert.ok((await page.textContent('pre.snippet'))?.includes(code), tab);
  }
  await screenshot(page, 'site-settings');

  await page.fill('input[name=key-name]', 'e2e reader');
  await page.click('[data-testid=api-keys] button[type=submit]');
  apiKey = ((await page.textContent('[data-testid=new-key] .secret')) ?? '').trim();
  assert.match(apiKey, /^zv_[A-Za-z0-9_-]{43}$/);
  await page.reload();
  await page.waitForSelector('[data-testid=api-keys] tbody tr');
  assert.equal(await page.$('[data-testid=new-key]'), null, 'the key is not shown again');

  await page.goto(`/sites/${site.id}`);
  await page.waitForSelector('[data-testid=empty-state]');
  assert.match((await page.textContent('[data-testid=empty-state]')) ?? '', /No events yet/);
});

test('the numbers shown equal what the engine and the REST API return', async () => {
  await sendShopTraffic(server, site.trackingCode);
  // The US visitor read /pricing for 75 s and scrolled to 60 % (a heartbeat, as z.engagement.js
  // sends it): the Pages panel shows "1m 15s" and "60%" for /pricing, dashes where nobody read.
  const beat = await fetch(`${server.url}/e/heartbeat/${site.trackingCode}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '8.8.8.8' },
    body: JSON.stringify({
      ...serverDefaults,
      session_id: 'sess-us-0001',
      url: 'https://shop.example/pricing',
      pageview_id: 'pv-pricing-1',
      engaged_ms: 75_000,
      scroll_depth: 60,
    }),
  });
  assert.equal(beat.status, 202, await beat.text());
  await page.goto(`/sites/${site.id}`);
  await assertTopStatsMatch([]);
  await page.waitForSelector('[data-panel=pages] td[data-metric=time_on_page]');
  const pageRows = await page.$$eval('[data-panel=pages] tbody tr', (rows) =>
    rows.map((row) => ({
      page: (row.querySelector('.row-filter, .row-label')?.textContent ?? '').trim(),
      time: row.querySelector('td[data-metric=time_on_page]')?.textContent?.trim(),
      depth: row.querySelector('td[data-metric=scroll_depth]')?.textContent?.trim(),
    })),
  );
  assert.deepEqual(
    pageRows.find((row) => row.page === '/pricing'),
    { page: '/pricing', time: '1m 15s', depth: '60%' },
  );
  assert.deepEqual(
    pageRows.find((row) => row.page === '/blog'),
    { page: '/blog', time: '—', depth: '—' },
  );

  const countries = await engineAnswer(server, engine, {
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors'],
    dimensions: ['visit:country'],
    order_by: [['visitors', 'desc']],
    pagination: { limit: 10, offset: 0 },
  });
  assert.deepEqual(
    new Set(countries.results.map((row) => row.dimensions[0])),
    new Set(['US', 'AU', 'GB']),
    'the test IPs resolve to three countries',
  );
  const shownCountries = await shownRows('[data-panel=locations] table[data-dimension="visit:country"]');
  assert.deepEqual(
    shownCountries.map(([, visitors]) => visitors),
    countries.results.map((row) => String(row.metrics[0])),
  );
  assert.match(shownCountries[0]![0], /United States/);
  await page.waitForSelector('[data-panel=map] path.active[data-country=GB]');

  const events = await engineAnswer(server, engine, {
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors', 'events', 'conversion_rate'],
    dimensions: ['event:name'],
    filters: [['is_not', 'event:name', ['pageview']]],
  });
  const eventCells = await page.$$eval('[data-panel=events] tbody tr td.num', (cells) =>
    cells.map((c) => c.textContent),
  );
  assert.deepEqual(
    eventCells,
    events.results.flatMap((row) =>
      row.metrics.map((v, i) => formatMetric(['visitors', 'events', 'conversion_rate'][i]!, v)),
    ),
  );

  const live = (await (await fetch(`${server.url}/e/live/${site.trackingCode}`)).json()) as {
    liveCount: number;
  };
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=live]')?.textContent?.startsWith(`${n} `),
    live.liveCount,
  );
  assert.equal(live.liveCount, 4);

  await page.waitForSelector('[data-panel=filtered] td[data-metric=refused]');
  const refused = await shownRows('[data-panel=filtered] table');
  assert.equal(refused.length, 2);
  assert.match((await page.textContent('[data-panel=filtered]')) ?? '', /BOT_DETECTED[\s\S]*1/);
  assert.deepEqual(watched.problems, []);
  await screenshot(page, 'dashboard');
});

test('the live counter refreshes on its own', async () => {
  const fresh = await openPage(browser, server.url);
  try {
    await fresh.context.addCookies(await watched.context.cookies());
    await fresh.page.clock.install(); // the page's timers run when the test says so
    await fresh.page.goto(`/sites/${site.id}`);
    await fresh.page.waitForFunction(() =>
      document.querySelector('[data-testid=live]')?.textContent?.startsWith('4 '),
    );
    await sendEvent(server, site.trackingCode, {
      ip: '9.9.9.9',
      session: 'sess-live-0001',
      url: 'https://shop.example/',
    });
    server.clock.advance(3_000); // past the live counter's 2 s cache
    await fresh.page.clock.runFor(10_000);
    await fresh.page.waitForFunction(() =>
      document.querySelector('[data-testid=live]')?.textContent?.startsWith('5 '),
    );
    assert.deepEqual(fresh.problems, []);
  } finally {
    await fresh.context.close();
  }
});

test('clicking a row filters everything, the filter lives in the URL, and survives a reload', async () => {
  await page.click(
    '[data-panel=locations] table[data-dimension="visit:country"] button:has-text("United States")',
  );
  await page.waitForURL((url) => url.searchParams.getAll('f').includes('visit:country|US'));
  await page.waitForSelector('[data-testid=filters] [data-dimension="visit:country"]');
  await assertTopStatsMatch([['is', 'visit:country', ['US']]]);

  await page.reload();
  await page.waitForSelector('[data-testid=filters] [data-dimension="visit:country"]');
  await assertTopStatsMatch([['is', 'visit:country', ['US']]]);
  await screenshot(page, 'dashboard-filtered');

  // The custom event drill-down: clicking the event filters by it and opens its properties.
  await page.click('[data-panel=events] button:has-text("signup")');
  await page.waitForSelector('[data-panel=events] table[data-dimension="event:props:plan"]');
  const plans = await shownRows('[data-panel=events] table[data-dimension="event:props:plan"]');
  const expected = await engineAnswer(server, engine, {
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors', 'events'],
    dimensions: ['event:props:plan'],
    filters: [
      ['is', 'visit:country', ['US']],
      ['is', 'event:name', ['signup']],
    ],
    order_by: [['visitors', 'desc']],
    pagination: { limit: 10, offset: 0 },
  });
  assert.deepEqual(
    plans,
    expected.results.map((row) => [row.dimensions[0], String(row.metrics[0])]),
  );
  assert.deepEqual(plans, [['pro', '1']]);
  await screenshot(page, 'event-properties');

  // Removing a chip removes its filter; the map filters too.
  await page.click('[data-testid=filters] [data-dimension="visit:country"] .chip-remove');
  await page.click('[data-testid=filters] [data-dimension="event:name"] .chip-remove');
  await page.waitForSelector('[data-testid=filters]', { state: 'detached' });
  await page.click('[data-panel=map] path.active[data-country=AU]'); // active once its numbers arrive
  await page.waitForURL((url) => url.searchParams.getAll('f').includes('visit:country|AU'));
  await assertTopStatsMatch([['is', 'visit:country', ['AU']]]);
  assert.deepEqual(watched.problems, []);
});

test('date presets, a custom range and the chart follow the URL', async () => {
  await page.goto(`/sites/${site.id}`);
  await page.selectOption('[data-testid=period]', '30d');
  await page.waitForURL((url) => url.searchParams.get('period') === '30d');
  await page.click('[data-testid=top-stats] [data-metric=pageviews]');
  await page.waitForURL((url) => url.searchParams.get('metric') === 'pageviews');
  await page.waitForSelector('[data-testid=chart] canvas');
  await page.selectOption('[data-testid=period]', 'custom');
  await page.fill('input[aria-label=From]', '2026-03-01');
  await page.fill('input[aria-label=To]', '2026-03-10');
  await page.click('.custom-range button[type=submit]');
  await page.waitForURL(
    (url) => url.searchParams.get('from') === '2026-03-01' && url.searchParams.get('to') === '2026-03-10',
  );
  const expected = await engineAnswer(server, engine, {
    site_id: site.id,
    date_range: ['2026-03-01', '2026-03-10'],
    metrics: ['pageviews'],
  });
  await page.waitForFunction(
    (n) => document.querySelector('[data-metric=pageviews] .stat-value')?.textContent === n,
    String(expected.results[0]!.metrics[0]),
  );
  assert.deepEqual(watched.problems, []);
});

test('sites list, edit and delete with confirmation', async () => {
  await page.goto('/sites');
  await page.waitForSelector('[data-testid=site-list]');
  await screenshot(page, 'sites');
  await page.goto(`/sites/${site.id}/settings`);
  await page.fill('[data-testid=edit-site] input[name=name]', 'Shop');
  await page.click('[data-testid=edit-site] button[type=submit]');
  await page.waitForSelector('h1:has-text("Shop settings")');
  await page.click('[data-testid=delete-site] button');
  assert.equal(await page.isDisabled('[data-testid=delete-site] button[type=submit]'), true);
  await page.fill('[data-testid=delete-site] input', 'shop.example');
  await page.click('[data-testid=delete-site] button[type=submit]');
  await page.waitForURL('**/sites');
  await page.waitForSelector('.empty-state');
  const gone = await fetch(`${server.url}/e/${site.trackingCode}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      url: 'https://shop.example/',
      session_id: 'sess-late-001',
      device_type: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      user_agent: 'MyApp-Server/1.0',
    }),
  });
  assert.equal(gone.status, 404, 'a deleted site no longer takes events');
  assert.deepEqual(watched.problems, []);
});

test('sign-out, a wrong password, and an expired session send the browser to the sign-in page', async () => {
  await page.goto('/sites');
  await page.click('button:has-text("Sign out")');
  await page.waitForURL('**/login');
  await page.fill('input[name=email]', 'owner@example.com');
  await page.fill('input[name=password]', 'not my password');
  await page.click('button[type=submit]');
  assert.match(
    (await (await page.waitForSelector('[role=alert]')).textContent()) ?? '',
    /email or password is wrong/,
  );
  await page.fill('input[name=password]', 'correct horse battery staple');
  await page.click('button[type=submit]');
  await page.waitForURL('**/sites');

  await page.goto('/sites/some-id?period=30d');
  server.clock.advance(15 * 86_400_000); // past the 14-day session lifetime
  await page.reload();
  await page.waitForURL('**/login?next=**');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/sites/some-id?period=30d');
  await page.fill('input[name=email]', 'owner@example.com');
  await page.fill('input[name=password]', 'correct horse battery staple');
  await page.click('button[type=submit]');
  await page.waitForURL('**/sites/some-id?period=30d');
  await page.waitForSelector('.page-error');
  assert.deepEqual(
    watched.problems.filter((p) => !/status of 40[14]/.test(p)),
    [],
    'only the expected 401/404 responses were logged',
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { html, startTrackerRig, type TrackerRig, trackerLoaded } from './support/tracker-site.ts';

// z.js in headless Chromium against the real service: visits, SPA routes, events, the command API.
let rig: TrackerRig;
before(async () => {
  rig = await startTrackerRig();
});
after(() => rig.close());

type Row = Record<string, unknown>;
const props = (row: Row) =>
  Object.fromEntries((row.prop_keys as string[]).map((key, i) => [key, (row.prop_values as string[])[i]]));
const sessionOnPage = (page: import('playwright-core').Page) =>
  page.evaluate(() => new Promise<string | null>((resolve) => window.zenovay!('session', resolve)));

test('a three-page visit is one visit of three pageviews, and zenovay("session") names it', async () => {
  const site = await rig.addSite();
  const nav =
    '<a id="about" href="/mp/about">About</a> <a id="pricing" href="/mp/pricing?utm_source=news">Pricing</a>';
  for (const path of ['/mp', '/mp/about', '/mp/pricing']) rig.pages.set(path, html(rig.snippet(site), nav));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/mp'));
  await trackerLoaded(tab.page);
  await Promise.all([tab.page.waitForURL('**/mp/about'), tab.page.click('#about')]);
  await trackerLoaded(tab.page);
  await Promise.all([tab.page.waitForURL('**/mp/pricing?utm_source=news'), tab.page.click('#pricing')]);
  await trackerLoaded(tab.page);

  const rows = await rig.waitForEvents(site, 3);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((row) => row.event_type),
    ['pageview', 'pageview', 'pageview'],
  );
  assert.deepEqual(rows.map((row) => row.pathname).sort(), ['/mp', '/mp/about', '/mp/pricing']);
  const visits = new Set(rows.map((row) => row.session_id));
  assert.equal(visits.size, 1, 'one visit');
  const [sessionId] = visits;
  assert.match(String(sessionId), /^zs_/);
  assert.equal(await sessionOnPage(tab.page), sessionId);

  const pricing = rows.find((row) => row.pathname === '/mp/pricing')!;
  assert.equal(pricing.utm_source, 'news');
  assert.equal(pricing.referrer, rig.siteUrl('/mp/about'));
  for (const row of rows) {
    assert.equal(row.hostname, 'site.test');
    assert.equal(row.device_type, 'desktop');
    assert.equal(row.browser, 'Chrome');
    assert.equal(row.os, 'Linux');
    assert.match(props(row).screen_size ?? '', /^\d+x\d+$/);
  }
  assert.equal(new Set(rows.map((row) => row.event_id)).size, 3, 'each event has its own event_id');
  assert.ok(rows.every((row) => String(row.event_id).length >= 8));
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('SPA navigation counts each route change once (pushState, replaceState, popstate)', async () => {
  const site = await rig.addSite();
  rig.pages.set('/spa', html(rig.snippet(site)));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/spa'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    history.pushState({}, '', '/spa/one');
    history.pushState({ again: true }, '', '/spa/one'); // same URL: not a new page
    history.replaceState({ state: 'only' }, '', '/spa/one'); // same URL again
    location.hash = 'section-2'; // a fragment is not a page without data-hash
    history.pushState({}, '', '/spa/two');
    history.replaceState({}, '', '/spa/three');
  });
  await rig.waitForEvents(site, 4);
  await tab.page.evaluate(() => history.back()); // to /spa/one#section-2: a route change
  await rig.waitForEvents(site, 5);
  // A marker sent last: every pageview the tracker sent before it has been sent by then.
  await tab.page.evaluate(() => window.zenovay!('track', 'marker'));
  const rows = await rig.waitForEvents(site, 6);
  const pageviews = rows.filter((row) => row.event_type === 'pageview').map((row) => row.pathname);
  assert.deepEqual(pageviews.sort(), ['/spa', '/spa/one', '/spa/one', '/spa/three', '/spa/two']);
  assert.equal(rows.length, 6);
  assert.equal(tab.ingestRequests.length, 6);
  assert.equal(new Set(rows.map((row) => row.session_id)).size, 1);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('with data-hash="true" each hash route is a page, recorded as a path', async () => {
  const site = await rig.addSite();
  rig.pages.set('/app/', html(rig.snippet(site, { hash: 'true' })));
  const tab = await rig.newPage();
  await tab.page.goto(`${rig.siteUrl('/app/')}?utm_source=mail#/home`);
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    location.hash = '#/settings?tab=2';
  });
  const rows = await rig.waitForEvents(site, 2);
  const byPath = Object.fromEntries(rows.map((row) => [row.pathname, row.query]));
  assert.deepEqual(byPath, { '/app/home': 'utm_source=mail', '/app/settings': 'tab=2&utm_source=mail' });
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('a custom event arrives with its properties intact', async () => {
  const site = await rig.addSite();
  rig.pages.set('/custom', html(rig.snippet(site)));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/custom'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() =>
    window.zenovay!('track', 'signup', { plan: 'pro', seats: 3, trial: true, note: 'ünïcødé & <b>' }),
  );
  const rows = await rig.waitForEvents(site, 2);
  const signup = rows.find((row) => row.event_name === 'signup')!;
  assert.equal(signup.event_type, 'custom');
  assert.equal(signup.pathname, '/custom');
  assert.deepEqual(props(signup), { plan: 'pro', seats: '3', trial: 'true', note: 'ünïcødé & <b>' });
  assert.equal(signup.session_id, rows.find((row) => row.event_type === 'pageview')!.session_id);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('calls queued before the script loaded arrive, and a queued session callback gets the id', async () => {
  const site = await rig.addSite();
  const stub = `<script>
    window.zenovay = window.zenovay || function () { (window.zenovay.q = window.zenovay.q || []).push(arguments); };
    zenovay('track', 'early_bird', { position: 1 });
    zenovay('session', function (id) { window.earlySession = id; });
  </script>`;
  rig.pages.set('/queue', html(stub + rig.snippet(site)));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/queue'));
  await trackerLoaded(tab.page);
  const rows = await rig.waitForEvents(site, 2);
  const early = rows.find((row) => row.event_name === 'early_bird')!;
  assert.deepEqual(props(early), { position: '1' });
  await tab.page.waitForFunction(() => 'earlySession' in window);
  const earlySession = await tab.page.evaluate(
    () => (window as unknown as { earlySession: string }).earlySession,
  );
  assert.equal(earlySession, early.session_id);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('clicks: data-zenovay-event with props, and opt-in outbound-link and file-download events', async () => {
  const site = await rig.addSite();
  const body = `<button id="cta" data-zenovay-event="cta_click" data-zenovay-prop-button-color="red"><span id="inner">Go</span></button>
    <a id="download" href="/files/report.pdf">Report</a>
    <a id="mail" href="mailto:hello@site.test">Mail</a>
    <a id="out" href="${rig.siteUrl('/elsewhere', 'other.test')}">Elsewhere</a>`;
  rig.pages.set(
    '/clicks',
    html(rig.snippet(site, { 'outbound-links': 'true', 'file-downloads': 'true' }), body),
  );
  rig.pages.set('/plain', html(rig.snippet(site), body.replace('id="out"', 'id="out2"')));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/clicks'));
  await trackerLoaded(tab.page);
  await tab.page.click('#inner');
  await tab.page.click('#mail');
  await tab.page.evaluate(() => {
    // Follow-through navigation is not under test; keep the page.
    for (const link of document.querySelectorAll('a'))
      link.addEventListener('click', (e) => e.preventDefault());
  });
  await tab.page.click('#download');
  await tab.page.click('#out');
  const rows = await rig.waitForEvents(site, 4);
  const byName = Object.fromEntries(rows.map((row) => [row.event_name, props(row)]));
  assert.deepEqual(byName.cta_click, { button_color: 'red' });
  assert.deepEqual(byName.file_download, { link_url: rig.siteUrl('/files/report.pdf') });
  assert.deepEqual(byName.outbound_link, { link_url: rig.siteUrl('/elsewhere', 'other.test') });
  assert.equal(rows.length, 4, 'the mailto: link is no event');

  // Without the opt-in attributes, links are no events.
  await tab.page.goto(rig.siteUrl('/plain'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    for (const link of document.querySelectorAll('a'))
      link.addEventListener('click', (e) => e.preventDefault());
  });
  await tab.page.click('#download');
  await tab.page.click('#out2');
  await tab.page.evaluate(() => window.zenovay!('track', 'marker'));
  const after = await rig.waitForEvents(site, 6);
  assert.deepEqual(after.map((row) => row.event_name).sort(), [
    'cta_click',
    'file_download',
    'marker',
    'outbound_link',
    'pageview',
    'pageview',
  ]);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('data-auto="false" sends no automatic pageviews; zenovay("page") sends one', async () => {
  const site = await rig.addSite();
  rig.pages.set('/manual', html(rig.snippet(site, { auto: 'false' })));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/manual'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => history.pushState({}, '', '/manual/next'));
  assert.equal(await tab.ingestCalls(), 0);
  await tab.page.evaluate(() => window.zenovay!('page'));
  const rows = await rig.waitForEvents(site, 1);
  assert.deepEqual(
    rows.map((row) => row.pathname),
    ['/manual/next'],
  );
  assert.equal(await tab.ingestCalls(), 1);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('30 minutes without activity starts a new visit; activity within them continues it', async () => {
  const site = await rig.addSite();
  for (const path of ['/idle/1', '/idle/2', '/idle/3']) rig.pages.set(path, html(rig.snippet(site)));
  const tab = await rig.newPage();
  for (const [path, advanceMs] of [
    ['/idle/1', 0],
    ['/idle/2', 29 * 60_000],
    ['/idle/3', 30 * 60_000 + 1],
  ] as const) {
    rig.server.clock.advance(advanceMs);
    await tab.page.goto(rig.siteUrl(path));
    await trackerLoaded(tab.page);
    await sessionOnPage(tab.page); // the reply has arrived
  }
  const rows = await rig.waitForEvents(site, 3);
  const visitOf = Object.fromEntries(rows.map((row) => [row.pathname, row.session_id]));
  assert.equal(visitOf['/idle/2'], visitOf['/idle/1']);
  assert.notEqual(visitOf['/idle/3'], visitOf['/idle/2']);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('data-api-url sends events through a first-party path; the script loaded twice counts once', async () => {
  const site = await rig.addSite();
  const snippet = rig.snippet(site, { 'api-url': '/zv/', debug: 'true' });
  rig.pages.set('/proxied', html(snippet + snippet));
  const tab = await rig.newPage();
  const debugLines: string[] = [];
  tab.page.on('console', (message) => debugLines.push(message.text()));
  await tab.page.goto(rig.siteUrl('/proxied'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => window.zenovay!('track', 'marker'));
  // Counted in the page, at once: a second running copy would have sent its own pageview.
  assert.equal(await tab.ingestCalls(), 2);
  const rows = await rig.waitForEvents(site, 2);
  assert.deepEqual(rows.map((row) => row.event_name).sort(), ['marker', 'pageview']);
  assert.deepEqual(tab.ingestRequests, [
    rig.siteUrl(`/zv/e/${site.trackingCode}`),
    rig.siteUrl(`/zv/e/${site.trackingCode}`),
  ]);
  assert.ok(
    debugLines.some((line) => line.startsWith('[zenovay] send')),
    debugLines.join(' | '),
  );
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

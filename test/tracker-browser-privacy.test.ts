import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  html,
  startTrackerRig,
  type TrackedPage,
  type TrackerRig,
  trackerLoaded,
} from './support/tracker-site.ts';

// z.js privacy rules in headless Chromium against the real service: DNT, GPC, opt-out, localhost,
// and nothing written to the browser.
let rig: TrackerRig;
before(async () => {
  rig = await startTrackerRig();
});
after(() => rig.close());

const dnt = `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });`;
const gpc = `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });`;
const optOut = `try { localStorage.setItem('zenovay_ignore', 'true'); } catch {}`;

/** What the page holds in every browser store the tracker could have written to. */
const browserStorage = (page: Page) =>
  page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));

/**
 * Loads a page, lets the tracker run and asks it for an event; returns the tab. The fetch counter
 * is read in the page right after the calls, so "nothing sent" is exact, not a matter of waiting.
 */
async function visit(
  site: Site,
  path: string,
  attributes: Record<string, string>,
  initScript?: string,
  host?: string,
) {
  rig.pages.set(path, html(rig.snippet(site, { debug: 'true', ...attributes })));
  const tab = await rig.newPage(initScript ? { initScript } : {});
  const debugLines: string[] = [];
  tab.page.on('console', (message) => debugLines.push(message.text()));
  await tab.page.goto(rig.siteUrl(path, host));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => window.zenovay!('track', 'probe'));
  return { tab, debugLines };
}

async function assertNothingSent(tab: TrackedPage, debugLines: string[], reason: string) {
  assert.equal(await tab.ingestCalls(), 0);
  assert.deepEqual(tab.ingestRequests, []);
  assert.equal(await tab.page.evaluate(() => window.zenovay!('session')), null);
  assert.ok(
    debugLines.some((line) => line.includes('skipped') && line.includes(reason)),
    `debug mode says why (${reason}): ${debugLines.join(' | ')}`,
  );
  assert.deepEqual(tab.errors, []);
}

test('Do Not Track suppresses tracking, unless data-ignore-dnt="true"', async () => {
  const site = await rig.addSite();
  const { tab, debugLines } = await visit(site, '/dnt', {}, dnt);
  assert.equal(await tab.page.evaluate(() => navigator.doNotTrack), '1');
  await assertNothingSent(tab, debugLines, 'doNotTrack');
  await tab.close();

  const ignoring = await visit(site, '/dnt-ignored', { 'ignore-dnt': 'true' }, dnt);
  const rows = await rig.waitForEvents(site, 2);
  assert.deepEqual(rows.map((row) => row.event_name).sort(), ['pageview', 'probe']);
  assert.deepEqual(ignoring.tab.errors, []);
  await ignoring.tab.close();
});

test('Global Privacy Control suppresses tracking', async () => {
  const site = await rig.addSite();
  const { tab, debugLines } = await visit(site, '/gpc', {}, gpc);
  await assertNothingSent(tab, debugLines, 'doNotTrack');
  await tab.close();
});

test('localStorage.zenovay_ignore = "true" opts the browser out', async () => {
  const site = await rig.addSite();
  const { tab, debugLines } = await visit(site, '/opt-out', {}, optOut);
  await assertNothingSent(tab, debugLines, 'zenovay_ignore');
  await tab.close();
});

test('localhost is not tracked unless data-allow-localhost="true"', async () => {
  const site = await rig.addSite('localhost');
  const { tab, debugLines } = await visit(site, '/local', {}, undefined, 'localhost');
  await assertNothingSent(tab, debugLines, 'localhost');
  await tab.close();

  const allowed = await visit(site, '/local-allowed', { 'allow-localhost': 'true' }, undefined, 'localhost');
  const rows = await rig.waitForEvents(site, 2);
  assert.deepEqual(rows.map((row) => [row.hostname, row.event_name]).sort(), [
    ['localhost', 'pageview'],
    ['localhost', 'probe'],
  ]);
  assert.deepEqual(allowed.tab.errors, []);
  await allowed.tab.close();
});

test('data-cookieless="true": a three-page visit is one visit and the browser stores nothing', async () => {
  const site = await rig.addSite();
  const links = '<a id="next" href="/cl/2">next</a><a id="last" href="/cl/3">last</a>';
  for (const path of ['/cl/1', '/cl/2', '/cl/3']) {
    rig.pages.set(path, html(rig.snippet(site, { cookieless: 'true' }), links));
  }
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/cl/1'));
  await trackerLoaded(tab.page);
  assert.deepEqual(await browserStorage(tab.page), { cookie: '', local: 0, session: 0 });
  await Promise.all([tab.page.waitForURL('**/cl/2'), tab.page.click('#next')]);
  await trackerLoaded(tab.page);
  assert.deepEqual(await browserStorage(tab.page), { cookie: '', local: 0, session: 0 });
  await Promise.all([tab.page.waitForURL('**/cl/3'), tab.page.click('#last')]);
  await trackerLoaded(tab.page);
  const rows = await rig.waitForEvents(site, 3);
  assert.deepEqual(rows.map((row) => row.pathname).sort(), ['/cl/1', '/cl/2', '/cl/3']);
  const visits = new Set(rows.map((row) => row.session_id));
  assert.equal(visits.size, 1, 'one visit');
  const session = await tab.page.evaluate(
    () => new Promise((resolve) => window.zenovay!('session', resolve)),
  );
  assert.equal(session, [...visits][0]);
  assert.deepEqual(await browserStorage(tab.page), { cookie: '', local: 0, session: 0 });
  const cookies = await tab.context.cookies();
  assert.deepEqual(cookies, []);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('the default mode writes nothing to the browser either', async () => {
  const site = await rig.addSite();
  rig.pages.set('/default', html(rig.snippet(site)));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/default'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => window.zenovay!('track', 'probe'));
  await rig.waitForEvents(site, 2);
  assert.deepEqual(await browserStorage(tab.page), { cookie: '', local: 0, session: 0 });
  assert.deepEqual(await tab.context.cookies(), []);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

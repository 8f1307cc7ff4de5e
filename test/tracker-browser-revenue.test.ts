import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { html, startTrackerRig, type TrackerRig, trackerLoaded } from './support/tracker-site.ts';

// z.js's goal, revenue and identify commands in headless Chromium against the real service: the
// beacon bodies as the page sent them, and what the server made of them.
let rig: TrackerRig;
before(async () => {
  rig = await startTrackerRig();
});
after(() => rig.close());

type Row = Record<string, unknown>;
type Body = Record<string, unknown>;
const props = (row: Row) =>
  Object.fromEntries((row.prop_keys as string[]).map((key, i) => [key, (row.prop_values as string[])[i]]));
const byName = (rows: Row[], name: string) => rows.filter((row) => row.event_name === name);

/** Every ingest request body the page sends, parsed, in the order they were sent. */
function captureBodies(page: Page): Body[] {
  const bodies: Body[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/e/') && request.method() === 'POST') {
      bodies.push(JSON.parse(request.postData() ?? 'null') as Body);
    }
  });
  return bodies;
}

const queueStub = `window.zenovay = window.zenovay || function () { (window.zenovay.q = window.zenovay.q || []).push(arguments); };`;

test('goal with value and currency sends revenue, other keys as properties; without a currency value stays a property', async () => {
  const site = await rig.addSite();
  rig.pages.set('/goal', html(rig.snippet(site)));
  const tab = await rig.newPage();
  const bodies = captureBodies(tab.page);
  await tab.page.goto(rig.siteUrl('/goal'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    window.zenovay!('goal', 'signup', { value: 49.9, currency: 'eur', plan: 'pro' });
    window.zenovay!('goal', 'rated', { value: 5, stars: true });
    window.zenovay!('goal', 'newsletter');
  });
  const rows = await rig.waitForEvents(site, 4);

  const sent = (name: string) => bodies.find((body) => body.event_name === name)!;
  assert.deepEqual(sent('signup').revenue, { amount: 49.9, currency: 'eur' });
  assert.deepEqual(sent('signup').properties, { plan: 'pro' });
  assert.equal(sent('signup').event_type, 'custom');
  assert.equal('revenue' in sent('rated'), false);
  assert.deepEqual(sent('rated').properties, { value: 5, stars: true });
  assert.equal('revenue' in sent('newsletter'), false);
  assert.equal('properties' in sent('newsletter'), false);

  const [signup] = byName(rows, 'signup');
  assert.equal(signup?.revenue_e4, 499000n);
  assert.equal(signup?.revenue_currency, 'EUR');
  assert.deepEqual(props(signup!), { plan: 'pro' });
  const [rated] = byName(rows, 'rated');
  // No revenue is stored as 0 with an empty currency (the store's convention).
  assert.deepEqual([rated?.revenue_e4, rated?.revenue_currency], [0n, '']);
  assert.deepEqual(props(rated!), { value: '5', stars: 'true' });
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('revenue(amount, currency, props) sends a purchase; decimal strings stay exact', async () => {
  const site = await rig.addSite();
  rig.pages.set('/buy', html(rig.snippet(site)));
  const tab = await rig.newPage();
  const bodies = captureBodies(tab.page);
  await tab.page.goto(rig.siteUrl('/buy'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    window.zenovay!('revenue', 99.99, 'USD', { order_id: 'ORD-12345', coupon: 'SPRING' });
    window.zenovay!('revenue', '1234.5678', 'chf');
  });
  const rows = await rig.waitForEvents(site, 3);

  const purchases = bodies.filter((body) => body.event_name === 'purchase');
  assert.equal(purchases.length, 2);
  const byCurrency = (code: string) => purchases.find((body) => (body.revenue as Body).currency === code)!;
  assert.deepEqual(byCurrency('USD').revenue, { amount: 99.99, currency: 'USD' });
  assert.deepEqual(byCurrency('USD').properties, { order_id: 'ORD-12345', coupon: 'SPRING' });
  assert.deepEqual(byCurrency('chf').revenue, { amount: '1234.5678', currency: 'chf' });

  const stored = byName(rows, 'purchase')
    .map((row) => `${row.revenue_e4} ${row.revenue_currency}`)
    .sort();
  assert.deepEqual(stored, ['12345678 CHF', '999900 USD']);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('identify queued before load applies to the automatic pageview; identify(null) forgets; nothing is stored in the browser', async () => {
  const site = await rig.addSite();
  const early = `<script>${queueStub} zenovay('identify', 'customer-8841');</script>`;
  rig.pages.set('/account', html(early + rig.snippet(site)));
  // Another page of the same site: identify is called again after sign-in, as the docs say.
  rig.pages.set('/account/orders', html(early + rig.snippet(site)));
  const tab = await rig.newPage();
  const bodies = captureBodies(tab.page);
  await tab.page.goto(rig.siteUrl('/account'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => window.zenovay!('track', 'opened_settings'));
  await rig.waitForEvents(site, 2);
  await tab.page.evaluate(() => {
    window.zenovay!('identify', 42); // a number is sent as its text
    window.zenovay!('track', 'numeric_id');
    window.zenovay!('identify', null); // signed out
    window.zenovay!('track', 'signed_out');
  });
  await rig.waitForEvents(site, 4);
  await Promise.all([
    tab.page.waitForURL('**/account/orders'),
    tab.page.goto(rig.siteUrl('/account/orders')),
  ]);
  await trackerLoaded(tab.page);
  const rows = await rig.waitForEvents(site, 5);

  const userIds = bodies.map((body) => [body.event_name, body.user_id ?? null]);
  assert.deepEqual(userIds, [
    ['pageview', 'customer-8841'],
    ['opened_settings', 'customer-8841'],
    ['numeric_id', '42'],
    ['signed_out', null],
    ['pageview', 'customer-8841'],
  ]);

  const visitorOf = (name: string) => byName(rows, name).map((row) => String(row.visitor_id));
  const [first, second] = visitorOf('pageview');
  assert.match(first ?? '', /^u_[A-Za-z0-9_-]{22}$/);
  assert.equal(second, first, 'the same person on both pages');
  assert.deepEqual(visitorOf('opened_settings'), [first]);
  assert.match(visitorOf('numeric_id')[0] ?? '', /^u_/);
  assert.notEqual(visitorOf('numeric_id')[0], first);
  assert.doesNotMatch(visitorOf('signed_out')[0] ?? '', /^u_/);
  for (const row of rows)
    assert.doesNotMatch(
      JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
      /customer-8841/,
    );

  const storage = await tab.page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  assert.deepEqual(storage, { cookie: '', local: 0, session: 0 });
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('no storage API is even called: identify, goal and revenue write nothing to the browser', async () => {
  const site = await rig.addSite();
  // Counts every write the page could make to a browser store, before z.js runs.
  const spy = `(() => {
    window.zvWrites = [];
    const note = (what) => window.zvWrites.push(what);
    for (const store of [Storage.prototype]) {
      for (const name of ['setItem', 'removeItem', 'clear']) {
        const original = store[name];
        store[name] = function (...args) { note(name); return original.apply(this, args); };
      }
    }
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    Object.defineProperty(Document.prototype, 'cookie', {
      get() { return cookie.get.call(this); },
      set(value) { note('cookie'); cookie.set.call(this, value); },
    });
    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = (...args) => { note('indexedDB'); return open(...args); };
  })();`;
  rig.pages.set('/spy', html(rig.snippet(site)));
  const tab = await rig.newPage({ initScript: spy });
  await tab.page.goto(rig.siteUrl('/spy'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    window.zenovay!('identify', 'u-1');
    window.zenovay!('goal', 'trial', { value: 0, currency: 'USD' });
    window.zenovay!('revenue', 10, 'EUR', { order_id: 'o-1' });
  });
  await rig.waitForEvents(site, 3);
  assert.deepEqual(await tab.page.evaluate(() => (window as unknown as { zvWrites: string[] }).zvWrites), []);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { html, startTrackerRig, type TrackerRig, trackerLoaded } from './support/tracker-site.ts';

// z.engagement.js in headless Chromium against the real service: engaged time pauses while the
// tab is hidden, scroll depth, the heartbeat before an SPA route change, sendBeacon on unload.
let rig: TrackerRig;
before(async () => {
  rig = await startTrackerRig();
});
after(() => rig.close());

/**
 * The page's clock, visibility and focus under the test's control (no waiting on wall time), and
 * every sendBeacon / fetch to the service recorded in order before it goes out unchanged.
 */
const controls = `(() => {
  let now = 1_700_000_000_000;
  Date.now = () => now;
  window.zvAdvance = (ms) => { now += ms; };
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
  Document.prototype.hasFocus = () => true;
  window.zvSetHidden = (value) => { hidden = value; document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); };
  window.zvSent = [];
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, body) => { window.zvSent.push({ via: 'beacon', url: String(url), body: JSON.parse(body) }); return beacon(url, body); };
  const original = window.fetch;
  window.fetch = function (input, init) {
    window.zvSent.push({ via: 'fetch', url: String(input), body: JSON.parse(init.body) });
    return original.call(this, input, init);
  };
})();`;

/** A 4,000 px tall page (no margins): with Chromium's 720 px viewport, depth is (scrollY + 720) / 40 %. */
const tall = '<style>body{margin:0}</style>';
const tallBody = '<div style="height:4000px"></div>';

interface Sent {
  via: string;
  url: string;
  body: Record<string, unknown>;
}

async function engagement(site: Site): Promise<Array<Record<string, unknown>>> {
  await rig.server.runtime.eventsLoaded();
  const connection = await rig.server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT pathname, engaged_ms, scroll_max FROM engagement WHERE site_id = $1 ORDER BY pathname',
      [site.id],
    );
    return reader.getRowObjectsJS().map((row) => ({ ...row, engaged_ms: Number(row.engaged_ms) }));
  } finally {
    connection.closeSync();
  }
}

test('engaged time pauses while hidden; depth, SPA navigation and unload send heartbeats', async () => {
  const site = await rig.addSite();
  const script = `<script defer data-tracking-code="${site.trackingCode}" src="${rig.server.url}/z.engagement.js"></script>`;
  rig.pages.set('/read', html(script + tall, tallBody));
  rig.pages.set('/away', html('', 'elsewhere'));
  const tab = await rig.newPage({ initScript: controls });
  const page = tab.page;
  await page.goto(rig.siteUrl('/read'));
  await trackerLoaded(page);

  await page.evaluate(() => {
    const w = window as unknown as { zvAdvance(ms: number): void; zvSetHidden(hidden: boolean): void };
    w.zvAdvance(10_000);
    window.scrollTo(0, 1_280); // (1280 + 720) / 4000 = 50 %
    window.dispatchEvent(new Event('scroll'));
    w.zvSetHidden(true); // heartbeat: 10 s engaged, 50 %
    w.zvAdvance(60_000); // hidden: not engaged
    w.zvSetHidden(false); // nothing new to say: no heartbeat
    w.zvAdvance(5_000);
    window.scrollTo(0, 0);
    history.pushState({}, '', '/read/next'); // heartbeat of /read (15 s), then the new pageview
    (window as unknown as { zvAdvance(ms: number): void }).zvAdvance(3_000);
  });
  const sent = (await page.evaluate(() => (window as unknown as { zvSent: Sent[] }).zvSent)).map((item) => ({
    via: item.via,
    path: new URL(item.url).pathname.replace(site.trackingCode, '{code}'),
    page: new URL(String(item.body.url)).pathname,
    engaged: item.body.engaged_ms,
    depth: item.body.scroll_depth,
  }));
  assert.deepEqual(sent, [
    { via: 'fetch', path: '/e/{code}', page: '/read', engaged: undefined, depth: undefined },
    { via: 'beacon', path: '/e/heartbeat/{code}', page: '/read', engaged: 10_000, depth: 50 },
    { via: 'beacon', path: '/e/heartbeat/{code}', page: '/read', engaged: 15_000, depth: 50 },
    { via: 'fetch', path: '/e/{code}', page: '/read/next', engaged: undefined, depth: undefined },
  ]);
  const [first, second] = (
    await page.evaluate(() => (window as unknown as { zvSent: Sent[] }).zvSent)
  ).filter((item) => item.via === 'beacon');
  assert.equal(first?.body.pageview_id, second?.body.pageview_id, 'one pageview, one key');

  // Leaving the page: pagehide sends the last heartbeat of /read/next by sendBeacon (3 s, 18 %).
  await page.goto(rig.siteUrl('/away'));
  let rows: Array<Record<string, unknown>> = [];
  for (let attempt = 0; attempt < 200 && rows.length < 2; attempt++) {
    rows = await engagement(site);
    if (rows.length < 2) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.deepEqual(rows, [
    { pathname: '/read', engaged_ms: 15_000, scroll_max: 50 },
    { pathname: '/read/next', engaged_ms: 3_000, scroll_max: 18 },
  ]);
  const events = await rig.waitForEvents(site, 2);
  assert.equal(events.length, 2, 'two pageviews; heartbeats are not events');
  assert.equal(new Set(events.map((row) => row.session_id)).size, 1);
  assert.deepEqual(tab.errors, []);
  await tab.close();
});

test('the default z.js sends no heartbeats', async () => {
  const site = await rig.addSite();
  rig.pages.set('/plain', html(rig.snippet(site) + tall, tallBody));
  const tab = await rig.newPage({ initScript: controls });
  await tab.page.goto(rig.siteUrl('/plain'));
  await trackerLoaded(tab.page);
  await tab.page.evaluate(() => {
    (window as unknown as { zvAdvance(ms: number): void }).zvAdvance(10_000);
    (window as unknown as { zvSetHidden(hidden: boolean): void }).zvSetHidden(true);
    history.pushState({}, '', '/plain/next');
  });
  const vias = await tab.page.evaluate(() =>
    (window as unknown as { zvSent: Sent[] }).zvSent.map((item) => item.via),
  );
  assert.deepEqual(vias, ['fetch', 'fetch']);
  await tab.close();
});

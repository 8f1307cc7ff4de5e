import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, assertApiOk, createKey } from './api-helpers.ts';
import {
  postEvent,
  postJson,
  startServerWithSite,
  storedEvents,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
let site: Site;

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
/** What the tracker sends on every request: the visit is the server's (zv:auto-session). */
const client = {
  session_id: 'zv:auto-session',
  device_type: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  user_agent: chrome,
};

before(async () => {
  ({ server, site } = await startServerWithSite({
    config: {
      // The loopback address is trusted as a proxy so each test can be its own client address.
      trustedProxyCidrs: ['127.0.0.1/32'],
      heartbeatLimits: [{ limit: 5, windowMs: 10_000 }],
      ingestLimits: [{ limit: 2, windowMs: 10_000 }],
    },
  }));
});

after(() => server.stop());

function beat(body: unknown, ip: string, headers: Record<string, string> = {}): Promise<TestResponse> {
  return postJson(`${server.url}/e/heartbeat/${site.trackingCode}`, body, {
    'x-forwarded-for': ip,
    ...headers,
  });
}

async function engagementRows(): Promise<Record<string, unknown>[]> {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT session_id, pageview_key, pathname, engaged_ms, scroll_max, last_ms FROM engagement WHERE site_id = $1 ORDER BY pageview_key',
      [site.id],
    );
    return reader.getRowObjectsJS().map((row) => ({
      ...row,
      engaged_ms: Number(row.engaged_ms),
      last_ms: Number(row.last_ms),
    }));
  } finally {
    connection.closeSync();
  }
}

test('heartbeats land on the visit of their pageview, fold per pageview, and never add events', async () => {
  server.clock.set(Date.parse('2026-03-10T12:00:00.000Z'));
  const pageview = await postEvent(
    server,
    site.trackingCode,
    { ...client, url: 'https://example.com/article' },
    { 'x-forwarded-for': '203.0.113.10' },
  );
  assert.equal(pageview.status, 202);
  const sessionId = pageview.body.session_id as string;
  assert.match(sessionId, /^zs_/);

  const body = { ...client, url: 'https://example.com/article?ref=x', pageview_id: 'pv-1' };
  server.clock.set(Date.parse('2026-03-10T12:00:15.000Z'));
  const first = await beat({ ...body, engaged_ms: 15_000, scroll_depth: 40 }, '203.0.113.10');
  assert.equal(first.status, 202);
  assert.deepEqual(first.body, { ok: true });
  server.clock.set(Date.parse('2026-03-10T12:04:00.000Z'));
  assert.equal((await beat({ ...body, engaged_ms: 200_000, scroll_depth: 85 }, '203.0.113.10')).status, 202);
  // The same heartbeat again (a retry), later: neither time nor depth grows.
  server.clock.set(Date.parse('2026-03-10T12:04:01.000Z'));
  assert.equal((await beat({ ...body, engaged_ms: 200_000, scroll_depth: 85 }, '203.0.113.10')).status, 202);
  // An older heartbeat arriving late does not lower anything.
  assert.equal((await beat({ ...body, engaged_ms: 15_000, scroll_depth: 40 }, '203.0.113.10')).status, 202);

  assert.deepEqual(await engagementRows(), [
    {
      session_id: sessionId,
      pageview_key: 'pv-1',
      pathname: '/article',
      engaged_ms: 200_000,
      scroll_max: 85,
      last_ms: Date.parse('2026-03-10T12:04:01.000Z'),
    },
  ]);
  const events = (await storedEvents(server, site.id)).filter((row) => row.session_id === sessionId);
  assert.equal(events.length, 1, 'the pageview only: heartbeats are not events');
});

test('an invalid heartbeat is refused with every offending field listed', async () => {
  const response = await beat(
    { session_id: 'short', url: 'ftp://example.com/', engaged_ms: -1, scroll_depth: 101, pageview_id: 7 },
    '203.0.113.20',
  );
  assert.equal(response.status, 400);
  assert.equal(response.body.error.code, 'VALIDATION_ERROR');
  assert.deepEqual(
    (response.body.error.fields as Array<{ field: string }>).map((item) => item.field).sort(),
    ['engaged_ms', 'pageview_id', 'scroll_depth', 'session_id', 'url', 'user_agent'],
  );
});

test('heartbeats follow the ingest rules: tracking code, Origin, bot filter', async () => {
  const body = { ...client, url: 'https://example.com/', pageview_id: 'pv-2', engaged_ms: 1 };
  const unknown = await postJson(`${server.url}/e/heartbeat/nope`, body, {
    'x-forwarded-for': '203.0.113.30',
  });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'UNKNOWN_TRACKING_CODE');
  const foreign = await beat(body, '203.0.113.31', { origin: 'https://elsewhere.example' });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.body.error.code, 'ORIGIN_NOT_ALLOWED');
  const bot = await beat({ ...body, user_agent: 'curl/8.5.0' }, '203.0.113.32');
  assert.equal(bot.status, 403);
  assert.equal(bot.body.error.code, 'BOT_DETECTED');
  const get = await fetch(`${server.url}/e/heartbeat/${site.trackingCode}`);
  assert.equal(get.status, 405);
});

test('heartbeats spend their own per-address budget, not the event limit', async () => {
  server.clock.set(Date.parse('2026-03-10T13:00:00.000Z'));
  const ip = '203.0.113.40';
  const body = { ...client, url: 'https://example.com/', pageview_id: 'pv-3', engaged_ms: 1 };
  for (let i = 0; i < 5; i++) assert.equal((await beat({ ...body, engaged_ms: i }, ip)).status, 202);
  const flood = await beat(body, ip);
  assert.equal(flood.status, 429);
  assert.equal(flood.body.error.code, 'RATE_LIMIT_EXCEEDED');
  // The event budget (2 per 10 s here) is untouched by the five heartbeats.
  for (let i = 0; i < 2; i++) {
    const event = await postEvent(
      server,
      site.trackingCode,
      { ...client, url: 'https://example.com/' },
      {
        'x-forwarded-for': ip,
      },
    );
    assert.equal(event.status, 202);
  }
});

test('the REST top pages show time on page and scroll depth from the heartbeats', async () => {
  const key = await createKey(server, { siteId: site.id });
  const data = assertApiOk(await apiGet(server, `/analytics/${site.id}/pages?range=7d`, key));
  // The first test's /article: one pageview, engaged 200 s, deepest scroll 85 %.
  assert.deepEqual(
    (data.pages as Array<{ page: string }>).find((row) => row.page === '/article'),
    { page: '/article', visitors: 1, pageviews: 1, time_on_page: 200, scroll_depth: 85 },
  );
});

test("deleting the site deletes its pageviews' engagement too", async () => {
  await server.runtime.eventsLoaded();
  assert.ok((await engagementRows()).length > 0);
  assert.equal(await server.runtime.metadata.deleteSite(site.id), true);
  assert.deepEqual(await engagementRows(), []);
});

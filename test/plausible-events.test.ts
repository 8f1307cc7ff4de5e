/**
 * POST /api/event: Plausible's Events API, as its tracker script and server libraries post it,
 * through our pipeline (validation, bot filter, geo, visits, durable write) with our refusal
 * codes; then read back through POST /api/v2/query, the way a Plausible user would.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { createKey } from './api-helpers.ts';
import { plausibleQuery, rows } from './plausible-client.ts';
import {
  postEvent,
  readTestResponse,
  startTestServer,
  stopAndRemove,
  storedEvents,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

const chromeOnWindows =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const safariOnIphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let server: TestServer;
let site: Site;

before(async () => {
  server = await startTestServer();
  site = await server.runtime.sites.add('dummy.site');
});
after(() => stopAndRemove(server));

async function postPlausible(
  target: TestServer,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const response = await fetch(`${target.url}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': chromeOnWindows, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readTestResponse(response);
}

async function rowsWhere(target: TestServer, siteId: string, pathname: string) {
  return (await storedEvents(target, siteId)).filter((row) => row.pathname === pathname);
}

test("a server library's pageview (long keys, JSON) is stored as a pageview", async () => {
  server.clock.set(Date.parse('2026-03-10T09:00:00Z'));
  const response = await postPlausible(server, {
    name: 'pageview',
    url: 'https://dummy.site/pricing?ref=mail',
    domain: 'dummy.site',
    referrer: 'https://www.google.com/',
    props: { author: 'Jane', empty: '' },
  });
  assert.equal(response.status, 202);
  assert.equal(response.body, 'ok');
  const [row] = await rowsWhere(server, site.id, '/pricing');
  assert.ok(row);
  assert.equal(row.event_type, 'pageview');
  assert.equal(row.hostname, 'dummy.site');
  assert.equal(row.referrer, 'https://www.google.com/');
  assert.equal(row.browser, 'Chrome');
  assert.equal(row.os, 'Windows');
  assert.equal(row.device_type, 'desktop');
  // Plausible drops blank property values.
  assert.deepEqual(row.prop_keys, ['author']);
  assert.deepEqual(row.prop_values, ['Jane']);
});

test("the tracker script's form (text/plain, short keys, props and revenue) is a custom event", async () => {
  server.clock.set(Date.parse('2026-03-10T09:01:00Z'));
  const response = await postPlausible(
    server,
    {
      n: 'Purchase',
      u: 'https://dummy.site/checkout',
      d: 'dummy.site',
      r: null,
      p: JSON.stringify({ plan: 'pro' }),
      $: { amount: '19.90', currency: 'EUR' },
      i: true,
    },
    { 'content-type': 'text/plain', 'user-agent': safariOnIphone },
  );
  assert.equal(response.status, 202, JSON.stringify(response.body));
  const [row] = await rowsWhere(server, site.id, '/checkout');
  assert.ok(row);
  assert.equal(row.event_type, 'custom');
  assert.equal(row.event_name, 'Purchase');
  assert.deepEqual(row.prop_values, ['pro']);
  assert.equal(Number(row.revenue_e4), 199_000);
  assert.equal(row.revenue_currency, 'EUR');
  assert.equal(row.device_type, 'mobile');
  assert.equal(row.os, 'iOS');
  assert.equal(row.browser, 'Safari');
});

test('two pageviews of one visitor are one visit, read back through /api/v2/query', async () => {
  const visitor = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  for (const [at, path] of [
    ['2026-03-10T10:00:00Z', '/a'],
    ['2026-03-10T10:00:30Z', '/b'],
  ] as const) {
    server.clock.set(Date.parse(at));
    const sent = await postPlausible(
      server,
      { name: 'pageview', url: `https://dummy.site${path}`, domain: 'dummy.site' },
      { 'user-agent': visitor },
    );
    assert.equal(sent.status, 202);
  }
  await server.runtime.eventsLoaded();
  server.clock.set(Date.parse('2026-03-10T12:00:00Z'));
  const key = await createKey(server);
  const reply = await plausibleQuery(server.url, key, {
    site_id: 'dummy.site',
    metrics: ['visitors', 'visits', 'pageviews', 'visit_duration'],
    date_range: ['2026-03-10T10:00:00Z', '2026-03-10T10:59:59Z'],
  });
  assert.deepEqual(rows(reply), [[1, 1, 2, 30]]);
});

test('refusals: unknown domain, no name, no domain, a bad url, a bot, not an object', async () => {
  const unknown = await postPlausible(server, {
    name: 'pageview',
    url: 'https://x.example/',
    domain: 'x.example',
  });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'UNKNOWN_DOMAIN');
  assert.ok(unknown.body.error.includes('"x.example"'), unknown.body.error);
  const noName = await postPlausible(server, { url: 'https://dummy.site/', domain: 'dummy.site' });
  assert.equal(noName.status, 400);
  assert.equal(noName.body.code, 'VALIDATION_ERROR');
  assert.ok(noName.body.error.startsWith('name'), noName.body.error);
  const noDomain = await postPlausible(server, { name: 'pageview', url: 'https://dummy.site/' });
  assert.equal(noDomain.status, 400);
  assert.ok(noDomain.body.error.startsWith('domain'), noDomain.body.error);
  const badUrl = await postPlausible(server, { name: 'pageview', url: 'not a url', domain: 'dummy.site' });
  assert.equal(badUrl.status, 400);
  assert.ok(badUrl.body.error.includes('url'), badUrl.body.error);
  const bot = await postPlausible(
    server,
    { name: 'pageview', url: 'https://dummy.site/bot', domain: 'dummy.site' },
    { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  );
  assert.equal(bot.status, 403);
  assert.equal(bot.body.code, 'BOT_DETECTED');
  const notObject = await postPlausible(server, '[]');
  assert.equal(notObject.status, 400);
  assert.equal(notObject.body.code, 'NOT_AN_OBJECT');
  assert.deepEqual(await rowsWhere(server, site.id, '/bot'), []);
});

test('CORS: the preflight and every answer are readable from any page', async () => {
  const preflight = await fetch(`${server.url}/api/event`, {
    method: 'OPTIONS',
    headers: { origin: 'https://dummy.site', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  const refused = await postPlausible(server, {
    name: 'pageview',
    url: 'https://x.example/',
    domain: 'x.example',
  });
  assert.equal(refused.headers.get('access-control-allow-origin'), '*');
});

test("the visitor's address: X-Forwarded-For only from a trusted proxy, never stored", async () => {
  const body = { name: 'pageview', url: 'https://dummy.site/geo', domain: 'dummy.site' };
  // Not trusted: the header is anyone's to set, so the connection's address (loopback: no country) counts.
  server.clock.set(Date.parse('2026-03-10T11:00:00Z'));
  assert.equal((await postPlausible(server, body, { 'x-forwarded-for': '8.8.8.8' })).status, 202);
  const [untrusted] = await rowsWhere(server, site.id, '/geo');
  assert.equal(untrusted?.country, '');

  const proxied = await startTestServer({ config: { trustedProxyCidrs: ['127.0.0.1/32'] } });
  try {
    const proxiedSite = await proxied.runtime.sites.add('dummy.site');
    assert.equal((await postPlausible(proxied, body, { 'x-forwarded-for': '8.8.8.8' })).status, 202);
    const [row] = await rowsWhere(proxied, proxiedSite.id, '/geo');
    assert.equal(row?.country, 'US');
    const stored = JSON.stringify(await storedEvents(proxied, proxiedSite.id), (_k, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    assert.ok(!stored.includes('8.8.8.8') && !stored.includes('127.0.0.1'), 'no raw address is stored');
  } finally {
    await stopAndRemove(proxied);
  }
});

test("the script's engagement events are acknowledged and not stored (they would end every bounce)", async () => {
  server.clock.set(Date.parse('2026-03-10T11:30:00Z'));
  const response = await postPlausible(
    server,
    { n: 'engagement', u: 'https://dummy.site/read', d: 'dummy.site', sd: 80, e: 12_000 },
    { 'content-type': 'text/plain' },
  );
  assert.equal(response.status, 202);
  assert.equal(response.body, 'ok');
  assert.equal(response.headers.get('x-zenovay-dropped'), 'engagement');
  assert.deepEqual(await rowsWhere(server, site.id, '/read'), []);
});

test("a page of another site may not send this site's events", async () => {
  const body = { name: 'pageview', url: 'https://dummy.site/origin', domain: 'dummy.site' };
  const foreign = await postPlausible(server, body, { origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.body.code, 'ORIGIN_NOT_ALLOWED');
  assert.deepEqual(await rowsWhere(server, site.id, '/origin'), []);
  server.clock.set(Date.parse('2026-03-10T11:40:00Z'));
  const own = await postPlausible(server, body, { origin: 'https://www.dummy.site' });
  assert.equal(own.status, 202);
});

test('one per-address budget for /e/{code} and /api/event: over it, 429 with Retry-After', async () => {
  const limited = await startTestServer({
    config: {
      ingestLimits: [
        { limit: 2, windowMs: 10_000 },
        { limit: 1_000, windowMs: 3_600_000 },
      ],
    },
  });
  try {
    const limitedSite = await limited.runtime.sites.add('dummy.site');
    const ours = await postEvent(limited, limitedSite.trackingCode, {
      url: 'https://dummy.site/one',
      session_id: 'budget-visit-1',
      device_type: 'desktop',
      browser: 'Firefox',
      os: 'Linux',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    });
    assert.equal(ours.status, 202, JSON.stringify(ours.body));
    const body = { name: 'pageview', url: 'https://dummy.site/two', domain: 'dummy.site' };
    assert.equal((await postPlausible(limited, body)).status, 202);
    const over = await postPlausible(limited, body);
    assert.equal(over.status, 429);
    assert.equal(over.body.code, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(over.headers.get('retry-after')) >= 1);
  } finally {
    await stopAndRemove(limited);
  }
});

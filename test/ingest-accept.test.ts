import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { utcDay } from '../packages/server/src/clock.ts';
import { visitorHash } from '../packages/server/src/ingest/visitor-id.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { curlPageview, curlPurchase } from './support/spec-examples.ts';
import {
  postEvent,
  serverDefaults,
  startServerWithSite,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
let site: Site;

before(async () => {
  // The loopback address is trusted as a proxy so one event can carry a public client address.
  ({ server, site } = await startServerWithSite({ config: { trustedProxyCidrs: ['127.0.0.1/32'] } }));
});

after(() => server.stop());

/** The one stored row whose session id is `sessionId`. */
async function rowOf(sessionId: string): Promise<Record<string, unknown>> {
  const rows = (await storedEvents(server, site.id)).filter((row) => row.session_id === sessionId);
  assert.equal(rows.length, 1, `exactly one stored row for session ${sessionId}`);
  return rows[0]!;
}

test('GET /healthz answers 200', async () => {
  const response = await fetch(`${server.url}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { status: string }).status, 'ok');
});

test("the spec's custom purchase event is accepted and stored field by field", async () => {
  server.clock.set(Date.parse('2026-03-10T12:00:01.250Z'));
  const body = { ...curlPurchase, session_id: 'srv-purchase-01', event_id: 'order-ORD-12345' };
  const response = await postEvent(server, site.trackingCode, body, { 'x-forwarded-for': '8.8.8.8' });
  assert.equal(response.status, 202);
  assert.deepEqual(response.body, { ok: true, duplicate: false });

  const row = await rowOf('srv-purchase-01');
  const salt = await server.runtime.metadata.saltForDay(utcDay(server.clock.now()), () => {
    throw new Error('the salt of the day must already exist');
  });
  assert.deepEqual(row, {
    ts: '2026-03-10T12:00:01.250000Z',
    site_id: site.id,
    event_type: 'custom',
    event_name: 'purchase',
    hostname: 'example.com',
    pathname: '/checkout/success',
    query: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    referrer: 'https://example.com/cart',
    referrer_host: 'example.com',
    session_id: 'srv-purchase-01',
    // No visitor_id was sent: the daily-salted hash of site, client address and user agent.
    visitor_id: visitorHash(salt, site.id, '8.8.8.8', 'MyApp-Server/1.0'),
    device_type: 'server',
    browser: 'server',
    os: 'Linux',
    country: 'US',
    region: 'California',
    city: 'Mountain View',
    prop_keys: ['order_id', 'value', 'currency'],
    prop_values: ['ORD-12345', '99.99', 'USD'],
    event_id: 'order-ORD-12345',
    // The contract's properties.value + currency become exact revenue: 99.99 USD in ten-thousandths.
    revenue_e4: 999900n,
    revenue_currency: 'USD',
    // No `interactive: false` was sent: the event ends a bounce like any custom event.
    interactive: true,
  });
});

test("the spec's pageview is accepted and stored field by field", async () => {
  server.clock.set(Date.parse('2026-03-10T12:00:02Z'));
  const body = { ...curlPageview, session_id: 'srv-pageview-01' };
  const response = await postEvent(server, site.trackingCode, body);
  assert.equal(response.status, 202);
  assert.deepEqual(response.body, { ok: true, duplicate: false });

  const row = await rowOf('srv-pageview-01');
  assert.equal(row.ts, '2026-03-10T12:00:02.000000Z');
  assert.equal(row.event_type, 'pageview');
  assert.equal(row.event_name, 'pageview');
  assert.equal(row.hostname, 'example.com');
  assert.equal(row.pathname, '/products/widget');
  assert.equal(row.referrer, 'https://google.com/search');
  assert.equal(row.referrer_host, 'google.com');
  assert.equal(row.country, '', 'a loopback client has an unknown location');
  assert.equal(row.region, '');
  assert.equal(row.city, '');
  assert.deepEqual(row.prop_keys, []);
  assert.deepEqual(row.prop_values, []);
  assert.equal(row.event_id, '');
  assert.match(String(row.visitor_id), /^[A-Za-z0-9_-]{22}$/);
});

test('utm_* parameters and the query are taken from the page URL; www. is dropped from the referrer host', async () => {
  const url =
    'https://shop.example.com/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero&x=1';
  const body = {
    ...serverDefaults,
    url,
    referrer: 'https://www.google.com/search?q=shoes',
    session_id: 'srv-utm-0001',
  };
  assert.equal((await postEvent(server, site.trackingCode, body)).status, 202);
  const row = await rowOf('srv-utm-0001');
  assert.equal(row.hostname, 'shop.example.com');
  assert.equal(row.pathname, '/landing');
  assert.equal(
    row.query,
    'utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero&x=1',
  );
  assert.equal(row.utm_source, 'newsletter');
  assert.equal(row.utm_medium, 'email');
  assert.equal(row.utm_campaign, 'spring sale');
  assert.equal(row.utm_term, 'shoes');
  assert.equal(row.utm_content, 'hero');
  assert.equal(row.referrer_host, 'google.com');
});

test("a sender's visitor_id is stored as given; without one the hash is stable within the day", async () => {
  const given = { ...curlPageview, session_id: 'srv-visitor-01', visitor_id: 'customer-42-abc' };
  assert.equal((await postEvent(server, site.trackingCode, given)).status, 202);
  assert.equal((await rowOf('srv-visitor-01')).visitor_id, 'customer-42-abc');

  for (const sessionId of ['srv-hash-0001', 'srv-hash-0002']) {
    const body = { ...curlPageview, session_id: sessionId };
    assert.equal((await postEvent(server, site.trackingCode, body)).status, 202);
  }
  const first = await rowOf('srv-hash-0001');
  const second = await rowOf('srv-hash-0002');
  assert.equal(first.visitor_id, second.visitor_id, 'same site, address, agent and day: same visitor');
  assert.notEqual(first.visitor_id, 'customer-42-abc');
});

test('bodies sent as text/plain (browser beacons) are accepted like JSON', async () => {
  for (const [contentType, sessionId] of [
    ['text/plain', 'srv-beacon-01'],
    ['text/plain;charset=UTF-8', 'srv-beacon-02'],
    ['application/json; charset=utf-8', 'srv-beacon-03'],
  ] as const) {
    const body = { ...curlPageview, session_id: sessionId };
    const response = await postEvent(server, site.trackingCode, body, { 'content-type': contentType });
    assert.equal(response.status, 202, contentType);
    assert.deepEqual(response.body, { ok: true, duplicate: false });
    assert.equal((await rowOf(sessionId)).pathname, '/products/widget');
  }
});

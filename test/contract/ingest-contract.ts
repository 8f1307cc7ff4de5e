/**
 * The ingest contract (spec/server-side-tracking.txt), written once and run against every mode
 * (test/scale-contract.test.ts): what a client sees and what ends up stored must not depend on
 * where events, sites and limits live. Stored rows are read through the runtime's EventReader.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { utcDay } from '../../packages/server/src/clock.ts';
import { visitorHash } from '../../packages/server/src/ingest/visitor-id.ts';
import { postEventFrom, requestFrom } from '../support/http-from.ts';
import { assertRefusal } from '../support/refusal-assert.ts';
import { curlPageview, curlPurchase } from '../support/spec-examples.ts';
import { addSite, postEvent, serverDefaults, type TestServer } from '../support/test-server.ts';
import type { StartServer } from './servers.ts';
import { settledRows } from './stored.ts';

export function ingestContract(start: StartServer): void {
  let server: TestServer;
  const valid = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-contract-01' };

  before(async () => {
    // Loopback is a trusted proxy, so one event can carry a public client address.
    server = await start({ config: { trustedProxyCidrs: ['127.0.0.1/32'] } });
  });
  after(() => server.stop());

  test("the spec's two curl bodies are accepted and stored field by field", async () => {
    const site = await addSite(server, 'example.com');
    server.clock.set(Date.parse('2026-03-10T12:00:01.250Z'));
    const purchase = { ...curlPurchase, event_id: 'order-ORD-12345' };
    const first = await postEvent(server, site.trackingCode, purchase, { 'x-forwarded-for': '8.8.8.8' });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.deepEqual(first.body, { ok: true, duplicate: false });
    server.clock.set(Date.parse('2026-03-10T12:00:02Z'));
    const second = await postEvent(server, site.trackingCode, curlPageview);
    assert.deepEqual([second.status, second.body], [202, { ok: true, duplicate: false }]);

    const rows = await settledRows(server, site.id, 2);
    const salt = await server.runtime.metadata.saltForDay(utcDay(server.clock.now()), () => {
      throw new Error('the salt of the day must already exist');
    });
    const session = { session_id: 'srv-9f2a7c41bd', device_type: 'server', browser: 'server', os: 'Linux' };
    const noUtm = {
      query: '',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      utm_term: '',
      utm_content: '',
    };
    assert.deepEqual(rows, [
      {
        ts: '2026-03-10T12:00:01.250Z',
        event_type: 'custom',
        event_name: 'purchase',
        hostname: 'example.com',
        pathname: '/checkout/success',
        ...noUtm,
        referrer: 'https://example.com/cart',
        referrer_host: 'example.com',
        ...session,
        // No visitor_id was sent: the daily-salted hash of site, client address and user agent.
        visitor_id: visitorHash(salt, site.id, '8.8.8.8', 'MyApp-Server/1.0'),
        country: 'US',
        region: 'California',
        city: 'Mountain View',
        prop_keys: ['order_id', 'value', 'currency'],
        prop_values: ['ORD-12345', '99.99', 'USD'],
        event_id: 'order-ORD-12345',
      },
      {
        ts: '2026-03-10T12:00:02.000Z',
        event_type: 'pageview',
        event_name: 'pageview',
        hostname: 'example.com',
        pathname: '/products/widget',
        ...noUtm,
        referrer: 'https://google.com/search',
        referrer_host: 'google.com',
        ...session,
        visitor_id: visitorHash(salt, site.id, '127.0.0.1', 'MyApp-Server/1.0'),
        country: '', // a loopback client has an unknown location
        region: '',
        city: '',
        prop_keys: [],
        prop_values: [],
        event_id: '',
      },
    ]);
  });

  test('every refusal code, in the one error shape; nothing refused is stored', async () => {
    const site = await addSite(server, 'refusals.example');
    const post = (body: unknown, headers?: Record<string, string>) =>
      postEvent(server, site.trackingCode, body, headers);
    assertRefusal(await post('{"url": "https://refusals.example/"'), 'INVALID_JSON');
    assertRefusal(await post('[]'), 'NOT_AN_OBJECT');
    const fields = assertRefusal(
      await post({ ...valid, session_id: undefined, url: 'nope' }),
      'VALIDATION_ERROR',
    );
    assert.deepEqual(fields.map((item) => item.field).sort(), ['session_id', 'url']);
    assertRefusal(await post({ ...valid, user_agent: 'curl/8.5.0' }), 'BOT_DETECTED');
    assertRefusal(await post(JSON.stringify({ ...valid, pad: 'x'.repeat(33 * 1024) })), 'PAYLOAD_TOO_LARGE');
    assertRefusal(
      await post(JSON.stringify(valid), { 'content-type': 'application/x-www-form-urlencoded' }),
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assertRefusal(await postEvent(server, 'ZV_doesNotExist000000000', valid), 'UNKNOWN_TRACKING_CODE');
    assertRefusal(await post(valid, { origin: 'https://evil.example' }), 'ORIGIN_NOT_ALLOWED');
    const get = await fetch(`${server.url}/e/${site.trackingCode}`);
    assertRefusal({ status: get.status, body: await get.json() }, 'METHOD_NOT_ALLOWED');
    const other = await addSite(server, 'other-refusals.example');
    const otherKey = (await server.runtime.proxyKeys.create({ siteId: other.id })).key;
    assertRefusal(await post(valid, { 'x-zenovay-proxy-key': otherKey }), 'INVALID_PROXY_KEY');
    const key = (await server.runtime.proxyKeys.create({ siteId: site.id })).key;
    const noVisitor = await requestFrom(server, {
      path: `/e/${site.trackingCode}`,
      body: JSON.stringify(valid),
      headers: { 'content-type': 'application/json', 'x-zenovay-proxy-key': key },
      localAddress: '127.0.0.1',
    });
    assertRefusal(noVisitor, 'INVALID_FORWARDED_FOR');

    // One event accepted after them all: once it is stored, nothing else can still arrive.
    assert.equal((await post({ ...valid, session_id: 'srv-after-refusals' })).status, 202);
    const rows = await settledRows(server, site.id, 1);
    assert.deepEqual(
      rows.map((row) => row.session_id),
      ['srv-after-refusals'],
    );
  });

  test('duplicates by event_id: the repeat is a 2xx duplicate, stored once; another site is separate', async () => {
    const site = await addSite(server, 'dupes.example');
    const other = await addSite(server, 'dupes-other.example');
    const body = { ...valid, event_id: 'evt-contract-dup' };
    const first = await postEvent(server, site.trackingCode, body);
    const again = await postEvent(server, site.trackingCode, { ...body, url: 'https://dupes.example/x' });
    assert.deepEqual([first.status, first.body], [202, { ok: true, duplicate: false }]);
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.deepEqual(again.body, { ok: true, duplicate: true });
    const elsewhere = await postEvent(server, other.trackingCode, body);
    assert.deepEqual(elsewhere.body, { ok: true, duplicate: false });

    // A later unique event marks the point by which the copy would have been stored too.
    assert.equal(
      (await postEvent(server, site.trackingCode, { ...valid, event_id: 'evt-later' })).status,
      202,
    );
    const rows = await settledRows(server, site.id, 2);
    assert.deepEqual(rows.map((row) => [row.event_id, row.pathname]).sort(), [
      ['evt-contract-dup', '/'],
      ['evt-later', '/'],
    ]);
    assert.equal((await settledRows(server, other.id, 1)).length, 1);
  });

  test('rate limit: 60 requests in 10 s from one address pass, the 61st gets 429', async () => {
    const site = await addSite(server, 'limits.example');
    const from = '127.0.0.23';
    const start = server.clock.now();
    for (let i = 0; i < 60; i++) {
      const response = await postEventFrom(server, site.trackingCode, valid, from);
      assert.equal(response.status, 202, `request ${i + 1}: ${response.text}`);
      server.clock.advance(100);
    }
    const refused = await postEventFrom(server, site.trackingCode, valid, from);
    assertRefusal(refused, 'RATE_LIMIT_EXCEEDED');
    assert.equal(refused.headers['retry-after'], '4');
    assert.equal((await postEventFrom(server, site.trackingCode, valid, '127.0.0.24')).status, 202);
    server.clock.set(start + 10_000);
    assert.equal((await postEventFrom(server, site.trackingCode, valid, from)).status, 202);
  });
}

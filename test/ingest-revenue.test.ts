/**
 * Revenue through the real ingest endpoints (POST /e/{code} and the batch endpoint): stored
 * exactly with its source currency, refused with the offending fields when invalid, never dropped
 * or rounded; `user_id` becomes a per-site visitor id and is not stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import { curlPurchase } from './support/spec-examples.ts';
import {
  addSite,
  postEvent,
  postJson,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

const custom = (extra: Record<string, unknown>) => ({
  ...serverDefaults,
  url: 'https://example.com/checkout/success',
  session_id: 'srv-revenue-0001',
  event_type: 'custom',
  event_name: 'purchase',
  ...extra,
});

/** The stored revenue columns and properties of a site's events, oldest first. */
async function storedRevenue(site: Site) {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT CAST(revenue_e4 AS VARCHAR) AS e4, revenue_currency AS currency, prop_keys, prop_values, visitor_id
       FROM events WHERE site_id = $1 ORDER BY ts, rowid`,
      [site.id],
    );
    return reader.getRowObjectsJS().map((row) => ({
      e4: String(row.e4),
      currency: String(row.currency),
      props: Object.fromEntries(
        (row.prop_keys as string[]).map((key, i) => [key, (row.prop_values as string[])[i]]),
      ),
      visitor: String(row.visitor_id),
    }));
  } finally {
    connection.closeSync();
  }
}

test("the contract's purchase example, sent unchanged, is 99.99 USD", async () => {
  const site = await addSite(server, 'shop-one.example');
  const response = await postEvent(server, site.trackingCode, curlPurchase);
  assert.deepEqual([response.status, response.body], [202, { ok: true, duplicate: false }]);
  const [row] = await storedRevenue(site);
  assert.equal(row?.e4, '999900');
  assert.equal(row?.currency, 'USD');
  assert.deepEqual(row?.props, { order_id: 'ORD-12345', value: '99.99', currency: 'USD' });
});

test('top-level revenue: decimal strings exact, currency normalised, properties untouched', async () => {
  const site = await addSite(server, 'shop-two.example');
  const bodies = [
    custom({ revenue: { amount: '1234.5678', currency: 'eur' } }),
    custom({ revenue: { amount: 0, currency: 'JPY' } }),
    // The contract's form with a lower-case code: one `EUR` row in a breakdown by currency.
    custom({ properties: { value: '19.90', currency: 'eur' } }),
  ];
  for (const body of bodies) {
    const response = await postEvent(server, site.trackingCode, body);
    assert.equal(response.status, 202, JSON.stringify(response.body));
  }
  const rows = await storedRevenue(site);
  assert.deepEqual(
    rows.map((r) => [r.e4, r.currency, r.props]),
    [
      ['12345678', 'EUR', {}],
      ['0', 'JPY', {}],
      ['199000', 'EUR', { value: '19.90', currency: 'EUR' }],
    ],
  );
});

test('invalid revenue is refused with every offending field and nothing is stored', async () => {
  const site = await addSite(server, 'shop-three.example');
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ revenue: { amount: 10, currency: 'XYZ' } }, ['revenue.currency']],
    [{ revenue: { amount: -5, currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: 'ten', currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: '1.23456', currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: 1e15, currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: 'NaN', currency: 'usd!' } }, ['revenue.amount', 'revenue.currency']],
    [{ revenue: [10, 'USD'] }, ['revenue']],
    [{ properties: { value: 'lots', currency: 'USD' } }, ['properties.value']],
  ];
  for (const [extra, fields] of cases) {
    const response = await postEvent(server, site.trackingCode, custom(extra));
    const refused = assertRefusal(response, 'VALIDATION_ERROR');
    assert.deepEqual(refused.map((f) => f.field).sort(), fields, JSON.stringify(extra));
  }
  assert.deepEqual(await storedRevenue(site), []);
});

test('batch ingest takes revenue per event and refuses bad revenue per event', async () => {
  const site = await addSite(server, 'shop-four.example');
  const key = (
    await new ApiKeyService(server.runtime.metadata, server.clock).create({
      siteId: site.id,
      permissions: ['ingest'],
    })
  ).key;
  const response = await postJson(
    `${server.url}/api/v1/events`,
    {
      tracking_code: site.trackingCode,
      events: [
        custom({ event_id: 'order-1', revenue: { amount: 42.5, currency: 'GBP' } }),
        custom({ event_id: 'order-2', revenue: { amount: 1, currency: 'GBPX' } }),
      ],
    },
    { 'x-api-key': key },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(
    response.body.results.map((r: { ok: boolean; code: string | null }) => [r.ok, r.code]),
    [
      [true, null],
      [false, 'VALIDATION_ERROR'],
    ],
  );
  assert.deepEqual(
    (await storedRevenue(site)).map((r) => [r.e4, r.currency]),
    [['425000', 'GBP']],
  );
});

test('user_id identifies the person per site, hashed; the raw id is stored nowhere', async () => {
  const one = await addSite(server, 'ident-one.example');
  const two = await addSite(server, 'ident-two.example');
  const body = custom({ user_id: 'customer-8841@example.org', event_name: 'login' });
  for (const site of [one, one, two]) {
    assert.equal((await postEvent(server, site.trackingCode, body)).status, 202);
  }
  const [a, b] = await storedRevenue(one);
  const [c] = await storedRevenue(two);
  assert.match(a?.visitor ?? '', /^u_[A-Za-z0-9_-]{22}$/);
  assert.equal(a?.visitor, b?.visitor);
  assert.notEqual(a?.visitor, c?.visitor);
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  const found = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM events WHERE list_contains(prop_values, 'customer-8841@example.org')
       OR visitor_id LIKE '%customer-8841%' OR session_id LIKE '%customer-8841%'`,
  );
  connection.closeSync();
  assert.equal(Number(found.getRowObjectsJS()[0]?.n), 0);
  const refused = assertRefusal(
    await postEvent(server, one.trackingCode, custom({ user_id: 'x'.repeat(257) })),
    'VALIDATION_ERROR',
  );
  assert.deepEqual(
    refused.map((f) => f.field),
    ['user_id'],
  );
});

test("a backend's purchase sent with the browser's visit id counts as the browser's visitor", async () => {
  const site = await addSite(server, 'hybrid.example');
  const browser = {
    url: 'https://hybrid.example/pricing',
    referrer: 'https://news.example/story',
    session_id: 'zv:auto-session',
    device_type: 'desktop',
    browser: 'Firefox',
    os: 'Linux',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  };
  const pageview = await postEvent(server, site.trackingCode, browser);
  assert.equal(pageview.status, 202);
  const visit = String(pageview.body.session_id);
  assert.match(visit, /^zs_/);
  server.clock.advance(45 * 60_000); // the payment webhook arrives after the visit went idle
  const purchase = await postEvent(
    server,
    site.trackingCode,
    custom({ session_id: visit, revenue: { amount: 25, currency: 'EUR' } }),
  );
  assert.equal(purchase.status, 202);
  const rows = await storedRevenue(site);
  assert.equal(rows.length, 2);
  assert.equal(rows[1]?.visitor, rows[0]?.visitor);
});

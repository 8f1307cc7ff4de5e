/**
 * Revenue end to end on the embedded store: the ECB fixture imported as an operator would, a
 * revenue goal in USD added over the REST API after the purchases, purchases sent in EUR (a working
 * day and a Saturday), USD and CHF (no rate) to POST /e/{code}, then the stats query over REST.
 * Rates in test/fixtures/fx/eurofxref-hist.csv: USD 1.0876 per EUR on Fri 2026-03-06 (carried to
 * Sat 03-07), 1.0901 on Mon 03-09; the file has no CHF.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { importEcbRates } from '../packages/server/src/fx/fx-import.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, createKey } from './api-helpers.ts';
import {
  addSite,
  postEvent,
  postJson,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
let site: Site;
let key: string;

const purchase = (at: string, session: string, revenue: { amount: string | number; currency: string }) => ({
  at,
  body: {
    ...serverDefaults,
    url: 'https://shop.example/checkout/success',
    session_id: session,
    event_type: 'custom',
    event_name: 'purchase',
    revenue,
  },
});

before(async () => {
  server = await startTestServer();
  site = await addSite(server, 'shop.example');
  key = await createKey(server, { permissions: ['read', 'write'] });
  await importEcbRates(server.runtime.fx, fs.readFileSync('test/fixtures/fx/eurofxref-hist.csv', 'utf8'));
  const sends = [
    {
      at: '2026-03-06T09:00:00Z',
      body: {
        ...serverDefaults,
        url: 'https://shop.example/',
        session_id: 'srv-visit-0001',
        referrer: 'https://www.google.com/',
      },
    },
    purchase('2026-03-06T09:05:00Z', 'srv-visit-0001', { amount: '50.00', currency: 'EUR' }),
    {
      at: '2026-03-07T10:00:00Z',
      body: { ...serverDefaults, url: 'https://shop.example/', session_id: 'srv-visit-0002' },
    },
    purchase('2026-03-07T10:02:00Z', 'srv-visit-0002', { amount: 20, currency: 'eur' }),
    purchase('2026-03-06T11:00:00Z', 'srv-visit-0003', { amount: '30', currency: 'CHF' }),
    purchase('2026-03-09T08:00:00Z', 'srv-visit-0004', { amount: '10.00', currency: 'USD' }),
  ];
  for (const send of sends) {
    server.clock.set(Date.parse(send.at));
    const response = await postEvent(server, site.trackingCode, send.body);
    assert.equal(response.status, 202, JSON.stringify(response.body));
  }
  server.clock.set(Date.parse('2026-03-10T12:00:00Z'));
  // The goal comes after its conversions: goals are views over events.
  const created = await postJson(
    `${server.url}${apiBase}/websites/${site.id}/goals`,
    { type: 'event', name: 'Purchase', event_name: 'purchase', currency: 'USD' },
    { 'x-api-key': key },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
});
after(() => server.stop());

async function stats(body: Record<string, unknown>) {
  const response = await postJson(
    `${server.url}${apiBase}/stats/query`,
    { site_id: site.id, date_range: ['2026-03-01', '2026-03-10'], ...body },
    { 'x-api-key': key },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.data.results as Array<{ dimensions: string[]; metrics: unknown[] }>;
}

test('a EUR purchase counts in a USD goal at the fixture rate; CHF without a rate is reported, not zero', async () => {
  const [row] = await stats({
    metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue'],
    filters: [['is', 'event:goal', ['Purchase']]],
  });
  // 50 EUR × 1.0876 = 54.38; 20 EUR × 1.0876 (Saturday: Friday's rate) = 21.752; 10 USD as is.
  // Total 86.132 USD over 3 converted purchases = 28.710666… -> 28.7107. Four visitors converted
  // (every visit has its own server visitor here) of 4 = 100 %.
  const usd = (value: string) => ({
    value,
    currency: 'USD',
    unconverted: [{ currency: 'CHF', value: '30.00', events: 1 }],
  });
  assert.deepEqual(row?.metrics, [4, 4, 100, usd('86.132'), usd('28.7107')]);
});

test('revenue by source: the visit source of the purchase', async () => {
  const rows = await stats({
    dimensions: ['visit:source'],
    metrics: ['total_revenue'],
    filters: [['is', 'event:goal', ['Purchase']]],
    order_by: [['total_revenue', 'desc']],
  });
  assert.deepEqual(
    rows.map((r) => [r.dimensions[0], (r.metrics[0] as { value: string }).value]),
    [
      ['Google', '54.38'],
      ['Direct / None', '31.752'],
    ],
  );
});

test('goal revenue without a currency to report in is a validation error naming the metric', async () => {
  const response = await postJson(
    `${server.url}${apiBase}/stats/query`,
    { site_id: site.id, date_range: '7d', metrics: ['total_revenue'] },
    { 'x-api-key': key },
  );
  assert.equal(response.status, 400);
  assert.equal(response.body.error.code, 'VALIDATION_ERROR');
  assert.deepEqual(
    response.body.error.fields.map((f: { field: string }) => f.field),
    ['metrics'],
  );
});

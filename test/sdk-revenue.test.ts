import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createClient, type FieldError, type ZenovayError } from '../packages/node/src/index.ts';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { addSite, postEvent, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

// @zenovay/node's revenue and userId options against the real server: what is stored, what the
// client refuses before sending (the same fields and reasons the server gives), and the server's
// own field list passed through on a 400.
let server: TestServer;
before(async () => {
  // Many raw posts from 127.0.0.1 in the agreement test: lift the per-IP limit.
  server = await startTestServer({ config: { ingestLimits: [{ limit: 100_000, windowMs: 10_000 }] } });
});
after(() => server.stop());

const base = { url: 'https://shop.example/checkout/success', sessionId: 'srv-revenue-sdk-1' };

/** A fetch that counts the requests it passes on: "nothing sent" is then a count, not a wait. */
function countingFetch() {
  const counter = { requests: 0 };
  const fetcher: typeof fetch = (input, init) => {
    counter.requests++;
    return fetch(input, init);
  };
  return { counter, fetcher };
}

async function siteWithKey(domain: string): Promise<{ site: Site; apiKey: string }> {
  const site = await addSite(server, domain);
  const created = await new ApiKeyService(server.runtime.metadata, server.clock).create({
    siteId: site.id,
    permissions: ['ingest'],
  });
  return { site, apiKey: created.key };
}

test('revenue and userId are stored exactly, through the public endpoint and the batch endpoint', async () => {
  for (const batched of [false, true]) {
    const { site, apiKey } = await siteWithKey(batched ? 'sdk-rev-batch.example' : 'sdk-rev-single.example');
    const client = createClient({
      trackingCode: site.trackingCode,
      host: server.url,
      ...(batched ? { apiKey, flushIntervalMs: 5 } : {}),
    });
    const results = await Promise.all([
      client.trackEvent('purchase', {
        ...base,
        revenue: { amount: 99.99, currency: 'USD' },
        userId: 'customer-8841',
        properties: { order_id: 'ORD-1' },
      }),
      client.trackEvent('purchase', { ...base, revenue: { amount: '1234.5678', currency: 'eur' } }),
      client.trackEvent('signup', { ...base, userId: 'customer-8841' }),
    ]);
    await client.shutdown();
    assert.deepEqual(
      results.map((result) => result.ok),
      [true, true, true],
    );
    const rows = await storedEvents(server, site.id);
    const money = rows
      .filter((row) => row.event_name === 'purchase')
      .map((row) => `${row.revenue_e4} ${row.revenue_currency}`)
      .sort();
    assert.deepEqual(money, ['12345678 EUR', '999900 USD']);
    const visitors = rows.filter((row) => row.event_name === 'signup' || row.revenue_currency === 'USD');
    assert.equal(visitors.length, 2);
    assert.match(String(visitors[0]!.visitor_id), /^u_[A-Za-z0-9_-]{22}$/);
    assert.equal(visitors[0]!.visitor_id, visitors[1]!.visitor_id, 'one person, one visitor');
  }
});

test('invalid revenue or userId resolves to VALIDATION_ERROR naming the fields, and nothing is sent', async () => {
  const site = await addSite(server, 'sdk-rev-invalid.example');
  const { counter, fetcher } = countingFetch();
  const errors: ZenovayError[] = [];
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    fetch: fetcher,
    onError: (error) => errors.push(error),
  });
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ revenue: { amount: -5, currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: '1.23456', currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: 1e12, currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: Number.NaN, currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: '12,50', currency: 'EUR' } }, ['revenue.amount']],
    [{ revenue: { amount: 10, currency: 'XYZ' } }, ['revenue.currency']],
    [{ revenue: { amount: 10, currency: 'US' } }, ['revenue.currency']],
    [{ revenue: { amount: 10 } }, ['revenue.currency']],
    [{ revenue: { currency: 'USD' } }, ['revenue.amount']],
    [{ revenue: { amount: 'ten', currency: 'usd!' } }, ['revenue.currency', 'revenue.amount']],
    [{ revenue: [10, 'USD'] }, ['revenue']],
    [{ properties: { value: 'lots', currency: 'USD' } }, ['properties.value']],
    [{ userId: '' }, ['user_id']],
    [{ userId: 'x'.repeat(257) }, ['user_id']],
    [{ userId: 42 }, ['user_id']],
  ];
  for (const [extra, fields] of cases) {
    const result = await client.trackEvent('purchase', { ...base, ...extra } as never);
    assert.equal(result.ok, false, JSON.stringify(extra));
    assert.equal(result.code, 'VALIDATION_ERROR');
    assert.equal(result.status, 0);
    assert.deepEqual(
      result.fields?.map((item) => item.field),
      fields,
      JSON.stringify(extra),
    );
    for (const item of result.fields ?? []) assert.ok(item.reason.length > 0);
  }
  await client.shutdown();
  assert.equal(counter.requests, 0, 'nothing was sent');
  assert.equal(errors.length, cases.length);
  assert.deepEqual(
    errors[0]?.fields?.map((item) => item.field),
    ['revenue.amount'],
  );
  assert.equal((await storedEvents(server, site.id)).length, 0);
});

/** The server's answer to the same event posted raw: its fields, or [] when it stores it. */
async function serverFields(site: Site, body: Record<string, unknown>): Promise<FieldError[]> {
  const response = await postEvent(server, site.trackingCode, body);
  if (response.status === 202) return [];
  assert.equal(response.status, 400, JSON.stringify(response.body));
  return response.body.error.fields;
}

test('the client refuses exactly what the server refuses, with the same fields and reasons', async () => {
  const site = await addSite(server, 'sdk-rev-agree.example');
  const client = createClient({ trackingCode: site.trackingCode, host: server.url, rateLimit: false });
  const event = {
    event_type: 'custom',
    event_name: 'purchase',
    url: base.url,
    session_id: base.sessionId,
    device_type: 'server',
    browser: 'server',
    os: 'Linux',
    user_agent: 'Agreement-Test/1.0',
  };
  const amount = fc.oneof(
    fc.double(),
    fc.double({ min: 0, max: 2e12, noNaN: true }).map((n) => Math.round(n * 1e5) / 1e5),
    fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100),
    fc.stringMatching(/^ ?-?\d{0,14}(\.\d{0,6})?[0 ]?$/),
    fc.constantFrom('1e3', '0x10', '+5', '.5', '5.', '', ' 7 ', '١٢', null, true, {}),
  );
  const currency = fc.oneof(
    fc.constantFrom('USD', 'eur', ' chf ', 'XTS', 'XXX', 'DEM', 'usd!', '', 'EURO', 'Eu', 'JPY'),
    fc.string({ maxLength: 4 }),
    fc.constantFrom(null, 7, undefined),
  );
  const userId = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 3 }),
    fc.constantFrom(5, 'x'.repeat(256)),
  );
  await fc.assert(
    fc.asyncProperty(amount, currency, userId, fc.boolean(), async (a, c, u, revenueOption) => {
      // Property values are strings, numbers or booleans whatever they mean (the server's general
      // property rules, not revenue's), so the contract's form is tried only with those.
      const primitive = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
      const topLevel = revenueOption || !primitive(a) || !primitive(c);
      const money = topLevel
        ? { revenue: { amount: a, currency: c } }
        : { properties: { value: a, currency: c } };
      const raw = { ...event, ...money, ...(u === undefined ? {} : { user_id: u }) };
      const expected = await serverFields(site, JSON.parse(JSON.stringify(raw)));
      const options = {
        ...base,
        ...(topLevel ? { revenue: { amount: a, currency: c } } : { properties: { value: a, currency: c } }),
        ...(u === undefined ? {} : { userId: u }),
      };
      const result = await client.trackEvent('purchase', options as never);
      if (expected.length === 0) assert.equal(result.ok, true, JSON.stringify(raw));
      else {
        assert.equal(result.code, 'VALIDATION_ERROR', JSON.stringify(raw));
        assert.deepEqual(
          [...(result.fields ?? [])].sort((x, y) => x.field.localeCompare(y.field)),
          [...expected].sort((x, y) => x.field.localeCompare(y.field)),
          JSON.stringify(raw),
        );
      }
    }),
    { numRuns: 150, seed: 1813 },
  );
  await client.shutdown();
});

test('a 400 from the server passes its list of offending fields through unchanged (single and batch)', async () => {
  for (const batched of [false, true]) {
    const { site, apiKey } = await siteWithKey(batched ? 'sdk-rev-400b.example' : 'sdk-rev-400s.example');
    const errors: ZenovayError[] = [];
    const client = createClient({
      trackingCode: site.trackingCode,
      host: server.url,
      ...(batched ? { apiKey, flushIntervalMs: 5 } : {}),
      onError: (error) => errors.push(error),
    });
    // Fields the client does not check itself: the server's verdict.
    const result = await client.trackEvent('purchase', {
      url: 'not a url',
      sessionId: 'short',
      revenue: { amount: 5, currency: 'USD' },
    });
    await client.shutdown();
    assert.equal(result.ok, false);
    assert.equal(result.status, 400);
    assert.equal(result.code, 'VALIDATION_ERROR');
    assert.deepEqual(result.fields?.map((item) => item.field).sort(), ['session_id', 'url']);
    assert.deepEqual(errors[0]?.fields, result.fields);
  }
});

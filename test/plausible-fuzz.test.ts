/**
 * Nothing a client sends to the Plausible surface crashes it: generated v2 queries (real and junk
 * names, random filter trees, odd values) are answered 200 with `{results, meta, query}` or 400 with
 * one `error` sentence; hostile bodies to /api/event never get a 5xx; oversized lists are refused
 * before anything walks them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createKey } from './api-helpers.ts';
import { plausibleQuery } from './plausible-client.ts';
import { deepArray, hostileBody } from './support/hostile-bodies.ts';
import { startTestServer, stopAndRemove, type TestServer } from './support/test-server.ts';

let server: TestServer;
let key: string;
before(async () => {
  // The largest body the configuration allows, so the list bounds (not the body limit) are what refuses.
  server = await startTestServer({ config: { apiRateLimitPerMinute: 100_000, maxBodyBytes: 1_048_576 } });
  await server.runtime.sites.add('dummy.site');
  key = await createKey(server);
});
after(() => stopAndRemove(server));

const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.boolean());
const metric = fc.oneof(
  fc.constantFrom('visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'),
  fc.constantFrom('events', 'percentage', 'conversion_rate', 'group_conversion_rate', 'total_revenue'),
  fc.constantFrom('average_revenue', 'scroll_depth', 'time_on_page', 'revenue'),
  junk,
);
const dimension = fc.oneof(
  fc.constantFrom('event:page', 'event:goal', 'event:name', 'event:hostname', 'event:props:plan', 'time'),
  fc.constantFrom('visit:source', 'visit:referrer', 'visit:country', 'visit:country_name', 'visit:city_name'),
  fc.constantFrom('visit:entry_page', 'visit:entry_page_hostname', 'time:day', 'time:week', 'segment'),
  junk,
);
const operator = fc.constantFrom(
  'is',
  'is_not',
  'contains',
  'contains_not',
  'matches',
  'matches_not',
  'equals',
);
const clause = fc.oneof(
  fc.constantFrom('/', 'US', 'United', '(not set)', '', '^/(a+)+$', '(?=x)', '['),
  junk,
);
const { filter } = fc.letrec<{ filter: unknown }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(operator, dimension, fc.array(clause, { maxLength: 3 })),
    fc.tuple(
      operator,
      dimension,
      fc.array(clause, { maxLength: 3 }),
      fc.constantFrom({ case_sensitive: false }, { x: 1 }, 'no'),
    ),
    fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('filter'), { maxLength: 3 })),
    fc.tuple(fc.constantFrom('not', 'has_done', 'has_not_done'), tie('filter')),
    junk,
  ),
}));
const dateRange = fc.oneof(
  fc.constantFrom('day', '7d', '28d', '30d', '91d', 'month', '6mo', '12mo', 'year', 'all', '8d'),
  fc.constant(['2026-03-01', '2026-03-09']),
  fc.constant(['2026-03-09T10:00:00+02:00', '2026-03-09T12:00:00Z']),
  fc.constant(['2026-03-09', '2026-03-01']),
  junk,
);
const query = fc.record(
  {
    site_id: fc.oneof(fc.constant('dummy.site'), junk),
    metrics: fc.oneof(fc.array(metric, { maxLength: 4 }), junk),
    date_range: dateRange,
    dimensions: fc.oneof(fc.array(dimension, { maxLength: 3 }), junk),
    filters: fc.oneof(fc.array(filter, { maxLength: 3 }), junk),
    order_by: fc.oneof(
      fc.array(fc.tuple(fc.oneof(metric, dimension), fc.constantFrom('asc', 'desc', 'up'))),
      junk,
    ),
    include: fc.oneof(
      fc.record({ total_rows: fc.boolean(), time_labels: fc.boolean(), imports: fc.boolean() }),
      junk,
    ),
    pagination: fc.oneof(
      fc.record({ limit: fc.integer({ min: -1, max: 20_000 }), offset: fc.integer({ min: -1, max: 5 }) }),
      junk,
    ),
  },
  { requiredKeys: ['site_id', 'metrics', 'date_range'] },
);

test('generated v2 queries are answered 200 or refused 400, never worse', async () => {
  await fc.assert(
    fc.asyncProperty(query, async (body) => {
      const reply = await plausibleQuery(server.url, key, body);
      if (reply.status === 200) {
        assert.deepEqual(Object.keys(reply.body).sort(), ['meta', 'query', 'results']);
      } else {
        assert.ok(
          reply.status === 400 || reply.status === 401,
          `${reply.status} ${JSON.stringify(reply.body)}`,
        );
        assert.deepEqual(Object.keys(reply.body), ['error']);
      }
    }),
    { numRuns: 300 },
  );
});

test('oversized and deeply nested queries are refused at once', async () => {
  const base = { site_id: 'dummy.site', metrics: ['visitors'], date_range: '7d' };
  for (const body of [
    { ...base, metrics: Array.from({ length: 20_000 }, () => 'visitors') },
    { ...base, dimensions: Array.from({ length: 20_000 }, () => 'event:page') },
    { ...base, filters: [['is', 'event:page', Array.from({ length: 20_000 }, (_, i) => `/${i}`)]] },
    { ...base, filters: [['or', Array.from({ length: 20_000 }, () => ['is', 'event:page', ['/']])]] },
    { ...base, filters: Array.from({ length: 20_000 }, () => ['is', 'event:page', ['/']]) },
    `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d","filters":${deepArray(5_000)}}`,
  ]) {
    const reply = await plausibleQuery(server.url, key, body);
    assert.equal(reply.status, 400, JSON.stringify(reply.body).slice(0, 200));
    assert.equal(typeof reply.body.error, 'string');
  }
});

test('hostile bodies to /api/event never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(hostileBody(server.runtime.config.maxBodyBytes), async (bytes) => {
      const response = await fetch(`${server.url}/api/event`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
        },
        body: new Uint8Array(bytes),
      });
      await response.arrayBuffer();
      assert.ok(response.status < 500, String(response.status));
    }),
    { numRuns: 150 },
  );
  const many = await fetch(`${server.url}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'pageview',
      url: 'https://dummy.site/',
      domain: Array.from({ length: 11 }, () => 'dummy.site').join(','),
    }),
  });
  assert.equal(many.status, 400);
});

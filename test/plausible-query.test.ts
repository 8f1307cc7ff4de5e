/**
 * POST /api/v2/query against test/plausible-fixture.ts: each metric, date_range form, dimension
 * and include flag of Plausible's Stats API v2 reference, with answers computed by hand from the
 * fixture's table (the comments say how).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PlausibleReply, plausibleQuery, rows } from './plausible-client.ts';
import { type PlausibleFixture, startPlausibleFixture } from './plausible-fixture.ts';
import { stopAndRemove } from './support/test-server.ts';

let fx: PlausibleFixture;
before(async () => {
  fx = await startPlausibleFixture();
});
after(() => stopAndRemove(fx.server));

const ask = (query: Record<string, unknown>): Promise<PlausibleReply> =>
  plausibleQuery(fx.server.url, fx.key, { site_id: 'dummy.site', ...query });

test('aggregate metrics over 7d (2026-03-03..03-09): s1–s4', async () => {
  const reply = await ask({
    metrics: [
      'visitors',
      'visits',
      'pageviews',
      'views_per_visit',
      'bounce_rate',
      'visit_duration',
      'events',
    ],
    date_range: '7d',
  });
  // visitors A B C; visits s1–s4; pageviews 2+1+1+1; 5/4; one bounce (s2) of 4; (120+0+30+10)/4; 3+1+2+2.
  assert.deepEqual(rows(reply), [[3, 4, 5, 1.25, 25, 40, 8]]);
  assert.deepEqual(Object.keys(reply.body).sort(), ['meta', 'query', 'results']);
  assert.deepEqual(reply.body.meta, {});
  assert.equal(reply.body.query.site_id, 'dummy.site');
  assert.deepEqual(reply.body.query.date_range, ['2026-03-03T00:00:00+00:00', '2026-03-09T23:59:59+00:00']);
});

test('every named date_range', async () => {
  const expected: Record<string, [number, number]> = {
    day: [1, 1], // s5 today
    '7d': [3, 4], // 03-03..03-09: s1–s4
    '28d': [3, 5], // 02-10..03-09: + s6
    '30d': [3, 5], // 02-08..03-09
    '91d': [4, 6], // 2025-12-09..03-09: + s7 (E)
    month: [4, 5], // March (whole month): s1–s5
    '6mo': [5, 7], // 2025-10-01..2026-03-31: s1–s7
    '12mo': [6, 8], // 2025-04-01..2026-03-31: every visit
    year: [4, 6], // 2026: s1–s6
    all: [6, 8], // since the site was added (2025-01-01) to today
  };
  for (const [range, visitorsVisits] of Object.entries(expected)) {
    const reply = await ask({ metrics: ['visitors', 'visits'], date_range: range });
    assert.deepEqual(rows(reply), [visitorsVisits], range);
  }
});

test('custom dates are whole days, both inclusive; datetimes end inclusive to their second', async () => {
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'visits'], date_range: ['2026-03-08', '2026-03-09'] })),
    [[2, 3]],
  );
  // 12:00+02:00 is 10:00 UTC: s1's two pageviews (10:00:00, 10:01:40), not the Signup at 10:02:00.
  const before = await ask({
    metrics: ['pageviews', 'events'],
    date_range: ['2026-03-09T12:00:00+02:00', '2026-03-09T12:01:59+02:00'],
  });
  assert.deepEqual(rows(before), [[2, 2]]);
  const through = await ask({
    metrics: ['pageviews', 'events'],
    date_range: ['2026-03-09T10:00:00Z', '2026-03-09T10:02:00Z'],
  });
  assert.deepEqual(rows(through), [[2, 3]]);
});

test('event:page: bounce_rate and visit_duration of the visits that entered on the page', async () => {
  const reply = await ask({
    metrics: ['visitors', 'pageviews', 'bounce_rate', 'visit_duration', 'percentage'],
    date_range: '7d',
    dimensions: ['event:page'],
  });
  // /blog/one: visitors A (s1) and B (s2), entered only by s2 (a bounce, 0 s);
  // /: A's s1 and s3 entered there (no bounce, (120 + 30) / 2); /pricing: s4 (10 s).
  // percentage: visitors of the row over the 3 visitors of the range.
  assert.deepEqual(rows(reply), [
    ['/blog/one', 2, 2, 100, 0, 66.7],
    ['/', 1, 2, 0, 75, 33.3],
    ['/pricing', 1, 1, 0, 10, 33.3],
  ]);
});

test('a top-level event:page filter: visit metrics of the visits that entered there', async () => {
  const reply = await ask({
    metrics: ['visitors', 'bounce_rate', 'visit_duration'],
    date_range: '7d',
    filters: [['is', 'event:page', ['/blog/one']]],
  });
  assert.deepEqual(rows(reply), [[2, 100, 0]]);
});

test('visit dimensions: source, country, country_name, city_name, entry and exit page', async () => {
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'visits'], date_range: '7d', dimensions: ['visit:source'] })),
    [
      ['Direct / None', 2, 2],
      ['Google', 1, 1],
      ['Hacker News', 1, 1],
    ],
  );
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors'], date_range: '7d', dimensions: ['visit:country'] })),
    [
      ['AU', 1],
      ['GB', 1],
      ['US', 1],
    ],
  );
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors'], date_range: 'month', dimensions: ['visit:country_name'] })),
    [
      ['(not set)', 1],
      ['Australia', 1],
      ['United Kingdom', 1],
      ['United States', 1],
    ],
  );
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visits'],
        date_range: '7d',
        dimensions: ['visit:entry_page', 'visit:exit_page'],
      }),
    ),
    [
      ['/', '/', 1],
      ['/', '/blog/one', 1],
      ['/blog/one', '/blog/one', 1],
      ['/pricing', '/pricing', 1],
    ],
  );
});

test('time dimensions and include.time_labels', async () => {
  const reply = await ask({
    metrics: ['visitors'],
    date_range: '7d',
    dimensions: ['time'],
    include: { time_labels: true, total_rows: true, imports: true },
  });
  assert.deepEqual(rows(reply), [
    ['2026-03-05', 1],
    ['2026-03-08', 1],
    ['2026-03-09', 2],
  ]);
  assert.deepEqual(reply.body.meta.time_labels, [
    '2026-03-03',
    '2026-03-04',
    '2026-03-05',
    '2026-03-06',
    '2026-03-07',
    '2026-03-08',
    '2026-03-09',
  ]);
  assert.equal(reply.body.meta.total_rows, 3);
  assert.equal(reply.body.meta.imports_included, false);
  assert.deepEqual(reply.body.query.dimensions, ['time']);
  const months = await ask({ metrics: ['visits'], date_range: '12mo', dimensions: ['time:month'] });
  assert.deepEqual(rows(months), [
    ['2025-06-01', 1],
    ['2025-12-01', 1],
    ['2026-02-01', 1],
    ['2026-03-01', 5],
  ]);
  const hours = await ask({
    metrics: ['pageviews'],
    date_range: ['2026-03-09', '2026-03-09'],
    dimensions: ['time:hour'],
  });
  assert.deepEqual(rows(hours), [
    ['2026-03-09 10:00:00', 2],
    ['2026-03-09 11:00:00', 1],
  ]);
});

test('order_by and pagination', async () => {
  const reply = await ask({
    metrics: ['pageviews'],
    date_range: '7d',
    dimensions: ['event:page'],
    order_by: [['event:page', 'asc']],
    pagination: { limit: 2, offset: 1 },
    include: { total_rows: true },
  });
  assert.deepEqual(rows(reply), [
    ['/blog/one', 2],
    ['/pricing', 1],
  ]);
  assert.equal(reply.body.meta.total_rows, 3);
  assert.deepEqual(reply.body.query.pagination, { limit: 2, offset: 1 });
});

test('custom properties, events and event:name', async () => {
  // Events without plan: 5 pageviews and the Purchase, by A, B and C.
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'events'], date_range: '7d', dimensions: ['event:props:plan'] })),
    [
      ['(none)', 3, 6],
      ['free', 1, 1],
      ['pro', 1, 1],
    ],
  );
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'events'], date_range: '7d', dimensions: ['event:name'] })),
    [
      ['pageview', 3, 5],
      ['Purchase', 1, 1],
      ['Signup', 1, 2],
    ],
  );
});

test('goals: event:goal, conversion_rate, group_conversion_rate, revenue', async () => {
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visitors', 'events', 'conversion_rate'],
        date_range: '7d',
        dimensions: ['event:goal'],
      }),
    ),
    [
      ['Purchase', 1, 1, 33.33],
      ['Signup', 1, 2, 33.33],
    ],
  );
  // Signed up: A in s1 (Google) and in s3 (Direct). Direct / None had A and C; Google only A.
  const bySource = await ask({
    metrics: ['visitors', 'conversion_rate', 'group_conversion_rate'],
    date_range: '7d',
    dimensions: ['visit:source'],
    filters: [['is', 'event:goal', ['Signup']]],
  });
  assert.deepEqual(rows(bySource), [
    ['Direct / None', 1, 33.33, 50],
    ['Google', 1, 33.33, 100],
  ]);
  const revenue = await ask({
    metrics: ['total_revenue', 'average_revenue'],
    date_range: '7d',
    filters: [['is', 'event:goal', ['Purchase']]],
  });
  assert.deepEqual(rows(revenue), [
    [
      { short: '$25.5', long: '$25.50', value: 25.5, currency: 'USD' },
      { short: '$25.5', long: '$25.50', value: 25.5, currency: 'USD' },
    ],
  ]);
});

test("Plausible's documented example requests, sent unchanged", async () => {
  // The reference's first curl example.
  const simplest = await plausibleQuery(fx.server.url, fx.key, {
    site_id: 'dummy.site',
    metrics: ['visitors'],
    date_range: '7d',
  });
  assert.deepEqual(simplest.body.results, [{ metrics: [3], dimensions: [] }]);
  // The reference's request-structure example: blank countries left out, by country and city.
  const structure = await plausibleQuery(fx.server.url, fx.key, {
    site_id: 'dummy.site',
    metrics: ['visitors', 'pageviews', 'bounce_rate'],
    date_range: '7d',
    filters: [['is_not', 'visit:country_name', ['']]],
    dimensions: ['visit:country_name', 'visit:city_name'],
  });
  // A: s1 and s3 from Mountain View (3 pageviews, no bounce); B: s2 from Sydney (a bounce);
  // C: s4 from London. Cities as DB-IP Lite places 1.1.1.1, 81.2.69.142 and 8.8.8.8.
  assert.deepEqual(rows(structure), [
    ['Australia', 'Sydney', 1, 1, 100],
    ['United Kingdom', 'London', 1, 1, 0],
    ['United States', 'Mountain View', 1, 3, 0],
  ]);
  assert.deepEqual(structure.body.query.dimensions, ['visit:country_name', 'visit:city_name']);
  assert.deepEqual(structure.body.query.filters, [['is_not', 'visit:country_name', ['']]]);
});

test('our own /api/external/v1/stats/query keeps its meanings (enveloped; pages count the visits they are in)', async () => {
  const response = await fetch(`${fx.server.url}/api/external/v1/stats/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': fx.key },
    body: JSON.stringify({
      site_id: 'dummy.site',
      metrics: ['bounce_rate'],
      date_range: ['2026-03-03', '2026-03-09'],
      dimensions: ['event:page'],
      filters: [['is', 'event:page', ['/blog/one']]],
    }),
  });
  const body = await response.json();
  assert.equal(body.success, true);
  // /blog/one is in s1 (no bounce) and s2 (a bounce): 50 here, 100 on the Plausible surface.
  assert.deepEqual(body.data.results, [{ dimensions: ['/blog/one'], metrics: [50] }]);
});

test('visit:referrer: the entry referrer without scheme, www., query or trailing slash', async () => {
  // s1 came from www.google.com/search?q=dummy, s2 from news.ycombinator.com/item?id=1; s3, s4 from nowhere.
  const reply = await ask({
    metrics: ['visitors', 'visits'],
    date_range: '7d',
    dimensions: ['visit:referrer'],
  });
  assert.deepEqual(rows(reply), [
    ['Direct / None', 2, 2],
    ['google.com/search', 1, 1],
    ['news.ycombinator.com/item', 1, 1],
  ]);
  const filtered = await ask({
    metrics: ['visits'],
    date_range: '7d',
    filters: [['contains', 'visit:referrer', ['ycombinator']]],
  });
  assert.deepEqual(rows(filtered), [[1]]);
  const direct = await ask({
    metrics: ['visits', 'pageviews'],
    date_range: '7d',
    filters: [['is', 'visit:referrer', ['Direct / None']]],
  });
  assert.deepEqual(rows(direct), [[2, 2]]); // s3 and s4, one pageview each
});

test('scroll_depth and time_on_page pass through (null: the fixture sent no heartbeats)', async () => {
  const reply = await ask({
    metrics: ['visitors', 'scroll_depth', 'time_on_page'],
    date_range: '7d',
    dimensions: ['event:page'],
  });
  assert.deepEqual(rows(reply), [
    ['/blog/one', 2, null, null],
    ['/', 1, null, null],
    ['/pricing', 1, null, null],
  ]);
});

test('include.comparisons (previous_period): each row carries the previous period', async () => {
  // 03-03..03-09 against 02-24..03-02, which holds no visit.
  const reply = await ask({
    metrics: ['visitors'],
    date_range: '7d',
    include: { comparisons: { mode: 'previous_period' } },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body.results[0].metrics, [3]);
  assert.deepEqual(reply.body.results[0].comparison.metrics, [0]);
});

test('visit:entry_page_hostname and visit:exit_page_hostname', async () => {
  // s1 entered on dummy.site and left from blog.dummy.site; s2–s4 stayed on dummy.site.
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visits'],
        date_range: '7d',
        dimensions: ['visit:entry_page_hostname', 'visit:exit_page_hostname'],
      }),
    ),
    [
      ['dummy.site', 'dummy.site', 3],
      ['dummy.site', 'blog.dummy.site', 1],
    ],
  );
});

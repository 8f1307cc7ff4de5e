/**
 * The REST API contract, written once and run against every mode (test/scale-contract.test.ts):
 * the same events posted over HTTP give the same answers whether they were stored in DuckDB or
 * shipped to ClickHouse, and keys (PostgreSQL or DuckDB) scope reads alike.
 *
 * Answers are worked out by hand. Now is 2026-03-10 12:00 UTC; sites are in UTC; `7d` is
 * 2026-03-04 … 2026-03-10.
 *   s1  visitor v1  DE Firefox/Linux   03-09 10:00 pageview /         10:05 pageview /pricing
 *   s2  visitor v2  FR Chrome/Windows  03-09 11:00 pageview /                      (a bounce)
 *   s3  visitor v1  DE Firefox/Linux   03-10 09:00 pageview /pricing  09:01 custom signup
 *   s0  visitor v3  FR                 03-01 10:00 pageview /old      (outside 7d)
 *   and one pageview on the other site, which no answer about the first may include.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GeoReader } from '../../packages/server/src/geo/geo-reader.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { apiBase, apiGet, apiRequest, assertApiError, assertApiOk, createKey } from '../api-helpers.ts';
import { postEvent, type TestServer } from '../support/test-server.ts';
import type { StartServer } from './servers.ts';
import { settledRows } from './stored.ts';

const countries: Record<string, string> = { '203.0.113.1': 'DE', '203.0.113.2': 'FR', '203.0.113.3': 'FR' };
const geo: GeoReader = {
  lookup: (ip) => ({
    country: countries[ip] ?? '',
    region: '',
    city: countries[ip] === 'DE' ? 'Berlin' : '',
  }),
};
const firefox = {
  device_type: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
};
const chrome = {
  device_type: 'desktop',
  browser: 'Chrome',
  os: 'Windows',
  user_agent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
};

/** [time, site ('shop' | 'other'), client address, body] of every fixture event. */
const fixture: Array<[string, 'shop' | 'other', string, Record<string, unknown>]> = [
  [
    '2026-03-01T10:00:00Z',
    'shop',
    '203.0.113.3',
    { ...chrome, visitor_id: 'visitor-3', session_id: 'session-0', url: '/old' },
  ],
  [
    '2026-03-09T10:00:00Z',
    'shop',
    '203.0.113.1',
    { ...firefox, visitor_id: 'visitor-1', session_id: 'session-1', url: '/' },
  ],
  [
    '2026-03-09T10:05:00Z',
    'shop',
    '203.0.113.1',
    { ...firefox, visitor_id: 'visitor-1', session_id: 'session-1', url: '/pricing' },
  ],
  [
    '2026-03-09T11:00:00Z',
    'shop',
    '203.0.113.2',
    { ...chrome, visitor_id: 'visitor-2', session_id: 'session-2', url: '/' },
  ],
  [
    '2026-03-09T11:30:00Z',
    'other',
    '203.0.113.1',
    { ...firefox, visitor_id: 'visitor-1', session_id: 'session-9', url: '/' },
  ],
  [
    '2026-03-10T09:00:00Z',
    'shop',
    '203.0.113.1',
    { ...firefox, visitor_id: 'visitor-1', session_id: 'session-3', url: '/pricing' },
  ],
  [
    '2026-03-10T09:01:00Z',
    'shop',
    '203.0.113.1',
    {
      ...firefox,
      visitor_id: 'visitor-1',
      session_id: 'session-3',
      url: '/pricing',
      event_type: 'custom',
      event_name: 'signup',
    },
  ],
];

export function apiContract(start: StartServer): void {
  let server: TestServer;
  let shop: Site;
  let other: Site;
  let key: string;
  let shopKey: string;

  before(async () => {
    server = await start({ config: { trustedProxyCidrs: ['127.0.0.1'] }, runtime: { geo } });
    shop = await server.runtime.sites.add('shop.example');
    other = await server.runtime.sites.add('other.example');
    key = await createKey(server);
    shopKey = await createKey(server, { siteId: shop.id });
    for (const [iso, name, ip, body] of fixture) {
      const site = name === 'shop' ? shop : other;
      server.clock.set(Date.parse(iso));
      const url = `https://${site.domain}${body.url}`;
      const response = await postEvent(
        server,
        site.trackingCode,
        { ...body, url },
        { 'x-forwarded-for': ip },
      );
      assert.equal(response.status, 202, JSON.stringify(response.body));
    }
    server.clock.set(Date.parse('2026-03-10T12:00:00Z'));
    assert.equal((await settledRows(server, shop.id, 6)).length, 6, 'all events of the shop stored');
    assert.equal((await settledRows(server, other.id, 1)).length, 1, 'the other site’s event stored');
  });
  after(() => server.stop());

  const get = (path: string, as = key) => apiGet(server, path, as).then(assertApiOk);

  test('websites: the list and one site, in the key’s scope', async () => {
    const all = await get('/websites');
    assert.deepEqual(all.websites.map((site: Site) => site.domain).sort(), ['other.example', 'shop.example']);
    const scoped = await get('/websites', shopKey);
    assert.deepEqual(
      scoped.websites.map((site: { id: string; tracking_code: string }) => [site.id, site.tracking_code]),
      [[shop.id, shop.trackingCode]],
    );
    const one = await get(`/websites/${shop.id}`);
    assert.deepEqual([one.id, one.domain, one.timezone], [shop.id, 'shop.example', shop.timezone]);
  });

  test('analytics overview: totals and the daily series', async () => {
    const data = await get(`/analytics/${shop.id}?range=7d`);
    assert.deepEqual(data.website, { id: shop.id, domain: 'shop.example', name: 'shop.example' });
    assert.equal(data.time_range, '7d');
    assert.deepEqual(data.date_range, { start: '2026-03-04', end: '2026-03-10' });
    assert.deepEqual(data.summary, {
      total_visitors: 3, // 2 on the 9th + 1 on the 10th
      unique_visitors: 2, // v1, v2
      total_page_views: 4,
      total_visits: 3,
      bounce_rate: 33, // s2 of 3 visits
      avg_visit_duration: 120, // (300 + 0 + 60) / 3
    });
    const zero = (date: string) => ({ date, visitors: 0, visits: 0, page_views: 0 });
    assert.deepEqual(data.daily_stats, [
      zero('2026-03-04'),
      zero('2026-03-05'),
      zero('2026-03-06'),
      zero('2026-03-07'),
      zero('2026-03-08'),
      { date: '2026-03-09', visitors: 2, visits: 2, page_views: 3 },
      { date: '2026-03-10', visitors: 1, visits: 1, page_views: 1 },
    ]);
    const day = await get(`/analytics/${shop.id}?range=24h`);
    assert.equal(day.summary.unique_visitors, 1, 'since 03-09 12:00 only s3');
    assert.equal(day.summary.total_page_views, 1);
    const month = await get(`/analytics/${shop.id}`);
    assert.equal(month.time_range, '30d', 'the default range');
    assert.equal(month.summary.unique_visitors, 3, '30 days include s0');
  });

  test('pages, countries and technology', async () => {
    assert.deepEqual((await get(`/analytics/${shop.id}/pages?range=7d`)).pages, [
      // No heartbeats were sent: time on page and scroll depth are unknown, not 0.
      { page: '/', visitors: 2, pageviews: 2, time_on_page: null, scroll_depth: null },
      { page: '/pricing', visitors: 1, pageviews: 2, time_on_page: null, scroll_depth: null },
    ]);
    assert.equal((await get(`/analytics/${shop.id}/pages?range=7d&limit=1`)).pages.length, 1);
    const byCode = (rows: Array<{ country_code: string }>) =>
      [...rows].sort((a, b) => a.country_code.localeCompare(b.country_code));
    assert.deepEqual(byCode((await get(`/analytics/${shop.id}/countries?range=7d`)).countries), [
      { country_code: 'DE', country_name: 'Germany', visitors: 1 },
      { country_code: 'FR', country_name: 'France', visitors: 1 },
    ]);
    const tech = await get(`/analytics/${shop.id}/technology?range=7d`);
    const sorted = (rows: Array<Record<string, unknown>>, label: string) =>
      rows.map((row) => `${row[label]}:${row.visitors}`).sort();
    assert.deepEqual(sorted(tech.browsers, 'browser'), ['Chrome:1', 'Firefox:1']);
    assert.deepEqual(sorted(tech.operating_systems, 'os'), ['Linux:1', 'Windows:1']);
    assert.deepEqual(tech.devices, [{ device: 'desktop', visitors: 2 }]);
  });

  test('visitors: recent visits newest first, paged', async () => {
    const first = await get(`/analytics/${shop.id}/visitors?range=7d&limit=2`);
    assert.deepEqual(first.pagination, { page: 1, limit: 2, total: 3 });
    assert.deepEqual(first.visitors[0], {
      visitor_id: 'visitor-1',
      session_id: 'session-3',
      started_at: '2026-03-10T09:00:00.000Z',
      last_seen_at: '2026-03-10T09:01:00.000Z',
      duration_seconds: 60,
      pageviews: 1,
      events: 2,
      entry_page: '/pricing',
      exit_page: '/pricing',
      referrer_host: '',
      country_code: 'DE',
      region: '',
      city: 'Berlin',
      device: 'desktop',
      browser: 'Firefox',
      os: 'Linux',
    });
    assert.equal(first.visitors[1].session_id, 'session-2');
    const second = await get(`/analytics/${shop.id}/visitors?range=7d&limit=2&page=2`);
    assert.deepEqual(
      second.visitors.map((visit: Record<string, string>) => [
        visit.session_id,
        visit.entry_page,
        visit.exit_page,
      ]),
      [['session-1', '/', '/pricing']],
    );
    const beyond = await get(`/analytics/${shop.id}/visitors?range=7d&limit=2&page=9`);
    assert.deepEqual(beyond, { visitors: [], pagination: { page: 9, limit: 2, total: 3 } });
    assert.ok(!JSON.stringify([first, second]).includes('203.0.113'), 'no IP address anywhere');
    assertApiError(
      await apiGet(server, `/analytics/${shop.id}/visitors?limit=101`, key),
      400,
      'VALIDATION_ERROR',
    );
  });

  test('POST /stats/query: breakdown with a filter, and a comparison', async () => {
    const query = {
      site_id: 'shop.example',
      date_range: '7d',
      metrics: ['visitors', 'pageviews'],
      dimensions: ['event:page'],
      filters: [['is', 'visit:country', ['DE']]],
      order_by: [['pageviews', 'desc']],
    };
    const data = assertApiOk(
      await apiRequest(server, 'POST', `${apiBase}/stats/query`, { key, body: query }),
    );
    assert.deepEqual(data.results, [
      { dimensions: ['/pricing'], metrics: [1, 2] },
      { dimensions: ['/'], metrics: [1, 1] },
    ]);
    assert.deepEqual(data.meta.date_range, { start: '2026-03-04', end: '2026-03-10' });
    assert.equal(data.query.site_id, shop.id, 'the site may be named by its domain');
    const body = {
      site_id: shop.id,
      date_range: ['2026-03-09', '2026-03-09'],
      metrics: ['visits', 'bounce_rate', 'visit_duration'],
      include: { comparisons: { mode: 'previous_period' } },
    };
    const custom = assertApiOk(await apiRequest(server, 'POST', `${apiBase}/stats/query`, { key, body }));
    assert.deepEqual(custom.results[0].metrics, [2, 50, 150]);
    assert.deepEqual(custom.results[0].comparison.metrics, [0, 0, 0]);
    assert.deepEqual(custom.meta.comparison_date_range, { start: '2026-03-08', end: '2026-03-08' });
  });

  test('POST /stats/query: metacharacters are values; invalid queries name their fields', async () => {
    const query = { site_id: shop.id, date_range: '7d', metrics: ['visitors'], dimensions: ['event:page'] };
    const ask = (body: unknown) => apiRequest(server, 'POST', `${apiBase}/stats/query`, { key, body });
    const hostile = await ask({
      ...query,
      filters: [['contains', 'event:page', ["'; DROP TABLE events; --", '%', '_', '🎉']]],
    });
    assert.deepEqual(assertApiOk(hostile).results, [], 'metacharacters are values, not SQL');
    const invalid = await ask({ ...query, dimensions: ['visit:nonsense'] });
    assertApiError(invalid, 400, 'VALIDATION_ERROR');
    assert.ok(invalid.body.error.fields.length > 0);
    assertApiError(await ask({ ...query, extra: 1 }), 400, 'VALIDATION_ERROR');
    assertApiError(await ask({ metrics: ['visitors'] }), 400, 'VALIDATION_ERROR');
  });

  test('auth: 401 without a valid key; a key scoped to one site gets 404 for the other', async () => {
    const strangers: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'garbage' },
      { 'x-api-key': `zv_${'A'.repeat(43)}` },
    ];
    for (const headers of strangers) {
      assertApiError(await apiGet(server, '/websites', undefined, headers), 401, 'UNAUTHORIZED');
    }
    const endpoints = (id: string): Array<['GET' | 'POST', string, unknown?]> => [
      ['GET', `/websites/${id}`],
      ['GET', `/analytics/${id}?range=7d`],
      ['GET', `/analytics/${id}/pages`],
      ['GET', `/analytics/${id}/countries`],
      ['GET', `/analytics/${id}/technology`],
      ['GET', `/analytics/${id}/visitors`],
      ['POST', '/stats/query', { site_id: id, date_range: '7d', metrics: ['visitors'] }],
    ];
    for (const [method, path, body] of endpoints(shop.id)) {
      const response = await apiRequest(server, method, `${apiBase}${path}`, { key: shopKey, body });
      assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(response.body)}`);
    }
    for (const [method, path, body] of endpoints(other.id)) {
      const response = await apiRequest(server, method, `${apiBase}${path}`, { key: shopKey, body });
      assertApiError(response, 404, 'NOT_FOUND');
    }
  });
}

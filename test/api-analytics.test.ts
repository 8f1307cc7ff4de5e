import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GeoReader } from '../packages/server/src/geo/geo-reader.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, apiGet, apiRequest, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { postEvent, startTestServer, type TestServer } from './support/test-server.ts';

/**
 * A small fixture whose answers are worked out by hand below (not by running the same SQL).
 * Now is 2026-03-10 12:00 UTC; the site is in UTC; `7d` is 2026-03-04 … 2026-03-10.
 *
 *   s1  visitor v1  DE Firefox/Linux   03-09 10:00 pageview /         10:05 pageview /pricing
 *   s2  visitor v2  FR Chrome/Windows  03-09 11:00 pageview /                      (a bounce)
 *   s3  visitor v1  DE Firefox/Linux   03-10 09:00 pageview /pricing  09:01 custom signup
 *   s0  visitor v3  FR                 03-01 10:00 pageview /old      (outside 7d)
 *   and one pageview on another site, which no answer may include.
 */
const countries: Record<string, string> = { '203.0.113.1': 'DE', '203.0.113.2': 'FR', '203.0.113.3': 'FR' };
const geo: GeoReader = {
  lookup: (ip) => ({
    country: countries[ip] ?? '',
    region: '',
    city: countries[ip] === 'DE' ? 'Berlin' : '',
  }),
};

let server: TestServer;
let site: Site;
let other: Site;
let key: string;

const firefox = {
  device_type: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  user_agent: 'Mozilla/5.0 Firefox/140.0',
};
const chrome = {
  device_type: 'desktop',
  browser: 'Chrome',
  os: 'Windows',
  user_agent: 'Mozilla/5.0 Chrome/140.0',
};

before(async () => {
  server = await startTestServer({ config: { trustedProxyCidrs: ['127.0.0.1'] }, runtime: { geo } });
  site = await server.runtime.sites.add('shop.example');
  other = await server.runtime.sites.add('other.example');
  key = await createKey(server);
  const send = async (iso: string, target: Site, ip: string, body: Record<string, unknown>) => {
    server.clock.set(Date.parse(iso));
    const response = await postEvent(server, target.trackingCode, body, { 'x-forwarded-for': ip });
    assert.equal(response.status, 202, JSON.stringify(response.body));
  };
  const page = (path: string) => `https://shop.example${path}`;
  const v1 = { ...firefox, visitor_id: 'visitor-1' };
  await send('2026-03-01T10:00:00Z', site, '203.0.113.3', {
    ...chrome,
    visitor_id: 'visitor-3',
    session_id: 'session-0',
    url: page('/old'),
  });
  await send('2026-03-09T10:00:00Z', site, '203.0.113.1', { ...v1, session_id: 'session-1', url: page('/') });
  await send('2026-03-09T10:05:00Z', site, '203.0.113.1', {
    ...v1,
    session_id: 'session-1',
    url: page('/pricing'),
  });
  await send('2026-03-09T11:00:00Z', site, '203.0.113.2', {
    ...chrome,
    visitor_id: 'visitor-2',
    session_id: 'session-2',
    url: page('/'),
  });
  await send('2026-03-09T11:30:00Z', other, '203.0.113.1', {
    ...v1,
    session_id: 'session-9',
    url: 'https://other.example/',
  });
  await send('2026-03-10T09:00:00Z', site, '203.0.113.1', {
    ...v1,
    session_id: 'session-3',
    url: page('/pricing'),
  });
  await send('2026-03-10T09:01:00Z', site, '203.0.113.1', {
    ...v1,
    session_id: 'session-3',
    url: page('/pricing'),
    event_type: 'custom',
    event_name: 'signup',
  });
  server.clock.set(Date.parse('2026-03-10T12:00:00Z'));
});
after(() => server.stop());

test('overview: totals and a daily series with empty days included', async () => {
  const data = assertApiOk(await apiGet(server, `/analytics/${site.id}?range=7d`, key));
  assert.deepEqual(data.website, { id: site.id, domain: 'shop.example', name: 'shop.example' });
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

  const day = assertApiOk(await apiGet(server, `/analytics/${site.id}?range=24h`, key));
  assert.equal(day.summary.unique_visitors, 1, 'since 03-09 12:00 only s3');
  assert.equal(day.summary.total_page_views, 1);
  const month = assertApiOk(await apiGet(server, `/analytics/${site.id}`, key));
  assert.equal(month.time_range, '30d', 'the default range');
  assert.equal(month.summary.unique_visitors, 3);
});

test('pages, countries and technology breakdowns', async () => {
  const pages = assertApiOk(await apiGet(server, `/analytics/${site.id}/pages?range=7d`, key)).pages;
  assert.deepEqual(pages, [
    { page: '/', visitors: 2, pageviews: 2 },
    { page: '/pricing', visitors: 1, pageviews: 2 },
  ]);
  const limited = assertApiOk(
    await apiGet(server, `/analytics/${site.id}/pages?range=7d&limit=1`, key),
  ).pages;
  assert.equal(limited.length, 1);

  const byCode = (a: { country_code: string }, b: { country_code: string }) =>
    a.country_code.localeCompare(b.country_code);
  const countryRows = assertApiOk(
    await apiGet(server, `/analytics/${site.id}/countries?range=7d`, key),
  ).countries;
  assert.deepEqual(countryRows.sort(byCode), [
    { country_code: 'DE', country_name: 'Germany', visitors: 1 },
    { country_code: 'FR', country_name: 'France', visitors: 1 },
  ]);

  const tech = assertApiOk(await apiGet(server, `/analytics/${site.id}/technology?range=7d`, key));
  const sorted = (rows: Array<Record<string, unknown>>, label: string) =>
    [...rows].sort((a, b) => String(a[label]).localeCompare(String(b[label])));
  assert.deepEqual(sorted(tech.browsers, 'browser'), [
    { browser: 'Chrome', visitors: 1 },
    { browser: 'Firefox', visitors: 1 },
  ]);
  assert.deepEqual(sorted(tech.operating_systems, 'os'), [
    { os: 'Linux', visitors: 1 },
    { os: 'Windows', visitors: 1 },
  ]);
  assert.deepEqual(tech.devices, [{ device: 'desktop', visitors: 2 }]);
});

test('visitors: recent visits newest first, paged, without any IP address', async () => {
  const response = await apiGet(server, `/analytics/${site.id}/visitors?range=7d&limit=2`, key);
  const first = assertApiOk(response);
  assert.deepEqual(first.pagination, { page: 1, limit: 2, total: 3 });
  assert.deepEqual(
    first.visitors.map((visit: { session_id: string }) => visit.session_id),
    ['session-3', 'session-2'],
  );
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
  const second = assertApiOk(
    await apiGet(server, `/analytics/${site.id}/visitors?range=7d&limit=2&page=2`, key),
  );
  assert.deepEqual(
    second.visitors.map((visit: { session_id: string; entry_page: string; exit_page: string }) => [
      visit.session_id,
      visit.entry_page,
      visit.exit_page,
    ]),
    [['session-1', '/', '/pricing']],
  );
  const beyond = assertApiOk(
    await apiGet(server, `/analytics/${site.id}/visitors?range=7d&limit=2&page=9`, key),
  );
  assert.deepEqual(beyond, { visitors: [], pagination: { page: 9, limit: 2, total: 3 } });
  assert.ok(!JSON.stringify([first, second]).includes('203.0.113'), 'no IP address anywhere');
  assertApiError(
    await apiGet(server, `/analytics/${site.id}/visitors?limit=101`, key),
    400,
    'VALIDATION_ERROR',
  );
});

test('POST /stats/query answers the Plausible v2 shape; the site may be named by its domain', async () => {
  const query = {
    site_id: 'shop.example',
    date_range: '7d',
    metrics: ['visitors', 'pageviews'],
    dimensions: ['event:page'],
    filters: [['is', 'visit:country', ['DE']]],
    order_by: [['pageviews', 'desc']],
  };
  const data = assertApiOk(await apiRequest(server, 'POST', `${apiBase}/stats/query`, { key, body: query }));
  assert.deepEqual(data.results, [
    { dimensions: ['/pricing'], metrics: [1, 2] },
    { dimensions: ['/'], metrics: [1, 1] },
  ]);
  assert.deepEqual(data.meta.date_range, { start: '2026-03-04', end: '2026-03-10' });
  assert.equal(data.query.site_id, site.id);

  const custom = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key,
    body: {
      site_id: site.id,
      date_range: ['2026-03-09', '2026-03-09'],
      metrics: ['visits', 'bounce_rate', 'visit_duration'],
      include: { comparisons: { mode: 'previous_period' } },
    },
  });
  const customData = assertApiOk(custom);
  // The 9th: s1 (300 s, 2 pageviews) and s2 (a bounce, 0 s); the 8th had nothing.
  assert.deepEqual(customData.results[0].metrics, [2, 50, 150]);
  assert.deepEqual(customData.results[0].comparison.metrics, [0, 0, 0]);
  assert.deepEqual(customData.meta.comparison_date_range, { start: '2026-03-08', end: '2026-03-08' });

  const hostile = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key,
    body: { ...query, filters: [['contains', 'event:page', ["'; DROP TABLE events; --", '%', '_', '🎉']]] },
  });
  assert.deepEqual(assertApiOk(hostile).results, [], 'metacharacters are values, not SQL');

  const invalid = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key,
    body: { ...query, metrics: ['visitors'], dimensions: ['visit:nonsense'] },
  });
  assertApiError(invalid, 400, 'VALIDATION_ERROR');
  assert.ok(invalid.body.error.fields.length > 0);
  const unknownField = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key,
    body: { ...query, extra: 1 },
  });
  assertApiError(unknownField, 400, 'VALIDATION_ERROR');
  const scoped = await createKey(server, { siteId: other.id });
  const notYours = await apiRequest(server, 'POST', `${apiBase}/stats/query`, { key: scoped, body: query });
  assertApiError(notYours, 404, 'NOT_FOUND');
  const missing = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key,
    body: { metrics: ['visitors'] },
  });
  assertApiError(missing, 400, 'VALIDATION_ERROR');
});

/**
 * The dashboard's named questions (stats/overview.ts) over the stats fixture, and the REST top
 * pages that ask the same: top pages count pageviews only, and the custom events panel never
 * lists `pageview`. Expected rows are worked out by hand from stats-fixture-events.ts; the
 * Berlin week 2026-03-02 .. 08 holds V0..V7 (7 visitors: u1..u6, u8).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Filter, StatsResponse } from '../packages/server/src/stats/index.ts';
import { overviewQueries } from '../packages/server/src/stats/index.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, assertApiOk, createKey } from './api-helpers.ts';
import {
  clickHouseFixtures,
  nowMs,
  type OpenFixture,
  openFixture,
  type StatsFixture,
  siteA,
  week,
} from './stats-fixture.ts';
import { postEvent, serverDefaults, startTestServer, type TestServer } from './support/test-server.ts';

const rows = (res: StatsResponse) => res.results.map((row) => [row.dimensions[0], ...row.metrics]);

function overviewContract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open();
  });
  after(() => fx.close());

  const panel = (name: 'pages' | 'custom_events', filters: Filter[] = []) =>
    fx.engine.query(overviewQueries(siteA.id, week, filters)[name], siteA, nowMs);

  it('top pages count pageviews: pages seen only by custom events are not listed', async () => {
    // Pageviews: /blog/post-1 V2 u2 + V7 u6; /pricing V1 u1 + V5 u4; / V1 + V3 (both u1);
    // /about V0, /docs and /docs/install V4. /checkout (V3's purchases) and /blog/post-2 (V6's
    // outbound click) saw custom events only. Ties: path ascending. No heartbeats in this
    // fixture: time on page and scroll depth are unknown (null), not 0.
    assert.deepEqual(rows(await panel('pages')), [
      ['/blog/post-1', 2, 2, null, null],
      ['/pricing', 2, 2, null, null],
      ['/', 1, 2, null, null],
      ['/about', 1, 1, null, null],
      ['/docs', 1, 1, null, null],
      ['/docs/install', 1, 1, null, null],
    ]);
  });

  it('top pages keep the dashboard filters', async () => {
    // DE visits in the week: V1 (/, /pricing, Signup on /pricing) and V3 (/, purchases on /checkout).
    assert.deepEqual(rows(await panel('pages', [{ op: 'is', dimension: 'visit:country', values: ['DE'] }])), [
      ['/', 1, 2, null, null],
      ['/pricing', 1, 1, null, null],
    ]);
    // /checkout had events but no pageview: no top page, rather than a row with 0 pageviews.
    assert.deepEqual(
      rows(await panel('pages', [{ op: 'is', dimension: 'event:page', values: ['/checkout'] }])),
      [],
    );
  });

  it('custom events list conversions only, never pageview', async () => {
    // Denominator: the week's 7 visitors. Signup 2/7 = 28.57 %, Purchase and the outbound click
    // 1/7 = 14.29 %. Ties: name ascending ("O" < "P").
    assert.deepEqual(rows(await panel('custom_events')), [
      ['Signup', 2, 2, 28.57],
      ['Outbound Link: Click', 1, 1, 14.29],
      ['Purchase', 1, 2, 14.29],
    ]);
  });
}

describe('overview panels on DuckDB', () => overviewContract(openFixture));

const clickhouse = clickHouseFixtures();
describe('overview panels on ClickHouse', { skip: clickhouse.skip }, () => {
  overviewContract(clickhouse.open);
  after(() => clickhouse.stop());
});

describe('REST top pages', () => {
  let server: TestServer;
  let site: Site;
  let key: string;
  before(async () => {
    server = await startTestServer();
    site = await server.runtime.sites.add('shop.example');
    key = await createKey(server, { siteId: site.id });
    // Visitor 1 views / then downloads a file (a custom event on a page never viewed);
    // visitor 2 views /pricing and signs up there.
    const events = [
      ['visitor-1', 'session-1', '/', null],
      ['visitor-1', 'session-1', '/files/guide.pdf', 'download'],
      ['visitor-2', 'session-2', '/pricing', null],
      ['visitor-2', 'session-2', '/pricing', 'signup'],
    ] as const;
    for (const [visitor, session, path, name] of events) {
      server.clock.advance(1_000);
      const body = {
        ...serverDefaults,
        visitor_id: visitor,
        session_id: session,
        url: `https://shop.example${path}`,
        ...(name ? { event_type: 'custom', event_name: name } : {}),
      };
      const response = await postEvent(server, site.trackingCode, body);
      assert.equal(response.status, 202, JSON.stringify(response.body));
    }
  });
  after(() => server.stop());

  it('lists viewed pages with the visitors who viewed them', async () => {
    const data = assertApiOk(await apiGet(server, `/analytics/${site.id}/pages?range=7d`, key));
    assert.deepEqual(data.pages, [
      { page: '/', visitors: 1, pageviews: 1, time_on_page: null, scroll_depth: null },
      { page: '/pricing', visitors: 1, pageviews: 1, time_on_page: null, scroll_depth: null },
    ]);
  });
});

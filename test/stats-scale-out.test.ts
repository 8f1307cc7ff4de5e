/**
 * In scale-out mode the REST API's stats come from ClickHouse (scale/stores.ts picks the engine):
 * events posted to the node land in ClickHouse through the spool, never in the DuckDB file, so a
 * non-empty answer can only have been computed there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, apiRequest, assertApiOk, createKey } from './api-helpers.ts';
import { t0 } from './support/scale-rows.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

describe('stats API in scale-out mode', { skip: missingService('clickhouse', 'postgres') }, () => {
  const services: RunningService[] = [];
  let server: TestServer;
  let site: Site;

  before(async () => {
    const [ch, postgres] = await Promise.all([startService('clickhouse'), startService('postgres')]);
    services.push(ch, postgres);
    const scale = {
      clickhouseUrl: `${ch.url}/?database=zenovay_stats`,
      databaseUrl: postgres.url,
      redisUrl: null,
    };
    server = await startTestServer({ clock: new ManualClock(t0), config: { scale } });
    site = await addSite(server, 'stats.example');
  });
  after(async () => {
    await server?.stop();
    await Promise.all(services.map((service) => service.destroy()));
  });

  it('answers POST /stats/query from ClickHouse', async () => {
    const sent = [
      ['visitor-aaaa', '/a', 'pageview'],
      ['visitor-aaaa', '/b', 'pageview'],
      ['visitor-bbbb', '/a', 'pageview'],
      ['visitor-bbbb', '/a', 'custom'],
    ] as const;
    for (const [visitor, page, type] of sent) {
      const response = await postEvent(server, site.trackingCode, {
        ...serverDefaults,
        event_type: type,
        ...(type === 'custom' ? { event_name: 'signup' } : {}),
        url: `https://stats.example${page}`,
        session_id: `session-${visitor}`,
        visitor_id: visitor,
      });
      assert.equal(response.status, 202, JSON.stringify(response.body));
    }
    const key = await createKey(server);
    const query = {
      site_id: site.id,
      date_range: ['2026-03-10', '2026-03-10'],
      metrics: ['visitors', 'visits', 'pageviews', 'events'],
      dimensions: ['event:page'],
    };
    // The spool ships to ClickHouse in the background: ask (bounded) until all four have landed.
    let data: { results: Array<{ dimensions: string[]; metrics: number[] }> } = { results: [] };
    for (let i = 0; i < 150; i++) {
      data = assertApiOk(await apiRequest(server, 'POST', `${apiBase}/stats/query`, { key, body: query }));
      if (data.results.reduce((n, row) => n + (row.metrics[3] ?? 0), 0) === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(data.results, [
      { dimensions: ['/a'], metrics: [2, 2, 2, 3] },
      { dimensions: ['/b'], metrics: [1, 1, 1, 1] },
    ]);
  });
});

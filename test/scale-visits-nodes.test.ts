import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../packages/server/src/clock.ts';
import { SiteDirectory } from '../packages/server/src/sites/site-directory.ts';
import { SiteService } from '../packages/server/src/sites/site-service.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { sqlString } from '../packages/server/src/store/clickhouse/sql.ts';
import { PostgresMetadataStore } from '../packages/server/src/store/postgres/metadata-store.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { killAllServers, type ServerProcess, startServerProcess } from './support/process-server.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

const chromeAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/**
 * Two ingest processes of the full scale-out mode sharing Redis: a browser's visit whose requests
 * a round-robin balancer spreads over both nodes is one visit, not one per node.
 */
describe('scale-out: server-assigned visits are shared by all nodes', {
  skip: missingService('redis', 'postgres', 'clickhouse'),
}, () => {
  const services: RunningService[] = [];
  const nodes: ServerProcess[] = [];
  let site: Site;
  let clickhouse: ClickHouseHttp;

  before(async () => {
    const started = await Promise.all([
      startService('redis'),
      startService('postgres'),
      startService('clickhouse'),
    ]);
    services.push(...started);
    const [redis, postgres, ch] = started as [RunningService, RunningService, RunningService];
    const metadata = await PostgresMetadataStore.open(postgres.url);
    site = await new SiteService(metadata, new SiteDirectory(metadata), systemClock).add('example.com');
    await metadata.close();
    const env = {
      ZENOVAY_CLICKHOUSE_URL: `${ch.url}/?database=zenovay_visits`,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      // The nodes stand behind a balancer on loopback: the client address is X-Forwarded-For's.
      ZENOVAY_TRUSTED_PROXIES: '127.0.0.1',
    };
    for (let i = 0; i < 2; i++) nodes.push(await startServerProcess({ dataDir: tempDataDir(), env }));
    clickhouse = new ClickHouseHttp(ch.url);
  });
  after(async () => {
    for (const node of nodes) await node.kill('SIGTERM').catch(() => undefined);
    killAllServers();
    for (const service of services) await service.destroy();
  });

  /** What the tracker sends for a page, from the browser at `address`, through node `node`. */
  async function trackerPageview(node: ServerProcess, address: string, path: string): Promise<string> {
    const response = await fetch(`${node.url}/e/${site.trackingCode}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://example.com', 'x-forwarded-for': address },
      body: JSON.stringify({
        event_type: 'pageview',
        event_name: 'pageview',
        url: `https://example.com${path}`,
        referrer: '',
        session_id: 'zv:auto-session',
        device_type: 'desktop',
        browser: 'Chrome',
        os: 'Linux',
        user_agent: chromeAgent,
        event_id: `${address}-${path}`,
        properties: { screen_size: '1920x1080' },
      }),
    });
    const body = await response.json();
    assert.equal(response.status, 202, JSON.stringify(body));
    assert.match(body.session_id, /^zs_/);
    return body.session_id;
  }

  /** The stored (session, visitor) of each event of one browser, waiting (bounded) for the spools. */
  async function storedVisits(pathPrefix: string, count: number) {
    const sql = `SELECT session_id, visitor_id FROM zenovay_visits.events FINAL
      WHERE site_id = ${sqlString(site.id)} AND pathname LIKE ${sqlString(`${pathPrefix}%`)}`;
    let rows: Array<{ session_id: string; visitor_id: string }> = [];
    for (let i = 0; i < 300 && rows.length < count; i++) {
      rows = await clickhouse.rows<{ session_id: string; visitor_id: string }>(sql).catch(() => []);
      if (rows.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(rows.length, count);
    return rows;
  }

  test('a visit alternating between the two nodes is one visit in the stored events', async () => {
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) {
      replies.push(await trackerPageview(nodes[i % 2]!, '198.51.100.7', `/alternating/${i}`));
    }
    assert.deepEqual(replies, Array(8).fill(replies[0]), 'every node answered the same visit');
    const rows = await storedVisits('/alternating/', 8);
    assert.deepEqual(new Set(rows.map((row) => row.session_id)), new Set([replies[0]]));
    assert.equal(new Set(rows.map((row) => row.visitor_id)).size, 1);
  });

  test('a new browser hitting both nodes at once gets one visit; another browser its own', async () => {
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => trackerPageview(nodes[i % 2]!, '198.51.100.8', `/together/${i}`)),
    );
    assert.equal(new Set(replies).size, 1, replies.join(' '));
    const other = await trackerPageview(nodes[1]!, '198.51.100.9', '/together/other');
    assert.notEqual(other, replies[0]);
    const rows = await storedVisits('/together/', 11);
    assert.equal(new Set(rows.map((row) => row.session_id)).size, 2);
  });
});

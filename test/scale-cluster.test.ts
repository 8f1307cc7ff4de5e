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
import { type LoadResult, runLoad, startNginxBalancer } from './support/scale-cluster.ts';
import { freePortPair, missingService, type RunningService, startService } from './support/services.ts';
import { serverDefaults, tempDataDir } from './support/test-server.ts';

/** How long ClickHouse stays down in the fault test: the 30 s (ZENOVAY_FAULT_SECONDS=5 for a quick local run). */
const faultMs = Number(process.env.ZENOVAY_FAULT_SECONDS ?? 30) * 1_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const event = (n: number) => ({
  ...serverDefaults,
  event_type: 'pageview',
  url: `https://example.com/page-${n % 20}`,
  session_id: `session-${n % 50}`,
});

/**
 * The full scale-out mode as an operator runs it: two ingest processes behind real nginx, Redis,
 * PostgreSQL, and ClickHouse as two shards under a Distributed table.
 */
describe('scale-out cluster: two nodes behind nginx, two ClickHouse shards', {
  skip:
    missingService('redis', 'postgres', 'clickhouse') ??
    (process.env.ZENOVAY_SKIP_CLUSTER ? 'ZENOVAY_SKIP_CLUSTER' : undefined),
}, () => {
  const services: RunningService[] = [];
  const shards: RunningService[] = [];
  let redis: RunningService;
  const nodes: ServerProcess[] = [];
  let nodeEnv: Record<string, string>;
  let balancer: { url: string; stop(): Promise<void> };
  let site: Site;
  let clickhouse: ClickHouseHttp;

  before(async () => {
    const first = await freePortPair();
    let second = await freePortPair();
    while (Math.abs(second - first) < 2) second = await freePortPair();
    const chPorts = [first, second];
    const env = { CLICKHOUSE_SHARD_PORTS: chPorts.map((port) => port + 1).join(',') };
    const started = await Promise.all([
      startService('redis'),
      startService('postgres'),
      ...chPorts.map((port) => startService('clickhouse', { port, env })),
    ]);
    services.push(...started);
    redis = started[0]!;
    shards.push(started[2]!, started[3]!);
    const databaseUrl = started[1]!.url;
    const metadata = await PostgresMetadataStore.open(databaseUrl);
    site = await new SiteService(metadata, new SiteDirectory(metadata), systemClock).add('example.com');
    await metadata.close();
    nodeEnv = {
      ZENOVAY_CLICKHOUSE_URL: `${shards[0]!.url}/?database=zenovay,${shards[1]!.url}`,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      ZENOVAY_TRUSTED_PROXIES: '127.0.0.1',
      ZENOVAY_SPOOL_CAP_MB: '64',
    };
    for (let i = 0; i < 2; i++)
      nodes.push(await startServerProcess({ dataDir: tempDataDir(), env: nodeEnv }));
    balancer = await startNginxBalancer(nodes.map((node) => node.port));
    clickhouse = new ClickHouseHttp(shards[0]!.url);
  });
  after(async () => {
    await balancer?.stop();
    for (const node of nodes) await node.kill('SIGTERM').catch(() => undefined);
    killAllServers();
    for (const service of services) await service.destroy();
  });

  /** Event ids stored for the site, read over both shards as stored (no FINAL: a copy shows). */
  async function storedIds(): Promise<string[]> {
    const rows = await clickhouse.rows<{ event_id: string }>(
      `SELECT event_id FROM zenovay.events WHERE site_id = ${sqlString(site.id)} AND event_id != ''`,
    );
    return rows.map((row) => row.event_id);
  }

  /** Waits (bounded) until every acknowledged id is stored, then checks none is stored twice. */
  async function assertStoredOnce(result: LoadResult, label: string): Promise<void> {
    let ids: string[] = [];
    for (let i = 0; i < 600; i++) {
      ids = await storedIds().catch(() => []);
      const present = new Set(ids);
      if ([...result.acked].every((id) => present.has(id))) break;
      await pause(100);
    }
    const present = new Set(ids);
    const missing = [...result.acked].filter((id) => !present.has(id));
    assert.deepEqual(missing.slice(0, 5), [], `${label}: ${missing.length} acknowledged events missing`);
    assert.equal(ids.length, present.size, `${label}: some event stored twice`);
  }

  test('per-IP limits hold in total: 60 per 10 s through nginx over both nodes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 80; i++) {
      const response = await fetch(`${balancer.url}/e/${site.trackingCode}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify(event(i)),
      });
      statuses.push(response.status);
    }
    assert.equal(statuses.filter((status) => status === 202).length, 60, String(statuses));
    assert.equal(statuses.filter((status) => status === 429).length, 20);
  });

  test('steady load: every acknowledged event stored once, spread over both shards', async () => {
    const load = runLoad({
      url: balancer.url,
      trackingCode: site.trackingCode,
      prefix: 'steady',
      event,
      maxRequests: 600,
    });
    while (load.sent() < 600) await pause(50);
    const result = await load.stop();
    assert.equal(result.acked.size, 600, JSON.stringify([...result.statuses]));
    await assertStoredOnce(result, 'steady');
    for (const shard of shards) {
      const [row] = await new ClickHouseHttp(shard.url).rows<{ n: string }>(
        `SELECT count() AS n FROM zenovay.events_local FINAL WHERE site_id = ${sqlString(site.id)}`,
      );
      assert.ok(Number(row?.n) > 100, `shard ${shard.port} holds ${row?.n} events`);
    }
  });

  test(`ClickHouse down for ${faultMs / 1000} s under load: nothing refused, everything stored once`, async () => {
    const load = runLoad({
      url: balancer.url,
      trackingCode: site.trackingCode,
      prefix: 'chdown',
      event,
      workers: 2,
      maxRequests: 200_000, // never reached in 30 s: the load lasts the whole outage
    });
    await pause(500);
    await Promise.all(shards.map((shard) => shard.stop()));
    await pause(faultMs);
    await Promise.all(shards.map((shard) => shard.restart()));
    await pause(500);
    const result = await load.stop();
    assert.deepEqual([...result.statuses.keys()], ['202'], JSON.stringify([...result.statuses]));
    await assertStoredOnce(result, 'ClickHouse outage');
  });

  test('kill -9 of a node mid-load: after its restart every acknowledged event is stored once', async () => {
    const load = runLoad({
      url: balancer.url,
      trackingCode: site.trackingCode,
      prefix: 'kill9',
      event,
      workers: 4,
    });
    await pause(1_000);
    const victim = nodes[0]!;
    await victim.kill('SIGKILL');
    await pause(500);
    const result = await load.stop();
    // The restarted node (on a new port, outside nginx) replays its spool.
    nodes[0] = await startServerProcess({ dataDir: victim.dataDir, env: nodeEnv });
    assert.ok(result.acked.size > 0);
    await assertStoredOnce(result, 'kill -9');
  });

  test('Redis restart: the service keeps serving (limits fall back to per-node memory meanwhile)', async () => {
    await redis.stop();
    const during = runLoad({
      url: nodes[1]!.url,
      trackingCode: site.trackingCode,
      prefix: 'redis-down',
      event,
      maxRequests: 40,
    });
    while (during.sent() < 40) await pause(20);
    const down = await during.stop();
    await redis.restart();
    await pause(1_500); // the client reconnects in the background
    const afterRestart = runLoad({
      url: nodes[1]!.url,
      trackingCode: site.trackingCode,
      prefix: 'redis-up',
      event,
      maxRequests: 40,
    });
    while (afterRestart.sent() < 40) await pause(20);
    const up = await afterRestart.stop();
    assert.equal(down.acked.size, 40, JSON.stringify([...down.statuses]));
    assert.equal(up.acked.size, 40, JSON.stringify([...up.statuses]));
    await assertStoredOnce(down, 'Redis down');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { sqlString, sqlStringArray } from '../packages/server/src/store/clickhouse/sql.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { freePortPair, missingService, type RunningService, startService } from './support/services.ts';

describe('ClickHouse event store (one server)', { skip: missingService('clickhouse') }, () => {
  let service: RunningService;
  let http: ClickHouseHttp;
  let store: ClickHouseEventStore;

  before(async () => {
    service = await startService('clickhouse');
    http = new ClickHouseHttp(service.url);
    store = await ClickHouseEventStore.open({ shardUrls: [service.url], database: 'zenovay' });
  });
  after(async () => service?.destroy());

  test('sqlString round-trips arbitrary strings through the real server', async () => {
    await http.exec(
      'CREATE TABLE IF NOT EXISTS default.roundtrip (i UInt32, s String, a Array(String)) ENGINE = Memory',
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        async (values) => {
          runs++;
          await http.exec('TRUNCATE TABLE default.roundtrip');
          const tuples = values.map(
            (value, i) => `(${i}, ${sqlString(value)}, ${sqlStringArray([value, 'x'])})`,
          );
          await http.exec(`INSERT INTO default.roundtrip VALUES ${tuples.join(',')}`);
          const rows = await http.rows<{ i: number; s: string; a: string[] }>(
            'SELECT i, s, a FROM default.roundtrip ORDER BY i',
          );
          assert.deepEqual(
            rows.map((row) => row.s),
            values,
          );
          assert.deepEqual(
            rows.map((row) => row.a),
            values.map((value) => [value, 'x']),
          );
          // The same literal used in a WHERE clause finds exactly that row.
          const found = await http.rows<{ i: number }>(
            `SELECT i FROM default.roundtrip WHERE s = ${sqlString(values[0]!)} ORDER BY i LIMIT 1`,
          );
          assert.equal(found[0]?.i, 0);
        },
      ),
      { numRuns: 150 },
    );
    assert.equal(runs >= 150, true);
    // The hostile classics, explicitly.
    for (const value of ["'", "\\'", '\\', "'); DROP TABLE x; --", '\u0000\n\r\t\b\f', '\\x41', '€😀']) {
      const [row] = await http.rows<{ s: string }>(`SELECT ${sqlString(value)} AS s`);
      assert.equal(row?.s, value);
    }
  });

  test('rows come back as written; replays and sender retries are seen once', async () => {
    const rows = [
      eventRow({ ts: t0 + 1, eventId: 'evt-a', propKeys: ['plan', "it's"], propValues: ['pro', 'a\\b'] }),
      // Revenue round-trips exactly, beyond 2^53 ten-thousandths too.
      eventRow({
        ts: t0 + 2,
        pathname: '/pricing',
        query: '?q=1',
        revenueE4: '9999999999999999',
        revenueCurrency: 'JPY',
      }),
      eventRow({ ts: t0 + 3, pathname: '/pricing', query: '?q=1', sessionId: 'zs_abc' }),
    ];
    await store.append(rows);
    await store.append(rows); // a replayed batch
    await store.append([eventRow({ ts: t0 + 5_000, eventId: 'evt-a', pathname: '/retry' })]); // a retry, later
    const stored = await store.siteEvents('site-1');
    assert.equal(stored.length, 3);
    assert.deepEqual(
      stored.map(({ rowKey, ...row }) => row).filter((row) => row.eventId === ''),
      // A row sent without the `interactive` flag is stored as interactive.
      rows.slice(1).map((row) => ({ ...row, interactive: true })),
    );
    assert.deepEqual(stored.find((row) => row.eventId === 'evt-a')?.propValues, ['pro', 'a\\b']);
    assert.deepEqual(
      (await store.recentEventIds(t0)).map((item) => [item.siteId, item.eventId]),
      [['site-1', 'evt-a']],
    );
    assert.deepEqual(await store.recentServerVisits(t0), [
      { siteId: 'site-1', visitorId: 'vis-1', sessionId: 'zs_abc', lastMs: t0 + 3 },
    ]);
    assert.deepEqual(await store.recentServerVisits(t0 + 10), []);
  });

  test('deleting a site removes its events only', async () => {
    await store.append([eventRow({ siteId: 'site-gone' }), eventRow({ siteId: 'site-kept' })]);
    await http.exec('SET mutations_sync = 1').catch(() => undefined);
    await store.deleteSiteEvents('site-gone');
    // Mutations finish in the background on 18.16: wait for it (bounded).
    for (let i = 0; i < 100 && (await store.siteEvents('site-gone')).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await store.siteEvents('site-gone')).length, 0);
    assert.equal((await store.siteEvents('site-kept')).length, 1);
  });
});

describe('ClickHouse event store (two shards, Distributed)', { skip: missingService('clickhouse') }, () => {
  const shards: RunningService[] = [];
  let store: ClickHouseEventStore;

  before(async () => {
    const ports = [await freePortPair()];
    while (ports.length < 2) {
      const port = await freePortPair();
      if (Math.abs(port - ports[0]!) >= 2) ports.push(port);
    }
    const env = { CLICKHOUSE_SHARD_PORTS: ports.map((port) => port + 1).join(',') };
    for (const port of ports) shards.push(await startService('clickhouse', { port, env }));
    store = await ClickHouseEventStore.open({
      shardUrls: shards.map((shard) => shard.url),
      database: 'zenovay',
    });
  });
  after(async () => {
    for (const shard of shards) await shard.destroy();
  });

  test('events land on both shards, are read over both, and copies fold on one shard', async () => {
    const rows = Array.from({ length: 200 }, (_, i) =>
      eventRow({ ts: t0 + i, visitorId: `v${i}`, eventId: i % 2 === 0 ? `evt-${i}` : '' }),
    );
    await store.append(rows);
    await store.append(rows.slice(0, 50)); // a replay of part of the batch
    await store.append([eventRow({ ts: t0 + 9_000, eventId: 'evt-0', pathname: '/retry' })]);
    const perShard = [];
    for (const shard of shards) {
      const [row] = await new ClickHouseHttp(shard.url).rows<{ n: string }>(
        'SELECT count() AS n FROM zenovay.events_local FINAL',
      );
      perShard.push(Number(row?.n));
    }
    assert.equal(perShard[0]! + perShard[1]!, 200, `per shard: ${perShard}`);
    assert.ok(perShard[0]! > 40 && perShard[1]! > 40, `both shards hold events: ${perShard}`);
    const stored = await store.siteEvents('site-1');
    assert.equal(stored.length, 200);
    assert.equal(stored.find((row) => row.eventId === 'evt-0')?.pathname, '/');
    assert.equal((await store.recentEventIds(t0)).length, 100);
  });
});

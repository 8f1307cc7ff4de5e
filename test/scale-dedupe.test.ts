/**
 * Reads on ClickHouse use no FINAL, so every event must be stored once: a batch sent again after
 * its first insert landed unseen (the answer lost on the way back, or a crash between the insert
 * and the segment's delete) must add nothing. Real ClickHouse, real append log; background merges are
 * stopped, so a copy would stay visible instead of being folded by ReplacingMergeTree.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AppendLog } from '../packages/server/src/event-log/append-log.ts';
import { listSegments, readSegment } from '../packages/server/src/event-log/segment-files.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { createClickHouseStatsEngine } from '../packages/server/src/stats/index.ts';
import { ClickHouseEventReader } from '../packages/server/src/store/clickhouse/event-reader.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { untilNotRunning } from '../packages/server/src/store/clickhouse/insert-once.ts';
import { sqlString } from '../packages/server/src/store/clickhouse/sql.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

const log = createLogger('silent');
const database = 'zenovay';
const target = (url: string) => ({ shardUrls: [url], database });

describe('a batch sent again is stored once', { skip: missingService('clickhouse') }, () => {
  let service: RunningService;
  let http: ClickHouseHttp;
  let store: ClickHouseEventStore;
  const proxies: FaultProxy[] = [];
  let sites = 0;

  before(async () => {
    service = await startService('clickhouse');
    http = new ClickHouseHttp(service.url);
    store = await ClickHouseEventStore.open(target(service.url));
    await http.exec(`SYSTEM STOP MERGES ${database}.events`);
  });
  after(async () => {
    for (const proxy of proxies) await proxy.close();
    await service?.destroy();
  });

  /** Rows of one site on one day, a third with an event id (keys `e:…`), the rest keyed by the log. */
  const rowsFor = (siteId: string, count: number) =>
    Array.from({ length: count }, (_, i) =>
      eventRow({ siteId, ts: t0 + i * 1_000, visitorId: `v${i % 7}`, eventId: i % 3 === 0 ? `e${i}` : '' }),
    );

  /** Rows physically stored for the site: no FINAL, no merge folds copies (merges are stopped). */
  async function storedRows(siteId: string): Promise<number> {
    const [row] = await http.rows<{ n: string }>(
      `SELECT count() AS n FROM ${database}.events WHERE site_id = ${sqlString(siteId)}`,
    );
    return Number(row?.n ?? 0);
  }

  /** What the dashboard and the REST API count: the stats engine and the event reader. */
  async function counted(siteId: string): Promise<{ pageviews: number; events: number }> {
    const site: Site = {
      id: siteId,
      domain: 'example.com',
      name: siteId,
      trackingCode: siteId,
      timezone: 'UTC',
      createdAt: new Date(0).toISOString(),
    };
    const engine = createClickHouseStatsEngine(target(service.url), { coalesce: false });
    const answer = await engine.query(
      {
        siteId,
        dateRange: { kind: 'custom', start: '2026-03-10', end: '2026-03-10' },
        metrics: ['pageviews', 'visitors'],
        dimensions: [],
        filters: [],
        orderBy: [],
        limit: 10,
        page: 0,
        compare: null,
      },
      site,
      t0 + 86_400_000,
    );
    const usage = await new ClickHouseEventReader(target(service.url)).usage(t0 - 3_600_000, t0 + 86_400_000);
    return {
      pageviews: Number(answer.results[0]?.metrics[0]),
      events: usage.find((item) => item.siteId === siteId)?.events ?? 0,
    };
  }

  test('the check can see a copy: the same rows inserted twice without it are stored twice', async () => {
    const siteId = `control-${++sites}`;
    const rows = rowsFor(siteId, 12).map((row, i) => ({ key: `u:control-${i}`, row }));
    await store.appendKeyed(rows);
    await store.appendKeyed(rows);
    assert.equal(await storedRows(siteId), 24);
    // The same again, sent as a retry: nothing is added.
    await store.appendKeyed(rows, { onlyMissing: true });
    assert.equal(await storedRows(siteId), 24);
  });

  test('a large batch, checked in several queries, sends only the rows not stored yet', async () => {
    const siteId = `large-${++sites}`;
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      key: `u:large-${i}`,
      row: eventRow({ siteId, ts: t0 + i * 10, visitorId: `v${i}` }),
    }));
    await store.appendKeyed(rows.filter((_, i) => i % 2 === 0));
    await store.appendKeyed(rows, { onlyMissing: true });
    assert.equal(await storedRows(siteId), 5_000);
    assert.deepEqual(await counted(siteId), { pageviews: 5_000, events: 5_000 });
  });

  test("an insert whose answer is lost: the log's loader retries, the rows are stored and counted once", async () => {
    const siteId = `lost-answer-${++sites}`;
    let inserts = 0;
    const proxy = await startFaultProxy(service.url, ({ body }) => {
      if (!body.startsWith('INSERT')) return { kind: 'forward' };
      inserts += 1;
      // ClickHouse stores the first insert; the loader never hears that it did.
      return inserts === 1 ? { kind: 'forward-then-destroy' } : { kind: 'forward' };
    });
    proxies.push(proxy);
    const throughProxy = await ClickHouseEventStore.open(target(proxy.url));
    const dir = tempDataDir('zenovay-dedupe-');
    const spool = await AppendLog.open({ dir, sink: throughProxy, log, capBytes: 10_000_000, retryMs: 50 });
    await spool.append(rowsFor(siteId, 60));
    await spool.loaded(30_000);
    await spool.close();
    assert.equal(proxy.stats.destroyedAfterForward, 1, 'the first insert landed and its answer was lost');
    assert.equal(inserts, 1, 'the retry found every row stored and sent none again');
    assert.equal(await storedRows(siteId), 60);
    assert.deepEqual(await counted(siteId), { pageviews: 60, events: 60 });
  });

  test('a segment left by a crash after its insert landed (all of it, or part) is replayed once', async () => {
    for (const landed of [1, 0.5]) {
      const siteId = `crash-${++sites}`;
      const dir = tempDataDir('zenovay-dedupe-');
      // ClickHouse refuses every insert: the segment stays on disk, as after a kill -9.
      const refusing = await startFaultProxy(service.url, ({ body }) =>
        body.startsWith('INSERT') ? { kind: 'status', status: 503 } : { kind: 'forward' },
      );
      proxies.push(refusing);
      const first = await AppendLog.open({
        dir,
        sink: await ClickHouseEventStore.open(target(refusing.url)),
        log,
        capBytes: 10_000_000,
        retryMs: 50,
      });
      await first.append(rowsFor(siteId, 40));
      await first.close();
      const [segment] = listSegments(dir);
      assert.ok(segment, 'the segment is still on disk');
      // The crash happened after ClickHouse had taken the segment's insert (or part of it).
      const segmentRows = readSegment(segment.file);
      await store.appendKeyed(segmentRows.slice(0, Math.round(segmentRows.length * landed)));
      const second = await AppendLog.open({ dir, sink: store, log, capBytes: 10_000_000, retryMs: 50 });
      await second.loaded(30_000);
      await second.close();
      assert.deepEqual(listSegments(dir), []);
      assert.equal(await storedRows(siteId), 40, `landed ${landed * 100}% before the crash`);
      assert.deepEqual(await counted(siteId), { pageviews: 40, events: 40 });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a retry waits for an earlier attempt under the same query id that is still running', async () => {
    const queryId = `zenovay-test-${Date.now()}`;
    const started = Date.now();
    const slow = http.exec('SELECT sleep(2)', { query_id: queryId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await untilNotRunning(http, queryId);
    const waited = Date.now() - started;
    await slow;
    assert.ok(waited >= 1_500, `returned after ${waited} ms, while the query still ran`);
  });
});

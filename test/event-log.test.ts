/**
 * The one write path: the append log in front of either store, tested once for both. Real DuckDB
 * file, real ClickHouse server. A store "failing" is real for ClickHouse (the server is stopped);
 * for DuckDB, which runs in this process, a gate in front of the real store refuses loads while
 * closed (fault injection: the store and the log are the real ones).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import { AppendLog, LogFullError } from '../packages/server/src/event-log/append-log.ts';
import type { LogSink } from '../packages/server/src/event-log/log-loader.ts';
import { listSegments } from '../packages/server/src/event-log/segment-files.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { createLogger, type Logger } from '../packages/server/src/log.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

const silent = createLogger('silent');

/** A logger that keeps its warnings, to check that skipped records are reported. */
function recordingLogger(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = { ...silent, warn: (message: string) => warnings.push(message) } as Logger;
  return { log, warnings };
}

const rowsFor = (siteId: string, count: number, from = 0): EventRow[] =>
  Array.from({ length: count }, (_, i) =>
    eventRow({
      siteId,
      ts: t0 + (from + i) * 1_000,
      visitorId: `v${from + i}`,
      eventId: (from + i) % 3 === 0 ? `e${from + i}` : '',
    }),
  );

interface StoreUnderTest {
  readonly sink: LogSink;
  /** Stored rows of a site, oldest first (their visitor ids). */
  visitors(siteId: string): Promise<string[]>;
  /** Makes loads fail until `recover`. */
  fail(): Promise<void>;
  recover(): Promise<void>;
}

function logSuite(
  name: string,
  skip: string | false | undefined,
  open: () => Promise<StoreUnderTest & { close(): Promise<void> }>,
) {
  describe(`append log in front of ${name}`, { skip }, () => {
    let store: StoreUnderTest & { close(): Promise<void> };
    let sites = 0;
    const site = () => `${name}-log-${++sites}`;
    before(async () => {
      store = await open();
    });
    after(async () => store?.close());

    test('an acknowledged batch is on disk at once, then loaded, and its segments deleted', async () => {
      const dir = tempDataDir('zenovay-log-');
      const siteId = site();
      const log = await AppendLog.open({
        dir,
        sink: store.sink,
        log: silent,
        capBytes: 10_000_000,
        retryMs: 50,
      });
      await Promise.all([log.append(rowsFor(siteId, 10)), log.append(rowsFor(siteId, 10, 10))]);
      assert.equal(await log.caughtUp(20_000), true);
      assert.equal((await store.visitors(siteId)).length, 20);
      await log.close(5_000);
      const second = await AppendLog.open({
        dir,
        sink: store.sink,
        log: silent,
        capBytes: 10_000_000,
        retryMs: 50,
      });
      await second.loaded(20_000);
      // Every segment is loaded and deleted: the next one must not reuse a loaded sequence number.
      await second.append(rowsFor(siteId, 5, 20));
      await second.loaded(20_000);
      await second.close(5_000);
      assert.deepEqual(listSegments(dir), [], 'loaded segments are deleted');
      assert.equal(
        (await store.visitors(siteId)).length,
        25,
        'a restart loads nothing twice and loses nothing',
      );
    });

    test('the store failing: the log accepts up to its cap, refuses beyond it, loads everything once after', async () => {
      const dir = tempDataDir('zenovay-log-');
      const siteId = site();
      await store.fail();
      const log = await AppendLog.open({
        dir,
        sink: store.sink,
        log: silent,
        capBytes: 40_000,
        segmentBytes: 8_000,
        retryMs: 50,
      });
      let accepted = 0;
      let refused = 0;
      for (let i = 0; i < 200; i++) {
        try {
          await log.append(rowsFor(siteId, 1, i));
          accepted++;
        } catch (error) {
          assert.ok(error instanceof LogFullError, String(error));
          refused++;
        }
      }
      assert.ok(accepted > 20 && refused > 0, `accepted ${accepted}, refused ${refused}`);
      assert.ok(log.pendingBytes <= 40_000);
      assert.ok(listSegments(dir).length > 1, 'several segments wait');
      assert.equal(await log.caughtUp(200), false, 'nothing could be loaded');
      await store.recover();
      await log.loaded(60_000);
      assert.deepEqual(
        await store.visitors(siteId),
        rowsFor(siteId, accepted).map((row) => row.visitorId),
        'every accepted event, once, in order',
      );
      await log.append(rowsFor(siteId, 1, 500)); // room again once loaded
      await log.close(10_000);
    });

    test('after a crash: the log is loaded on the next start, a torn last record is skipped with a log line', async () => {
      const dir = tempDataDir('zenovay-log-');
      const siteId = site();
      await store.fail();
      const first = await AppendLog.open({
        dir,
        sink: store.sink,
        log: silent,
        capBytes: 10_000_000,
        retryMs: 50,
      });
      await first.append(rowsFor(siteId, 30));
      await first.close(); // stands for kill -9: nothing was loaded, the segment stays
      await store.recover();
      const [segment] = listSegments(dir);
      fs.appendFileSync(segment!.file, '0badc0de {"k":"u:torn","r":{"ts":'); // a batch cut mid-write
      const { log, warnings } = recordingLogger();
      const second = await AppendLog.open({ dir, sink: store.sink, log, capBytes: 10_000_000, retryMs: 50 });
      const seeded = (await second.recentEventIds(t0)).filter((item) => item.siteId === siteId);
      assert.equal(seeded.length, 10, 'ids waiting in the log seed the dedupe window');
      await second.loaded(30_000);
      await second.close(5_000);
      assert.equal((await store.visitors(siteId)).length, 30);
      assert.ok(
        warnings.some((line) => /torn/.test(line)),
        warnings.join('\n'),
      );
    });

    test('a damaged record (checksum mismatch) is skipped with a log line; the others are loaded', async () => {
      const dir = tempDataDir('zenovay-log-');
      const siteId = site();
      await store.fail();
      const first = await AppendLog.open({
        dir,
        sink: store.sink,
        log: silent,
        capBytes: 10_000_000,
        retryMs: 50,
      });
      await first.append(rowsFor(siteId, 5));
      await first.close();
      await store.recover();
      const [segment] = listSegments(dir);
      const lines = fs.readFileSync(segment!.file, 'utf8').split('\n');
      lines[2] = lines[2]!.replace('"v2"', '"v9"'); // one flipped character: the checksum no longer matches
      fs.writeFileSync(segment!.file, lines.join('\n'));
      const { log, warnings } = recordingLogger();
      const second = await AppendLog.open({ dir, sink: store.sink, log, capBytes: 10_000_000, retryMs: 50 });
      await second.loaded(30_000);
      await second.close(5_000);
      assert.deepEqual(await store.visitors(siteId), ['v0', 'v1', 'v3', 'v4']);
      assert.ok(
        warnings.some((line) => /damaged/.test(line)),
        warnings.join('\n'),
      );
    });
  });
}

/** DuckDB's rows of a site. */
async function duckdbVisitors(instance: DuckDBInstance, siteId: string): Promise<string[]> {
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT visitor_id FROM events WHERE site_id = $1 ORDER BY ts',
      [siteId],
    );
    return reader.getRowObjectsJS().map((row) => String(row.visitor_id));
  } finally {
    connection.closeSync();
  }
}

logSuite('DuckDB', false, async () => {
  const dataDir = tempDataDir('zenovay-log-duckdb-');
  const instance = await openDuckDb(dataDir);
  const real = await DuckDbEventStore.open(instance);
  let failing = false;
  const sink: LogSink = {
    load: (rows, batch) =>
      failing ? Promise.reject(new Error('store unavailable')) : real.load(rows, batch),
    loadedPosition: (logId) => real.loadedPosition(logId),
    recentEventIds: (since) => real.recentEventIds(since),
    recentServerVisits: (since) => real.recentServerVisits(since),
  };
  return {
    sink,
    visitors: (siteId) => duckdbVisitors(instance, siteId),
    fail: async () => {
      failing = true;
    },
    recover: async () => {
      failing = false;
    },
    close: async () => {
      real.close();
      instance.closeSync();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

logSuite('ClickHouse', missingService('clickhouse'), async () => {
  const service: RunningService = await startService('clickhouse');
  const store = await ClickHouseEventStore.open({ shardUrls: [service.url], database: 'zenovay_log' });
  return {
    sink: store,
    visitors: async (siteId) => (await store.siteEvents(siteId)).map((row) => row.visitorId),
    fail: () => service.stop(),
    recover: () => service.restart(),
    close: () => service.destroy(),
  };
});

describe('append log in front of DuckDB: exactly once across a crash between commit and delete', () => {
  test('a segment loaded and committed, but left on disk, is not loaded again', async () => {
    const dataDir = tempDataDir('zenovay-log-position-');
    const dir = `${dataDir}/log`;
    const instance = await openDuckDb(dataDir);
    const store = await DuckDbEventStore.open(instance);
    try {
      let gate = false;
      const sink: LogSink = {
        load: (rows, batch) => (gate ? store.load(rows, batch) : Promise.reject(new Error('not yet'))),
        loadedPosition: (logId) => store.loadedPosition(logId),
        recentEventIds: (since) => store.recentEventIds(since),
        recentServerVisits: (since) => store.recentServerVisits(since),
      };
      const first = await AppendLog.open({ dir, sink, log: silent, capBytes: 10_000_000, retryMs: 20 });
      await first.append(rowsFor('position', 20));
      const [segment] = listSegments(dir);
      const copy = fs.readFileSync(segment!.file);
      gate = true;
      await first.loaded(10_000);
      await first.close(5_000);
      // The process died after COMMIT, before the segment's delete reached the disk.
      fs.writeFileSync(segment!.file, copy);
      const second = await AppendLog.open({
        dir,
        sink: store,
        log: silent,
        capBytes: 10_000_000,
        retryMs: 20,
      });
      await second.loaded(10_000);
      await second.append(rowsFor('position', 1, 20));
      await second.close(5_000);
      assert.equal((await duckdbVisitors(instance, 'position')).length, 21);
      assert.deepEqual(listSegments(dir), []);
    } finally {
      store.close();
      instance.closeSync();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

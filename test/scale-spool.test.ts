import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../packages/server/src/log.ts';
import { DiskSpool, SpoolFullError } from '../packages/server/src/spool/disk-spool.ts';
import { listSegments, readSegment } from '../packages/server/src/spool/segment-files.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

const log = createLogger('silent');

describe('disk spool in front of ClickHouse', { skip: missingService('clickhouse') }, () => {
  let service: RunningService;
  let store: ClickHouseEventStore;
  let site = 0;

  before(async () => {
    service = await startService('clickhouse');
    store = await ClickHouseEventStore.open({ shardUrls: [service.url], database: 'zenovay' });
  });
  after(async () => service?.destroy());

  const rowsFor = (siteId: string, count: number, from = 0) =>
    Array.from({ length: count }, (_, i) =>
      eventRow({
        siteId,
        ts: t0 + from + i,
        visitorId: `v${from + i}`,
        eventId: (from + i) % 3 === 0 ? `e${from + i}` : '',
      }),
    );

  test('an acknowledged batch is on disk, then shipped and its segment deleted', async () => {
    const dir = tempDataDir('zenovay-spool-');
    const siteId = `spool-${++site}`;
    const spool = DiskSpool.open({ dir, sink: store, log, capBytes: 10_000_000, retryMs: 50 });
    await Promise.all([spool.append(rowsFor(siteId, 10)), spool.append(rowsFor(siteId, 10, 10))]);
    await spool.shipped(20_000);
    assert.deepEqual(listSegments(dir), []);
    assert.equal((await store.siteEvents(siteId)).length, 20);
    await spool.close();
  });

  test('ClickHouse down: accepts up to the cap, refuses beyond it, ships everything once when back', async () => {
    const dir = tempDataDir('zenovay-spool-');
    const siteId = `spool-${++site}`;
    await service.stop();
    const spool = DiskSpool.open({
      dir,
      sink: store,
      log,
      capBytes: 40_000,
      segmentBytes: 8_000,
      retryMs: 50,
    });
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      try {
        await spool.append(rowsFor(siteId, 1, i));
        accepted++;
      } catch (error) {
        assert.ok(error instanceof SpoolFullError);
        refused++;
      }
    }
    assert.ok(accepted > 20 && refused > 0, `accepted ${accepted}, refused ${refused}`);
    assert.ok(spool.spooledBytes <= 40_000);
    assert.ok(listSegments(dir).length > 1, 'several segments wait');
    await service.restart();
    await spool.shipped(60_000);
    const stored = await store.siteEvents(siteId);
    assert.equal(stored.length, accepted);
    assert.deepEqual(
      stored.map((row) => row.visitorId),
      rowsFor(siteId, accepted).map((row) => row.visitorId),
    );
    await spool.close();
  });

  test('after a crash: leftover segments are replayed, a torn tail is dropped, nothing counts twice', async () => {
    const dir = tempDataDir('zenovay-spool-');
    const siteId = `spool-${++site}`;
    await service.stop();
    const first = DiskSpool.open({ dir, sink: store, log, capBytes: 10_000_000, retryMs: 50 });
    await first.append(rowsFor(siteId, 30));
    await first.close(); // stands for kill -9: nothing was shipped, the segment stays
    await service.restart();
    // The crash happened after ClickHouse had taken the segment but before it was deleted.
    const [segment] = listSegments(dir);
    await store.appendKeyed(readSegment(segment!.file));
    fs.appendFileSync(path.join(dir, path.basename(segment!.file)), '{"k":"u:torn","r":{"ts":');
    const second = DiskSpool.open({ dir, sink: store, log, capBytes: 10_000_000, retryMs: 50 });
    const seeded = (await second.recentEventIds(t0)).filter((item) => item.siteId === siteId);
    assert.equal(seeded.length, 20, 'ids from ClickHouse and from the spool');
    await second.shipped(30_000);
    assert.equal((await store.siteEvents(siteId)).length, 30);
    await second.close();
  });
});

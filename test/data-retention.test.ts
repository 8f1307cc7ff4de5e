/**
 * Data retention on the embedded store (`ZENOVAY_RETENTION_DAYS`, store/retention.ts): events and
 * refusal counters of UTC days older than the period are deleted by the background job; newer
 * ones, and other sites' newer ones, stay; the default (0) deletes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { compactDay } from '../packages/server/src/store/duckdb/event-compaction.ts';
import { deleteDay } from '../packages/server/src/store/duckdb/event-retention.ts';
import { SerialQueue } from '../packages/server/src/store/duckdb/serial.ts';
import { retentionCutoffMs } from '../packages/server/src/store/retention.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, assertApiOk, createKey } from './api-helpers.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  stopAndRemove,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

const day = 86_400_000;
const now = Date.parse('2026-03-10T12:00:00Z');

/** Posts one server-side pageview for `site` as if it happened at `at` (the server stamps its clock). */
async function eventAt(server: TestServer, site: Site, at: string, page: string): Promise<void> {
  server.clock.set(Date.parse(at));
  const response = await postEvent(server, site.trackingCode, {
    ...serverDefaults,
    event_type: 'pageview',
    url: `https://${site.domain}${page}`,
    session_id: `session-${page}`,
    visitor_id: 'visitor-0001',
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

const pages = async (server: TestServer, site: Site) =>
  (await storedEvents(server, site.id)).map((row) => `${String(row.ts).slice(0, 10)} ${row.pathname}`);

describe('retention period: 30 days', () => {
  let server: TestServer;
  let a: Site;
  let b: Site;

  before(async () => {
    server = await startTestServer({
      clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')),
      config: { retentionDays: 30 },
    });
    a = await addSite(server, 'a.example');
    b = await addSite(server, 'b.example');
    await eventAt(server, a, '2026-01-05T10:00:00Z', '/a-january');
    await eventAt(server, b, '2026-02-07T10:00:00Z', '/b-31-days');
    await eventAt(server, a, '2026-02-07T23:59:59Z', '/a-31-days');
    await eventAt(server, a, '2026-02-08T00:00:01Z', '/a-30-days');
    await eventAt(server, b, '2026-03-01T08:00:00Z', '/b-recent');
    await eventAt(server, a, '2026-03-10T11:00:00Z', '/a-today');
    await server.runtime.metadata.addRefusals([
      { siteId: a.id, day: '2026-01-05', reason: 'BOT_DETECTED', count: 4 },
      { siteId: b.id, day: '2026-02-07', reason: 'RATE_LIMIT_EXCEEDED', count: 2 },
      { siteId: a.id, day: '2026-02-08', reason: 'BOT_DETECTED', count: 1 },
      { siteId: b.id, day: '2026-03-10', reason: 'BOT_DETECTED', count: 7 },
    ]);
  });
  after(async () => stopAndRemove(server));

  it('keeps everything until the job runs at a later time', async () => {
    server.clock.set(Date.parse('2026-01-20T00:00:00Z'));
    await server.runtime.retention?.pass(); // on Jan 20 no day is 31 days old yet
    assert.equal((await pages(server, a)).length, 4);
    assert.equal((await pages(server, b)).length, 2);
  });

  it('deletes events and refusal counters of days 31+ days old, keeps newer ones of every site', async () => {
    server.clock.set(now);
    assert.equal(retentionCutoffMs(now, 30), Date.parse('2026-02-08T00:00:00Z'));
    assert.ok(server.runtime.retention, 'the job runs when a period is set');
    await server.runtime.retention.pass();
    assert.deepEqual(await pages(server, a), ['2026-02-08 /a-30-days', '2026-03-10 /a-today']);
    assert.deepEqual(await pages(server, b), ['2026-03-01 /b-recent']);
    const refusals = await server.runtime.metadata.refusals('2000-01-01');
    assert.deepEqual(
      refusals.map((item) => [item.siteId === a.id ? 'a' : 'b', item.day, item.count]),
      [
        ['a', '2026-02-08', 1],
        ['b', '2026-03-10', 7],
      ],
    );
  });

  it('moves on a day at a time as the clock does', async () => {
    server.clock.set(now + day); // March 11: Feb 8 is now 31 days old
    await server.runtime.retention?.pass();
    assert.deepEqual(await pages(server, a), ['2026-03-10 /a-today']);
    assert.deepEqual(await pages(server, b), ['2026-03-01 /b-recent']);
    assert.deepEqual(
      (await server.runtime.metadata.refusals('2000-01-01')).map((item) => item.day),
      ['2026-03-10'],
    );
  });

  it('GET /usage reports the retention period', async () => {
    const usage = assertApiOk(await apiGet(server, '/usage', await createKey(server)));
    assert.equal(usage.retention_days, 30);
  });

  it('stats no longer count deleted days', async () => {
    const rows = await server.runtime.events.usage(Date.parse('2026-01-01T00:00:00Z'), now + 2 * day);
    assert.deepEqual(rows.map((row) => [row.siteId === a.id ? 'a' : 'b', Number(row.events)]).sort(), [
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe('retention off (the default)', () => {
  let server: TestServer;
  let site: Site;

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(Date.parse('2025-01-01T00:00:00Z')) });
    site = await addSite(server, 'kept.example');
    await eventAt(server, site, '2025-01-02T10:00:00Z', '/old');
    await server.runtime.metadata.addRefusals([
      { siteId: site.id, day: '2025-01-02', reason: 'BOT_DETECTED', count: 1 },
    ]);
  });
  after(async () => stopAndRemove(server));

  it('is 0 unless configured, and then no job runs and nothing is deleted', async () => {
    assert.equal(server.runtime.config.retentionDays, 0);
    assert.equal(server.runtime.retention, null);
    server.clock.set(Date.parse('2030-01-01T00:00:00Z'));
    assert.deepEqual(await pages(server, site), ['2025-01-02 /old']);
    assert.equal((await server.runtime.metadata.refusals('2000-01-01')).length, 1);
    const usage = assertApiOk(await apiGet(server, '/usage', await createKey(server)));
    assert.equal(usage.retention_days, 0);
  });
});

describe('ZENOVAY_RETENTION_DAYS', () => {
  it('is validated like the other integer settings', () => {
    assert.equal(loadConfig({}).retentionDays, 0);
    assert.equal(loadConfig({ ZENOVAY_RETENTION_DAYS: '395' }).retentionDays, 395);
    for (const bad of ['-1', '1.5', 'forever', '36501']) {
      assert.throws(
        () => loadConfig({ ZENOVAY_RETENTION_DAYS: bad }),
        /ZENOVAY_RETENTION_DAYS must be an integer/,
      );
    }
  });
});

describe('retention beside compaction', () => {
  it('deletes a day the compaction is rewriting at the same moment without a conflict (shared queue)', async () => {
    const server = await startTestServer({ clock: new ManualClock(Date.parse('2026-02-01T00:00:00Z')) });
    try {
      const site = await addSite(server, 'c.example');
      for (let i = 0; i < 20; i++)
        await eventAt(server, site, `2026-02-01T10:${String(i).padStart(2, '0')}:00Z`, `/p${i}`);
      const dayStart = Date.parse('2026-02-01T00:00:00Z');
      await server.runtime.eventsLoaded();
      const queue = new SerialQueue();
      const [compacting, deleting] = await Promise.all([
        server.runtime.duckdb.connect(),
        server.runtime.duckdb.connect(),
      ]);
      try {
        const [moved, deleted] = await Promise.all([
          queue.run(() => compactDay(compacting, dayStart)),
          queue.run(() => deleteDay(deleting, dayStart)),
        ]);
        assert.deepEqual([moved, deleted], [20, 20]);
        assert.deepEqual(await pages(server, site), []);
      } finally {
        compacting.closeSync();
        deleting.closeSync();
      }
    } finally {
      await stopAndRemove(server);
    }
  });
});

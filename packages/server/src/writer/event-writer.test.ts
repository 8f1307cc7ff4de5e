import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import { ManualClock } from '../clock.ts';
import type { EventRow } from '../ingest/types.ts';
import { silentLogger } from '../log.ts';
import { DuckDbEventStore } from '../store/duckdb/event-store.ts';
import { openDuckDb } from '../store/duckdb/open.ts';
import { EventWriter, QueueFullError, StoreWriteError } from './event-writer.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A real DuckDB file in a fresh temp directory, with the real event store on it. */
async function openStore(
  dataDir?: string,
): Promise<{ dataDir: string; instance: DuckDBInstance; store: DuckDbEventStore }> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-writer-'));
  if (!dataDir) dirs.push(dir);
  const instance = await openDuckDb(dir);
  return { dataDir: dir, instance, store: await DuckDbEventStore.open(instance) };
}

function row(overrides: Partial<EventRow> = {}): EventRow {
  return {
    ts: Date.parse('2026-03-10T12:00:00Z'),
    siteId: 'site-1',
    eventType: 'pageview',
    eventName: 'pageview',
    hostname: 'example.com',
    pathname: '/',
    query: '',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    referrer: '',
    referrerHost: '',
    sessionId: 'session-1',
    visitorId: 'visitor-1',
    deviceType: 'server',
    browser: 'server',
    os: 'Linux',
    country: '',
    region: '',
    city: '',
    propKeys: [],
    propValues: [],
    eventId: '',
    ...overrides,
  };
}

async function countRows(instance: DuckDBInstance): Promise<number> {
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events');
    return Number(reader.getRowObjectsJS()[0]?.n);
  } finally {
    connection.closeSync();
  }
}

function startWriter(
  store: DuckDbEventStore,
  options: { maxQueue?: number; maxBatch?: number; clock?: ManualClock; gatherMs?: number } = {},
) {
  return EventWriter.start({
    store,
    clock: options.clock ?? new ManualClock(Date.parse('2026-03-10T12:00:00Z')),
    log: silentLogger,
    maxQueue: options.maxQueue ?? 1_000,
    maxBatch: options.maxBatch ?? 1_000,
    dedupeWindowMs: 48 * 3_600_000,
    ...(options.gatherMs === undefined ? {} : { gatherMs: options.gatherMs }),
  });
}

/** Batch sizes the writer committed while `senders` each wrote `rounds` events one after another. */
async function batchSizesUnderClosedLoop(gatherMs: number, senders: number, rounds: number) {
  const { instance, store } = await openStore();
  const sizes: number[] = [];
  const append = store.append.bind(store);
  store.append = (rows) => {
    sizes.push(rows.length);
    return append(rows);
  };
  const writer = await startWriter(store, { gatherMs });
  await Promise.all(
    Array.from({ length: senders }, async (_, sender) => {
      for (let i = 0; i < rounds; i++) await writer.write(row({ sessionId: `s-${sender}-${i}` }));
    }),
  );
  assert.equal(await countRows(instance), senders * rounds);
  await writer.close();
  store.close();
  instance.closeSync();
  return sizes;
}

test('under load, answered senders are gathered into the next batch instead of each paying a commit', async () => {
  // Without gathering, 20 senders in a closed loop split into two cohorts that take turns.
  const alone = await batchSizesUnderClosedLoop(0, 20, 10);
  assert.ok(
    alone.slice(2, -2).every((size) => size < 20),
    `batches ${alone}`,
  );
  // Gathering (ended early by the 20th sender, so its time limit is never what decides) merges them.
  const gathered = await batchSizesUnderClosedLoop(5_000, 20, 10);
  assert.ok(
    gathered.slice(2, -2).every((size) => size === 20),
    `batches ${gathered}`,
  );
  assert.ok(gathered.length < alone.length);
});

test('a full queue refuses new rows at once, and everything it did take is committed', async () => {
  const { instance, store } = await openStore();
  const writer = await startWriter(store, { maxQueue: 2, maxBatch: 1 });
  // The first row goes straight into a commit; the next two wait in the queue; the fourth finds it full.
  const taken = [writer.write(row()), writer.write(row()), writer.write(row())];
  assert.equal(writer.queueLength, 2);
  await assert.rejects(writer.write(row()), QueueFullError);
  assert.deepEqual(await Promise.all(taken), Array(3).fill({ duplicate: false }));
  assert.equal(writer.queueLength, 0);
  assert.equal(await countRows(instance), 3);
  // Once drained, the queue takes rows again.
  assert.deepEqual(await writer.write(row()), { duplicate: false });
  await writer.close();
  store.close();
  instance.closeSync();
});

test('concurrent writers share commits and all of them are stored', async () => {
  const { instance, store } = await openStore();
  const writer = await startWriter(store);
  const outcomes = await Promise.all(
    Array.from({ length: 500 }, (_, i) => writer.write(row({ sessionId: `s-${i}` }))),
  );
  assert.equal(outcomes.length, 500);
  assert.equal(await countRows(instance), 500);
  await writer.close();
  store.close();
  instance.closeSync();
});

test('close() commits everything accepted, then refuses new rows', async () => {
  const { instance, store } = await openStore();
  const writer = await startWriter(store, { maxBatch: 7 });
  const pending = Array.from({ length: 50 }, () => writer.write(row()));
  await writer.close();
  assert.equal((await Promise.all(pending)).length, 50);
  assert.equal(await countRows(instance), 50);
  await assert.rejects(writer.write(row()), StoreWriteError);
  store.close();
  instance.closeSync();
});

test('event ids are deduplicated within a batch, across batches and across a reopen', async () => {
  const opened = await openStore();
  const writer = await startWriter(opened.store);
  const results = await Promise.all([
    writer.write(row({ eventId: 'a' })),
    writer.write(row({ eventId: 'a' })),
    writer.write(row({ eventId: 'a', siteId: 'site-2' })),
  ]);
  assert.deepEqual(
    results.map((result) => result.duplicate),
    [false, true, false],
  );
  assert.deepEqual(await writer.write(row({ eventId: 'a' })), { duplicate: true });
  await writer.close();
  opened.store.close();
  opened.instance.closeSync();

  const reopened = await openStore(opened.dataDir);
  const again = await startWriter(reopened.store);
  assert.deepEqual(await again.write(row({ eventId: 'a' })), { duplicate: true }, 'seeded from the file');
  assert.deepEqual(await again.write(row({ eventId: 'b' })), { duplicate: false });
  assert.equal(await countRows(reopened.instance), 3);
  await again.close();
  reopened.store.close();
  reopened.instance.closeSync();
});

test('when the store fails, every row of the batch is rejected, duplicates included', async () => {
  const { instance, store } = await openStore();
  const writer = await startWriter(store);
  const connection = await instance.connect();
  await connection.run('DROP TABLE events'); // a real store failure: the table is gone
  connection.closeSync();
  const outcomes = await Promise.allSettled([
    writer.write(row({ eventId: 'x' })),
    writer.write(row({ eventId: 'x' })),
  ]);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof StoreWriteError);
  }
  await writer.close();
  store.close();
  instance.closeSync();
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { HeartbeatRow } from '../packages/server/src/ingest/heartbeat-types.ts';
import { deleteDay } from '../packages/server/src/store/duckdb/event-retention.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';

const beat = (pageviewKey: string, at: string): HeartbeatRow => ({
  kind: 'heartbeat',
  ts: Date.parse(at),
  siteId: 'site-r',
  sessionId: `s-${pageviewKey}`,
  visitorId: 'visitor-r',
  eventId: '',
  hostname: 'example.com',
  pathname: '/',
  pageviewKey,
  engagedMs: 1_000,
  scrollMax: 10,
});

test('retention deletes the engagement of pageviews whose last engaged moment is in the deleted day', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-engagement-retention-'));
  const instance = await openDuckDb(dir);
  try {
    const store = await DuckDbEventStore.open(instance);
    await store.append([
      beat('old', '2026-03-01T23:59:59Z'),
      // Read across midnight: its last moment is on the next day, so it stays with that day.
      beat('midnight', '2026-03-01T23:59:00Z'),
      beat('midnight', '2026-03-02T00:01:00Z'),
      beat('new', '2026-03-02T12:00:00Z'),
    ]);
    const connection = await instance.connect();
    await deleteDay(connection, Date.parse('2026-03-01T00:00:00Z'));
    const reader = await connection.runAndReadAll(
      'SELECT pageview_key FROM engagement ORDER BY pageview_key',
    );
    assert.deepEqual(
      reader.getRowObjectsJS().map((row) => row.pageview_key),
      ['midnight', 'new'],
    );
    connection.closeSync();
    store.close();
  } finally {
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('batches merge into one row per pageview with max(); a pageview silent for over a day gets a second row', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-engagement-merge-'));
  const instance = await openDuckDb(dir);
  try {
    const store = await DuckDbEventStore.open(instance);
    const at = (key: string, iso: string, engagedMs: number, scrollMax: number) => ({
      ...beat(key, iso),
      engagedMs,
      scrollMax,
    });
    await store.append([at('p', '2026-03-02T10:00:15Z', 15_000, 20)]);
    await store.append([at('p', '2026-03-02T10:00:30Z', 30_000, 60)]);
    // A replayed (older) heartbeat in a later batch lowers nothing.
    await store.append([at('p', '2026-03-02T10:00:15Z', 15_000, 20)]);
    // The same tab resumed two days later: beyond the merge window, a row of its own.
    await store.append([at('p', '2026-03-04T09:00:00Z', 45_000, 70)]);
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      'SELECT engaged_ms, scroll_max, last_ms FROM engagement ORDER BY last_ms',
    );
    assert.deepEqual(
      reader.getRowObjectsJS().map((row) => [Number(row.engaged_ms), row.scroll_max, Number(row.last_ms)]),
      [
        [30_000, 60, Date.parse('2026-03-02T10:00:30Z')],
        [45_000, 70, Date.parse('2026-03-04T09:00:00Z')],
      ],
    );
    connection.closeSync();
    store.close();
  } finally {
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

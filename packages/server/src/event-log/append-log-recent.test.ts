import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { eventRow } from '../../../../test/support/scale-rows.ts';
import type { EventRow } from '../ingest/types.ts';
import { createLogger } from '../log.ts';
import type { KeyedRow } from '../store/clickhouse/insert-once.ts';
import { AppendLog } from './append-log.ts';
import type { LogBatch, LogPosition, LogSink } from './log-loader.ts';

// The loader takes what this process appended from memory instead of reading it back: the same
// rows, in order, each batch exactly once and contiguous; what an earlier process appended (or
// what memory no longer holds) still comes from the file.

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-recent-'));
  dirs.push(dir);
  return dir;
};

/** A store that keeps its rows and position in memory, like DuckDB commits both together. */
class MemorySink implements LogSink {
  readonly loads: Array<{ rows: readonly KeyedRow[]; batch: LogBatch }> = [];
  position: LogPosition | null = null;
  failNext = 0;
  async load(rows: readonly KeyedRow[], batch: LogBatch): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('store down');
    }
    this.loads.push({ rows, batch });
    this.position = { sequence: batch.sequence, offset: batch.to };
  }
  async loadedPosition(): Promise<LogPosition | null> {
    return this.position ?? { sequence: 0, offset: 0 };
  }
  async recentEventIds() {
    return [];
  }
  async recentServerVisits() {
    return [];
  }
  rows(): EventRow[] {
    return this.loads.flatMap((load) => load.rows.map((item) => item.row as EventRow));
  }
}

const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => eventRow({ visitorId: `v${from + i}`, eventId: `e${from + i}` }));
const open = (dir: string, sink: LogSink) =>
  AppendLog.open({
    dir,
    sink,
    log: createLogger('silent'),
    capBytes: 50_000_000,
    retryMs: 10,
    loadDelayMs: 0,
  });

test('rows this process appended are loaded as handed over, in order, each once', async () => {
  const sink = new MemorySink();
  const log = await open(tempDir(), sink);
  const appended = [rows(0, 3), rows(3, 1), rows(4, 5)];
  for (const batch of appended) await log.append(batch);
  await log.loaded(5_000);
  await log.close();
  // The very objects appended (not copies read back from the file).
  const loaded = sink.rows();
  assert.equal(loaded.length, 9);
  for (const [i, row] of appended.flat().entries()) assert.equal(loaded[i], row, `row ${i}`);
  // Batches cover the segment's bytes without gap or overlap.
  let end = 0;
  for (const { batch } of sink.loads) {
    assert.equal(batch.from, end);
    end = batch.to;
  }
});

test('a failed load is retried with the same rows and bytes', async () => {
  const sink = new MemorySink();
  sink.failNext = 1;
  const log = await open(tempDir(), sink);
  await log.append(rows(0, 4));
  await log.loaded(5_000);
  await log.close();
  assert.equal(sink.loads.length, 1);
  assert.deepEqual(
    sink.rows().map((row) => row.eventId),
    ['e0', 'e1', 'e2', 'e3'],
  );
});

test('rows appended before a restart are read from the file, and nothing twice', async () => {
  const dir = tempDir();
  const down = new MemorySink();
  down.failNext = Number.POSITIVE_INFINITY;
  const first = await open(dir, down);
  await first.append(rows(0, 3));
  await first.close();
  const sink = new MemorySink();
  const second = await open(dir, sink);
  await second.append(rows(3, 2));
  await second.loaded(5_000);
  await second.close();
  assert.deepEqual(
    sink.rows().map((row) => row.eventId),
    ['e0', 'e1', 'e2', 'e3', 'e4'],
  );
  // The first three came from the file: equal, but not the objects the first process held.
  assert.deepEqual(sink.rows()[0], rows(0, 1)[0]);
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import { createLogger } from '../log.ts';
import { DuckDbMetadataStore } from '../store/duckdb/metadata-store.ts';
import { openDuckDb } from '../store/duckdb/open.ts';
import {
  type MonthlyCounterStore,
  nextUtcMonthStart,
  StoredMonthlyQuota,
  utcMonth,
} from './monthly-quota.ts';

const log = createLogger('silent');
const march = Date.parse('2026-03-10T12:00:00Z');
let dir: string;
let instance: DuckDBInstance;
let store: DuckDbMetadataStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-quota-'));
  instance = await openDuckDb(dir);
  store = await DuckDbMetadataStore.open(instance);
});
after(() => {
  store.close();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = (limit: number, counters: MonthlyCounterStore = store, nowMs = march) =>
  StoredMonthlyQuota.open({ store: counters, limit, log, nowMs, flushIntervalMs: 60_000 });

test('calendar months in UTC, across a year end', () => {
  assert.equal(utcMonth(Date.parse('2026-12-31T23:59:59.999Z')), '2026-12');
  assert.equal(nextUtcMonthStart(Date.parse('2026-12-31T23:59:59.999Z')), Date.parse('2027-01-01T00:00:00Z'));
  assert.equal(nextUtcMonthStart(Date.parse('2026-02-01T00:00:00Z')), Date.parse('2026-03-01T00:00:00Z'));
});

test('a flush makes the counts visible to a second quota on the same store (another node, or after a crash)', async () => {
  const first = await open(4);
  const concurrent = await Promise.all([1, 2, 3].map(() => first.consume('zv_aaaaaaaa', march)));
  assert.deepEqual(
    concurrent.map((d) => d.used),
    [1, 2, 3],
  );
  await first.flush();
  const second = await open(4);
  assert.deepEqual(await second.consume('zv_aaaaaaaa', march), {
    allowed: true,
    limit: 4,
    used: 4,
    remaining: 0,
    resetMs: Date.parse('2026-04-01T00:00:00Z') - march,
  });
  assert.equal((await second.consume('zv_aaaaaaaa', march)).allowed, false);
  await second.close();
  // The first one's next flush reads the shared total back: it then knows the key is spent too.
  assert.equal((await first.consume('zv_aaaaaaaa', march)).allowed, true, 'it has not seen the fourth yet');
  assert.equal((await first.consume('zv_bbbbbbbb', march)).used, 1);
  await first.flush();
  assert.equal((await first.consume('zv_aaaaaaaa', march)).allowed, false);
  await first.close();
  const third = await open(4);
  assert.equal((await third.consume('zv_aaaaaaaa', march)).allowed, false);
  assert.deepEqual(await store.apiKeyRequests('2026-03'), [
    { prefix: 'zv_aaaaaaaa', month: '2026-03', count: 5 },
    { prefix: 'zv_bbbbbbbb', month: '2026-03', count: 1 },
  ]);
  await third.close();
});

test('a store that fails keeps the counts for the next flush, and a failed load fails open', async () => {
  let failing = true;
  const flaky: MonthlyCounterStore = {
    addApiKeyRequests: (counts) =>
      failing ? Promise.reject(new Error('down')) : store.addApiKeyRequests(counts),
    apiKeyRequests: (month) => (failing ? Promise.reject(new Error('down')) : store.apiKeyRequests(month)),
  };
  const may = Date.parse('2026-05-02T00:00:00Z');
  const quota = await open(10, flaky, may);
  assert.equal(
    (await quota.consume('zv_cccccccc', may)).allowed,
    true,
    'counted from zero while the store is down',
  );
  await quota.consume('zv_cccccccc', may);
  await quota.flush();
  assert.equal((await quota.consume('zv_cccccccc', may)).used, 3, 'nothing lost by the failed flush');
  failing = false;
  await quota.close();
  assert.deepEqual(await store.apiKeyRequests('2026-05'), [
    { prefix: 'zv_cccccccc', month: '2026-05', count: 3 },
  ]);
});

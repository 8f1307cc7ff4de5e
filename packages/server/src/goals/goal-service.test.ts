import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import { ManualClock } from '../clock.ts';
import { ApiError } from '../errors.ts';
import { DuckDbGoalStore } from '../store/duckdb/goal-store.ts';
import { DuckDbMetadataStore } from '../store/duckdb/metadata-store.ts';
import { openDuckDb } from '../store/duckdb/open.ts';
import { GoalService } from './goal-service.ts';

let dir: string;
let instance: DuckDBInstance;
let metadata: DuckDbMetadataStore;
let store: DuckDbGoalStore;
const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-goal-service-'));
  instance = await openDuckDb(dir);
  metadata = await DuckDbMetadataStore.open(instance);
  store = await DuckDbGoalStore.open(instance);
  await metadata.createSite({
    id: 'site-1',
    domain: 'example.com',
    name: 'Example',
    trackingCode: 'ZV_code1',
    timezone: 'UTC',
    createdAt: '2026-03-01T00:00:00.000Z',
  });
});
after(() => {
  store.close();
  metadata.close();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (code: string, fields?: unknown) => (error: unknown) => {
  assert.ok(error instanceof ApiError, String(error));
  assert.equal(error.code, code);
  if (fields !== undefined) assert.deepEqual(error.fields, fields);
  return true;
};

test('ids are g_ + 16 base64url characters; created_at is the injected clock', async () => {
  const service = new GoalService(store, metadata, clock);
  clock.set(Date.parse('2026-03-10T12:34:56.789Z'));
  const goal = await service.create('site-1', { type: 'event', event_name: 'signup' });
  assert.match(goal.id, /^g_[A-Za-z0-9_-]{16}$/);
  assert.equal(goal.createdAt, '2026-03-10T12:34:56.789Z');
  assert.equal(goal.name, 'signup');
  await service.delete('site-1', goal.id);
});

test('at most 100 goals per site; the 101st is a VALIDATION_ERROR naming the limit', async () => {
  const service = new GoalService(store, metadata, clock);
  for (let n = 1; n <= 100; n++) await service.create('site-1', { type: 'event', event_name: `e${n}` });
  await assert.rejects(
    service.create('site-1', { type: 'event', event_name: 'e101' }),
    refusal('VALIDATION_ERROR', [
      { field: '(site)', reason: 'a site can have at most 100 goals; delete one first' },
    ]),
  );
  assert.equal((await service.list('site-1')).length, 100);
});

test('an unknown site is NOT_FOUND before anything is stored; a bad rename is refused by field', async () => {
  const service = new GoalService(store, metadata, clock);
  await assert.rejects(service.create('nope', { type: 'event', event_name: 'x' }), refusal('NOT_FOUND'));
  await assert.rejects(service.list('nope'), refusal('NOT_FOUND'));
  await assert.rejects(
    service.rename('site-1', 'g_x', { name: 'a\u0007b' }),
    refusal('VALIDATION_ERROR', [{ field: 'name', reason: 'must not contain control characters' }]),
  );
  await assert.rejects(service.rename('site-1', 'g_x', { name: 'Fine' }), refusal('NOT_FOUND'));
});

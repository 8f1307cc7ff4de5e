import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from './uuidv7.js';

const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('version 7, RFC variant, and the millisecond timestamp in the first 48 bits', () => {
  const ms = Date.parse('2026-03-10T12:00:00.123Z');
  const id = uuidv7(ms);
  assert.match(id, shape);
  assert.equal(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16), ms);
});

test('ids sort in the order they were made, even within one millisecond or a clock step back', () => {
  const ms = Date.parse('2026-03-10T12:00:00Z');
  const ids: string[] = [];
  for (let i = 0; i < 10_000; i++) ids.push(uuidv7(ms + Math.floor(i / 5_000) - (i % 7 === 0 ? 3 : 0)));
  for (const id of ids) assert.match(id, shape);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastCompletedPeriod } from '../packages/server/src/reports/period.ts';

// Which period a report covers: the last whole week (Monday to Sunday) or calendar month before
// "today" in the site's time zone. Dates checked on a calendar by hand.

test('weekly: the Monday-to-Sunday week before today, in the site’s time zone', () => {
  // Sunday 8 March 2026, 23:30 UTC = Monday 9 March, 00:30 in Paris.
  const at = Date.parse('2026-03-08T23:30:00Z');
  assert.deepEqual(lastCompletedPeriod('weekly', 'Europe/Paris', at), {
    start: '2026-03-02',
    end: '2026-03-08',
  });
  assert.deepEqual(lastCompletedPeriod('weekly', 'UTC', at), { start: '2026-02-23', end: '2026-03-01' });
  // Tuesday 10 March: still the week of 2–8 March.
  assert.deepEqual(lastCompletedPeriod('weekly', 'UTC', Date.parse('2026-03-10T12:00:00Z')), {
    start: '2026-03-02',
    end: '2026-03-08',
  });
  // Saturday 14 March, 20:00 UTC is already Sunday 15 March in Auckland: the week is not over.
  assert.deepEqual(lastCompletedPeriod('weekly', 'Pacific/Auckland', Date.parse('2026-03-14T20:00:00Z')), {
    start: '2026-03-02',
    end: '2026-03-08',
  });
});

test('monthly: the calendar month before today, in the site’s time zone, across a year', () => {
  // 28 February 2026, 23:30 UTC = 1 March, 00:30 in Paris.
  const at = Date.parse('2026-02-28T23:30:00Z');
  assert.deepEqual(lastCompletedPeriod('monthly', 'Europe/Paris', at), {
    start: '2026-02-01',
    end: '2026-02-28',
  });
  assert.deepEqual(lastCompletedPeriod('monthly', 'UTC', at), { start: '2026-01-01', end: '2026-01-31' });
  assert.deepEqual(lastCompletedPeriod('monthly', 'UTC', Date.parse('2026-01-15T12:00:00Z')), {
    start: '2025-12-01',
    end: '2025-12-31',
  });
  assert.deepEqual(lastCompletedPeriod('monthly', 'UTC', Date.parse('2024-03-02T00:00:00Z')), {
    start: '2024-02-01',
    end: '2024-02-29',
  });
});

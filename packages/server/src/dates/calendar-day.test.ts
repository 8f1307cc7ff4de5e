import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasCalendarDayPrefix, isCalendarDay } from './calendar-day.ts';

test('real days are calendar days, leap days only in leap years', () => {
  for (const day of ['2024-02-29', '2000-02-29', '2026-01-31', '2026-04-30', '2026-12-31', '2026-03-01']) {
    assert.equal(isCalendarDay(day), true, day);
  }
});

test('impossible days are refused instead of rolled over', () => {
  for (const day of [
    '2026-02-30',
    '2026-02-29',
    '2025-02-29',
    '1900-02-29', // a century not divisible by 400
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-06-31',
    '2026-01-00',
    '2026-01-32',
  ]) {
    assert.equal(isCalendarDay(day), false, day);
  }
});

test('only YYYY-MM-DD strings are calendar days', () => {
  for (const value of [
    '2026-3-01',
    '2026-03-1',
    '20260301',
    ' 2026-03-01',
    '2026-03-01 ',
    '2026-03-01T00:00:00Z',
  ]) {
    assert.equal(isCalendarDay(value), false, JSON.stringify(value));
  }
  for (const value of [20260301, null, undefined, ['2026-03-01'], { day: '2026-03-01' }]) {
    assert.equal(isCalendarDay(value), false, JSON.stringify(value));
  }
});

test('a date-time needs a real day before its T', () => {
  assert.equal(hasCalendarDayPrefix('2024-02-29T10:00:00Z'), true);
  assert.equal(hasCalendarDayPrefix('2026-03-10T12:00:00.250+01:00'), true);
  assert.equal(hasCalendarDayPrefix('2026-02-30T10:00:00Z'), false);
  assert.equal(hasCalendarDayPrefix('2026-13-01T10:00:00Z'), false);
  assert.equal(hasCalendarDayPrefix('2026-03-10 12:00:00Z'), false);
  assert.equal(hasCalendarDayPrefix('2026-03-10'), false);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Site } from '../store/types.ts';
import { plausibleDateRange } from './date-range.ts';

// Tokyo is already on Wed 2026-03-11 at 20:00 UTC on Tue the 10th: "today" is the site's day.
const now = Date.parse('2026-03-10T20:00:00Z');
const site = { timezone: 'Asia/Tokyo', createdAt: '2025-07-04T08:00:00.000Z' } as Site;

const days = (value: unknown) => {
  const parsed = plausibleDateRange(value, site, now);
  if (!parsed.ok) return 'refused';
  return parsed.range.kind === 'custom' ? [parsed.range.start, parsed.range.end] : parsed.range;
};

describe('plausibleDateRange', () => {
  it("reads each named period in the site's time zone", () => {
    assert.deepEqual(days('day'), ['2026-03-11', '2026-03-11']);
    // The N days before today, today left out (Plausible since 2025).
    assert.deepEqual(days('7d'), ['2026-03-04', '2026-03-10']);
    assert.deepEqual(days('28d'), ['2026-02-11', '2026-03-10']);
    assert.deepEqual(days('30d'), ['2026-02-09', '2026-03-10']);
    assert.deepEqual(days('91d'), ['2025-12-10', '2026-03-10']);
    assert.deepEqual(days('month'), ['2026-03-01', '2026-03-31']);
    assert.deepEqual(days('6mo'), ['2025-10-01', '2026-03-31']);
    assert.deepEqual(days('12mo'), ['2025-04-01', '2026-03-31']);
    assert.deepEqual(days('year'), ['2026-01-01', '2026-12-31']);
    // From the day the site was added (17:00 in Tokyo on 2025-07-04).
    assert.deepEqual(days('all'), ['2025-07-04', '2026-03-11']);
  });

  it('reads custom days and datetimes; the end datetime is inclusive to its second', () => {
    assert.deepEqual(days(['2024-01-01', '2024-07-01']), ['2024-01-01', '2024-07-01']);
    assert.deepEqual(days(['2024-01-01T12:00:00+02:00', '2024-01-01T15:59:59+02:00']), {
      kind: 'instants',
      startMs: Date.parse('2024-01-01T10:00:00Z'),
      endMs: Date.parse('2024-01-01T14:00:00Z'),
    });
    assert.deepEqual(days(['2024-01-01T10:00:00.250Z', '2024-01-01T10:00:00.500Z']), {
      kind: 'instants',
      startMs: Date.parse('2024-01-01T10:00:00.250Z'),
      endMs: Date.parse('2024-01-01T10:00:01Z'),
    });
  });

  it('refuses every other form', () => {
    for (const value of [
      '8d',
      'today',
      '',
      null,
      7,
      ['2024-01-01'],
      ['2024-01-01', '2024-01-02', '2024-01-03'],
      ['2024-01-01', '2024-01-01T10:00:00Z'],
      ['2024-01-01T10:00:00', '2024-01-01T11:00:00'],
      ['2024-13-01T10:00:00Z', '2024-13-01T11:00:00Z'],
      [20240101, 20240102],
    ]) {
      assert.equal(days(value), 'refused', JSON.stringify(value));
    }
  });
});

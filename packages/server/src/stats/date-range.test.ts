import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  offsetSegments,
  previousPeriod,
  resolveDateRange,
  startOfLocalDay,
  timeLabels,
} from './date-range.ts';

const now = Date.parse('2026-03-10T12:00:00Z');

describe('resolveDateRange', () => {
  it('resolves each preset to local days ending today', () => {
    const days = (preset: string) => {
      const r = resolveDateRange({ kind: 'preset', preset: preset as never }, 'America/New_York', now);
      return [r.startDate, r.endDate];
    };
    assert.deepEqual(days('today'), ['2026-03-10', '2026-03-10']);
    assert.deepEqual(days('7d'), ['2026-03-04', '2026-03-10']);
    assert.deepEqual(days('30d'), ['2026-02-09', '2026-03-10']);
    assert.deepEqual(days('90d'), ['2025-12-11', '2026-03-10']);
    assert.deepEqual(days('month'), ['2026-03-01', '2026-03-10']);
    assert.deepEqual(days('12mo'), ['2025-04-01', '2026-03-10']);
    assert.deepEqual(days('1y'), ['2025-03-11', '2026-03-10']);
  });

  it('uses local midnight, including on the day DST starts', () => {
    // New York springs forward on 2026-03-08: that day starts at 05:00 UTC and ends at 04:00 UTC.
    const r = resolveDateRange(
      { kind: 'custom', start: '2026-03-08', end: '2026-03-08' },
      'America/New_York',
      now,
    );
    assert.equal(new Date(r.startMs).toISOString(), '2026-03-08T05:00:00.000Z');
    assert.equal(new Date(r.endMs).toISOString(), '2026-03-09T04:00:00.000Z');
  });

  it('finds the first instant of a day whose midnight does not exist', () => {
    // America/Santiago skips 24:00 -> 01:00 on 2025-09-07 (clocks move from UTC-4 to UTC-3)
    assert.equal(
      new Date(startOfLocalDay('2025-09-07', 'America/Santiago')).toISOString(),
      '2025-09-07T04:00:00.000Z',
    );
  });
});

describe('previousPeriod', () => {
  it('takes the same number of days right before', () => {
    const r = resolveDateRange({ kind: 'custom', start: '2026-03-01', end: '2026-03-31' }, 'UTC', now);
    const p = previousPeriod(r, 'UTC');
    assert.deepEqual([p.startDate, p.endDate], ['2026-01-29', '2026-02-28']);
  });

  it('shifts rolling ranges by their length', () => {
    const r = resolveDateRange({ kind: 'preset', preset: '24h' }, 'UTC', now);
    const p = previousPeriod(r, 'UTC');
    assert.equal(p.endMs, r.startMs);
    assert.equal(p.endMs - p.startMs, 86_400_000);
  });
});

describe('offsets and labels', () => {
  it('splits a range at each offset change', () => {
    const segments = offsetSegments(
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse('2026-11-30T00:00:00Z'),
      'Europe/Berlin',
    );
    assert.deepEqual(segments, [
      { offsetMs: 3_600_000, untilMs: Date.parse('2026-03-29T01:00:00Z') },
      { offsetMs: 7_200_000, untilMs: Date.parse('2026-10-25T01:00:00Z') },
      { offsetMs: 3_600_000, untilMs: null },
    ]);
  });

  it('labels weeks from Monday and a 25-hour day with a repeated hour once', () => {
    const r = resolveDateRange(
      { kind: 'custom', start: '2026-10-25', end: '2026-10-25' },
      'Europe/Berlin',
      now,
    );
    assert.equal(timeLabels(r, 'hour', 'Europe/Berlin').length, 24); // 02:00 happens twice, one label
    const w = resolveDateRange({ kind: 'custom', start: '2026-03-01', end: '2026-03-10' }, 'UTC', now);
    assert.deepEqual(timeLabels(w, 'week', 'UTC'), ['2026-02-23', '2026-03-02', '2026-03-09']);
  });
});

/**
 * Plausible's `date_range` forms as our range model: named periods become whole local days (the
 * site's time zone), ISO 8601 datetimes become instants. Plausible's rules, from its reference:
 * - `"day"`: today; `"7d"`, `"28d"`, `"30d"`, `"91d"`: the N days before today (today excluded);
 * - `"month"`, `"year"`: the whole current calendar month / year (days ahead included);
 * - `"6mo"`, `"12mo"`: the current month and the 5 / 11 before it, whole months;
 * - `"all"`: from the day the site was added to today;
 * - `["YYYY-MM-DD", "YYYY-MM-DD"]`: both days inclusive; two datetimes with an offset: from the
 *   first instant to the end of the second's second.
 */
import { isCalendarDay } from '../dates/calendar-day.ts';
import { addDays, localDate } from '../stats/date-range.ts';
import type { DateRange } from '../stats/types.ts';
import type { Site } from '../store/types.ts';

export const plausiblePeriods = ['day', '7d', '28d', '30d', '91d', 'month', '6mo', '12mo', 'year', 'all'];

/** `2024-01-01T12:00:00+02:00` (or `Z`); fractions of a second are allowed. */
const datetimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export type PlausibleRange = { readonly ok: true; readonly range: DateRange } | { readonly ok: false };

/** Day `YYYY-MM-DD` shifted by whole months, on the first of the month. */
function firstOfMonth(date: string, monthsBack: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 - monthsBack;
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
}

function lastOfMonth(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

const days = (start: string, end: string): PlausibleRange => ({
  ok: true,
  range: { kind: 'custom', start, end },
});

export function plausibleDateRange(value: unknown, site: Site, nowMs: number): PlausibleRange {
  const today = localDate(nowMs, site.timezone || 'UTC');
  if (typeof value === 'string') {
    const lastDays = /^(7|28|30|91)d$/.exec(value);
    if (lastDays) return days(addDays(today, -Number(lastDays[1])), addDays(today, -1));
    switch (value) {
      case 'day':
        return days(today, today);
      case 'month':
        return days(firstOfMonth(today, 0), lastOfMonth(today));
      case '6mo':
        return days(firstOfMonth(today, 5), lastOfMonth(today));
      case '12mo':
        return days(firstOfMonth(today, 11), lastOfMonth(today));
      case 'year':
        return days(`${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`);
      case 'all': {
        const added = localDate(Date.parse(site.createdAt), site.timezone || 'UTC');
        // ISO dates sort as strings (a lint rule would turn a ternary into Math.min over strings).
        return days([added, today].sort()[0] ?? today, today);
      }
      default:
        return { ok: false };
    }
  }
  if (!Array.isArray(value) || value.length !== 2) return { ok: false };
  const [start, end] = value;
  if (typeof start !== 'string' || typeof end !== 'string') return { ok: false };
  if (isCalendarDay(start) && isCalendarDay(end)) return days(start, end);
  if (datetimePattern.test(start) && datetimePattern.test(end)) {
    const startMs = Date.parse(start);
    const endMs = Date.parse(end);
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) return { ok: false };
    // The end is inclusive to its second, as Plausible reads `…T15:59:59`.
    return { ok: true, range: { kind: 'instants', startMs, endMs: Math.floor(endMs / 1000) * 1000 + 1000 } };
  }
  return { ok: false };
}

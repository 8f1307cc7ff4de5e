import type { ReportFrequency } from './types.ts';

/** A report's period: whole days in the site's time zone, both ends inclusive (`YYYY-MM-DD`). */
export interface ReportPeriod {
  readonly start: string;
  readonly end: string;
}

const dayMs = 86_400_000;

function localDay(nowMs: number, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(nowMs);
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The last whole period before today in the site's time zone: for weekly the Monday-to-Sunday
 * week before this one, for monthly the calendar month before this one. The report for it is due
 * from the site's local midnight that ends it.
 */
export function lastCompletedPeriod(
  frequency: ReportFrequency,
  timezone: string,
  nowMs: number,
): ReportPeriod {
  const today = Date.parse(`${localDay(nowMs, timezone)}T00:00:00Z`);
  if (frequency === 'weekly') {
    const weekday = new Date(today).getUTCDay(); // 0 Sunday … 6 Saturday
    const end = today - (weekday === 0 ? 7 : weekday) * dayMs;
    return { start: iso(end - 6 * dayMs), end: iso(end) };
  }
  const date = new Date(today);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
  const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - dayMs;
  return { start: iso(start), end: iso(end) };
}

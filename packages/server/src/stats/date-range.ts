/**
 * Date ranges become UTC instants here, in JS with Intl, so that day boundaries follow the site's
 * time zone (DST included) while SQL only ever compares UTC timestamps.
 */
import type { DateRange, ResolvedRange } from './types.ts';

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when Intl knows the zone name (the only zones a site may have). */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ms: number, timezone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** `YYYY-MM-DD` of the instant in the zone. */
export function localDate(ms: number, timezone: string): string {
  const p = localParts(ms, timezone);
  return isoDate(Date.UTC(p.year, p.month - 1, p.day));
}

function isoDate(utcMidnightMs: number): string {
  return new Date(utcMidnightMs).toISOString().slice(0, 10);
}

function parseDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** Adds whole calendar days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return isoDate(parseDate(date) + days * dayMs);
}

/** Adds calendar months, clamping the day to the target month's length. */
function addMonths(date: string, months: number): string {
  const d = new Date(parseDate(date));
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return isoDate(target.getTime());
}

/**
 * The first instant of a local calendar day. Where a DST jump skips midnight, the day starts at
 * the first local time that exists.
 */
export function startOfLocalDay(date: string, timezone: string): number {
  const base = parseDate(date);
  const candidates = [offsetAt(base - dayMs, timezone), offsetAt(base + dayMs, timezone)].map(
    (offset) => base - offset,
  );
  const sameDay = candidates.filter((ms) => localDate(ms, timezone) === date).sort((a, b) => a - b);
  const exact = sameDay.find((ms) => localParts(ms, timezone).hour === 0);
  if (exact !== undefined) return exact;
  if (sameDay[0] !== undefined) return sameDay[0];
  // midnight skipped and both guesses landed on the day before: step forward by the jump
  return Math.max(...candidates);
}

function dayRange(startDate: string, endDate: string, timezone: string): ResolvedRange {
  return {
    startMs: startOfLocalDay(startDate, timezone),
    endMs: startOfLocalDay(addDays(endDate, 1), timezone),
    startDate,
    endDate,
  };
}

/** Resolves a range as of `nowMs` in the site's zone. Presets of N days end today, inclusive. */
export function resolveDateRange(range: DateRange, timezone: string, nowMs: number): ResolvedRange {
  if (range.kind === 'custom') return dayRange(range.start, range.end, timezone);
  if (range.kind === 'instants') {
    const { startMs, endMs } = range;
    return {
      startMs,
      endMs,
      startDate: localDate(startMs, timezone),
      endDate: localDate(endMs - 1, timezone),
    };
  }
  const today = localDate(nowMs, timezone);
  switch (range.preset) {
    case 'today':
      return dayRange(today, today, timezone);
    case '24h': {
      const startMs = nowMs - dayMs;
      return { startMs, endMs: nowMs, startDate: localDate(startMs, timezone), endDate: today };
    }
    case '7d':
      return dayRange(addDays(today, -6), today, timezone);
    case '30d':
      return dayRange(addDays(today, -29), today, timezone);
    case '90d':
      return dayRange(addDays(today, -89), today, timezone);
    case 'month':
      return dayRange(`${today.slice(0, 8)}01`, today, timezone);
    case '12mo':
      return dayRange(addMonths(`${today.slice(0, 8)}01`, -11), today, timezone);
    case '1y':
      return dayRange(addDays(addMonths(today, -12), 1), today, timezone);
  }
}

/**
 * The range of equal length right before `range`: the same number of local days for day ranges,
 * the same number of milliseconds for rolling ones (24h).
 */
export function previousPeriod(range: ResolvedRange, timezone: string): ResolvedRange {
  const isWholeDays =
    range.startMs === startOfLocalDay(range.startDate, timezone) &&
    range.endMs === startOfLocalDay(addDays(range.endDate, 1), timezone);
  if (!isWholeDays) {
    const length = range.endMs - range.startMs;
    const startMs = range.startMs - length;
    return {
      startMs,
      endMs: range.startMs,
      startDate: localDate(startMs, timezone),
      endDate: localDate(range.startMs - 1, timezone),
    };
  }
  const days = Math.round((parseDate(range.endDate) - parseDate(range.startDate)) / dayMs) + 1;
  const endDate = addDays(range.startDate, -1);
  return dayRange(addDays(endDate, -(days - 1)), endDate, timezone);
}

/** Every bucket label a time dimension has inside the range, in order (empty buckets included). */
export function timeLabels(
  range: ResolvedRange,
  bucket: 'hour' | 'day' | 'week' | 'month',
  timezone: string,
): string[] {
  const labels: string[] = [];
  if (bucket === 'hour') {
    // Offsets per constant piece instead of Intl per instant: a year of hours in milliseconds.
    const segments = offsetSegments(range.startMs, range.endMs, timezone);
    const seen = new Set<string>();
    let segment = 0;
    for (let ms = range.startMs; ms < range.endMs; ms += 15 * 60_000) {
      while ((segments[segment]?.untilMs ?? Number.POSITIVE_INFINITY) <= ms) segment += 1;
      const local = new Date(ms + (segments[segment]?.offsetMs ?? 0)).toISOString();
      const label = `${local.slice(0, 10)} ${local.slice(11, 13)}:00:00`;
      if (!seen.has(label)) {
        seen.add(label);
        labels.push(label);
      }
    }
    return labels;
  }
  for (let date = range.startDate; date <= range.endDate; date = addDays(date, 1)) {
    const label = bucket === 'day' ? date : bucket === 'week' ? weekStart(date) : `${date.slice(0, 8)}01`;
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels;
}

/** `YYYY-MM-DD HH:00:00` in the zone: the label of the hour bucket holding `ms`. */
export function hourLabel(ms: number, timezone: string): string {
  const p = localParts(ms, timezone);
  return `${isoDate(Date.UTC(p.year, p.month - 1, p.day))} ${String(p.hour).padStart(2, '0')}:00:00`;
}

/** The Monday starting the ISO week that holds `date`. */
export function weekStart(date: string): string {
  const weekday = new Date(parseDate(date)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/**
 * The zone's UTC offset over [startMs, endMs) as constant pieces: `offsetMs` holds until `untilMs`
 * (the last piece has none). SQL turns UTC into wall-clock time with these instead of a time-zone
 * library, which is several times faster and the same on every engine.
 */
export function offsetSegments(
  startMs: number,
  endMs: number,
  timezone: string,
): ReadonlyArray<{ offsetMs: number; untilMs: number | null }> {
  const key = `${timezone}|${startMs}|${endMs}`;
  let segments = segmentCache.get(key);
  if (!segments) {
    segments = computeSegments(startMs, endMs, timezone);
    if (segmentCache.size >= 256) segmentCache.delete(segmentCache.keys().next().value ?? '');
    segmentCache.set(key, segments);
  }
  return segments;
}

/** A query's range is resolved to the same instants several times (SQL, labels, comparison). */
const segmentCache = new Map<string, ReadonlyArray<{ offsetMs: number; untilMs: number | null }>>();

function computeSegments(
  startMs: number,
  endMs: number,
  timezone: string,
): Array<{ offsetMs: number; untilMs: number | null }> {
  const segments: Array<{ offsetMs: number; untilMs: number | null }> = [];
  const hourMs = 3_600_000;
  const step = 6 * hourMs; // no zone changes its offset twice within six hours
  let current = offsetAt(startMs, timezone);
  for (let t = startMs; t < endMs; t += step) {
    const next = Math.min(t + step, endMs);
    const nextOffset = offsetAt(next, timezone);
    if (nextOffset === current) continue;
    // binary search the first minute with the new offset
    let lo = t;
    let hi = next;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
      if (offsetAt(mid, timezone) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ offsetMs: current, untilMs: hi });
    current = nextOffset;
  }
  segments.push({ offsetMs: current, untilMs: null });
  return segments;
}

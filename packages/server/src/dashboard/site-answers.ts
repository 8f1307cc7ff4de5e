import { isCalendarDay } from '../dates/calendar-day.ts';
import { ApiError, type ErrorCode, errorRegistry } from '../errors.ts';
import {
  type DatePreset,
  type DateRange,
  datePresets,
  parseStatsQuery,
  resolveDateRange,
  type StatsQuery,
  StatsQueryError,
} from '../stats/index.ts';
import type { Site } from '../store/types.ts';
import { bodyObject, invalid } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { propertyKeys } from './property-keys.ts';

/**
 * The answers a site's dashboard asks for, once for both ways of reading it: signed in
 * (stats-routes.ts) and through a shared link (shared-view-routes.ts). The caller has already
 * decided that the reader may see `site`.
 */

/** A Plausible-style `date_range` ("7d" or ["YYYY-MM-DD","YYYY-MM-DD"]) for the side panels. */
function dateRangeFrom(value: unknown): DateRange {
  if (typeof value === 'string' && (datePresets as readonly string[]).includes(value)) {
    return { kind: 'preset', preset: value as DatePreset };
  }
  if (Array.isArray(value) && value.length === 2 && value.every(isCalendarDay)) {
    const [start, end] = value as [string, string];
    if (start <= end) return { kind: 'custom', start, end };
  }
  throw invalid('date_range', `one of ${datePresets.join(', ')}, or ["YYYY-MM-DD", "YYYY-MM-DD"]`);
}

function resolveSiteRange(site: Site, dateRange: DateRange, nowMs: number) {
  try {
    return resolveDateRange(dateRange, site.timezone || 'UTC', nowMs);
  } catch {
    throw invalid('date_range', 'is not a valid range');
  }
}

/**
 * The Plausible v2 query the REST API takes, answered by the same engine for `site`. The path
 * names the site: a body naming another one cannot widen what is read. `allow` may refuse the
 * parsed query (a shared link limited to some panels).
 */
export async function statsAnswer(
  deps: DashboardDeps,
  site: Site,
  rawBody: unknown,
  allow: (query: StatsQuery) => void = () => undefined,
) {
  const body = { ...bodyObject(rawBody), site_id: site.id };
  const parsed = await parseStatsQuery(body, (id) => (id === site.id ? site : null));
  if (!parsed.ok) throw new ApiError('VALIDATION_ERROR', [...parsed.errors]);
  allow(parsed.query);
  try {
    return await deps.stats.query(parsed.query, site, deps.clock.now());
  } catch (error) {
    if (error instanceof StatsQueryError) throw new ApiError('VALIDATION_ERROR', [...error.fields]);
    throw error;
  }
}

/** Refused traffic of the range by reason (counters per UTC day: the days the range touches). */
export async function refusalsAnswer(deps: DashboardDeps, site: Site, rawBody: unknown) {
  const range = resolveSiteRange(site, dateRangeFrom(bodyObject(rawBody).date_range), deps.clock.now());
  await deps.flushRefusals();
  const fromDay = new Date(range.startMs).toISOString().slice(0, 10);
  const toDay = new Date(range.endMs - 1).toISOString().slice(0, 10);
  const totals = new Map<string, number>();
  for (const item of await deps.metadata.refusals(fromDay, site.id)) {
    if (item.day <= toDay) totals.set(item.reason, (totals.get(item.reason) ?? 0) + item.count);
  }
  const reasons = [...totals]
    .map(([reason, count]) => ({
      reason,
      message: errorRegistry[reason as ErrorCode]?.message ?? '',
      count,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { total: reasons.reduce((sum, item) => sum + item.count, 0), reasons };
}

/** The property keys an event's drill-down offers. */
export async function propertyKeysAnswer(deps: DashboardDeps, site: Site, rawBody: unknown) {
  const body = bodyObject(rawBody);
  if (typeof body.event !== 'string' || body.event === '' || body.event.length > 500) {
    throw invalid('event', 'is required');
  }
  const range = resolveSiteRange(site, dateRangeFrom(body.date_range), deps.clock.now());
  return { keys: await propertyKeys(deps.events, site.id, body.event, range) };
}

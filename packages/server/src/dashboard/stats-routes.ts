import type { FastifyInstance } from 'fastify';
import { isCalendarDay } from '../dates/calendar-day.ts';
import { ApiError, type ErrorCode, errorRegistry } from '../errors.ts';
import {
  type DatePreset,
  type DateRange,
  datePresets,
  parseStatsQuery,
  resolveDateRange,
  StatsQueryError,
} from '../stats/index.ts';
import type { Site } from '../store/types.ts';
import { bodyObject, invalid } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { propertyKeys } from './property-keys.ts';
import { ownedSite } from './site-routes.ts';

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

/**
 * Stats for the dashboard: the same Plausible v2 query the REST API takes, answered by the same
 * engine, for a site the signed-in user owns; plus the live count, refusal counters and the
 * property keys a drill-down offers.
 */
export function registerStatsRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.post('/sites/:id/query', async (request) => {
    const site = await ownedSite(deps, request);
    // The path names the site; a body naming another one cannot widen what this user reads.
    const body = { ...bodyObject(request.body), site_id: site.id };
    const parsed = await parseStatsQuery(body, (id) => (id === site.id ? site : null));
    if (!parsed.ok) throw new ApiError('VALIDATION_ERROR', [...parsed.errors]);
    try {
      return await deps.stats.query(parsed.query, site, deps.clock.now());
    } catch (error) {
      if (error instanceof StatsQueryError) throw new ApiError('VALIDATION_ERROR', [...error.fields]);
      throw error;
    }
  });

  scope.get('/sites/:id/live', async (request) => {
    const site = await ownedSite(deps, request);
    return { visitors: await deps.liveVisitors(site.id) };
  });

  scope.post('/sites/:id/refusals', async (request) => {
    const site = await ownedSite(deps, request);
    const range = resolveSiteRange(
      site,
      dateRangeFrom(bodyObject(request.body).date_range),
      deps.clock.now(),
    );
    await deps.flushRefusals();
    // Refusal counters are kept per UTC day: the days the range touches are counted.
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
  });

  scope.post('/sites/:id/property-keys', async (request) => {
    const site = await ownedSite(deps, request);
    const body = bodyObject(request.body);
    if (typeof body.event !== 'string' || body.event === '' || body.event.length > 500) {
      throw invalid('event', 'is required');
    }
    const range = resolveSiteRange(site, dateRangeFrom(body.date_range), deps.clock.now());
    return { keys: await propertyKeys(deps.events, site.id, body.event, range) };
  });
}

function resolveSiteRange(site: Site, dateRange: DateRange, nowMs: number) {
  try {
    return resolveDateRange(dateRange, site.timezone || 'UTC', nowMs);
  } catch {
    throw invalid('date_range', 'is not a valid range');
  }
}

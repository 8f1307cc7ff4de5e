/**
 * A Plausible Stats API v2 body read into our query model, or the one sentence Plausible would
 * answer (it names the offending field and value). What exists only on Plausible's side is kept
 * beside the query (`PlausibleExtras`): the sent metric and dimension names (`percentage`,
 * `time`, `visit:country_name`…) and the `include` flags, so the answer is written back in
 * Plausible's words.
 */
import { resolveDateRange } from '../stats/date-range.ts';
import type { Dimension, OrderBy, StatsQuery, TimeDimension } from '../stats/types.ts';
import { isKnownDimension } from '../stats/validate.ts';
import type { Site } from '../store/types.ts';
import { plausibleDateRange, plausiblePeriods } from './date-range.ts';
import { hostnameOnEntry, parseFilter, unsupportedDimension } from './filters.ts';
import { locationAliases } from './locations.ts';
import { engineMetrics, engineOrderKey } from './metrics.ts';
import { Refusal, refuse, show } from './refusal.ts';

export interface PlausibleInclude {
  readonly imports: boolean;
  readonly time_labels: boolean;
  readonly total_rows: boolean;
}

export interface PlausibleExtras {
  /** The metrics as sent (`percentage` among them); the engine runs `query.metrics`. */
  readonly metrics: readonly string[];
  /** The dimensions as sent (`time` stays `time`, `visit:country_name` stays itself). */
  readonly dimensions: readonly string[];
  readonly filters: readonly unknown[];
  readonly include: PlausibleInclude;
}

export type PlausibleParse =
  | { readonly ok: true; readonly query: StatsQuery; readonly extras: PlausibleExtras }
  | { readonly ok: false; readonly error: string };

/** The metrics of Plausible's reference that this server answers. */
export const plausibleMetrics = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'percentage',
  'conversion_rate',
  'group_conversion_rate',
  'total_revenue',
  'average_revenue',
  'scroll_depth',
  'time_on_page',
] as const;

const knownTopLevel = new Set([
  'site_id',
  'date_range',
  'metrics',
  'dimensions',
  'filters',
  'order_by',
  'include',
  'pagination',
]);

/**
 * Plausible's automatic `time` dimension: hours for a range of one day, days for up to a month,
 * months beyond.
 */
function autoTime(query: Pick<StatsQuery, 'dateRange'>, site: Site, nowMs: number): TimeDimension {
  const range = resolveDateRange(query.dateRange, site.timezone || 'UTC', nowMs);
  const days = (range.endMs - range.startMs) / 86_400_000;
  if (days <= 1.05) return 'time:hour';
  if (days <= 31.05) return 'time:day';
  return 'time:month';
}

function parseInclude(value: unknown): PlausibleInclude & { comparisons: boolean } {
  const include = { imports: false, time_labels: false, total_rows: false, comparisons: false };
  if (value === undefined) return include;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(`Invalid include ${show(value)}: expected an object`);
  }
  for (const [key, flag] of Object.entries(value)) {
    if (key === 'comparisons') {
      if (flag === null || flag === undefined) continue;
      const mode = (flag as { mode?: unknown }).mode;
      if (mode !== 'previous_period') {
        return refuse(
          `Invalid include.comparisons ${show(flag)}: only {"mode": "previous_period"} is supported`,
        );
      }
      include.comparisons = true;
    } else if (key === 'imports' || key === 'time_labels' || key === 'total_rows') {
      if (typeof flag !== 'boolean')
        return refuse(`Invalid include.${key} ${show(flag)}: expected true or false`);
      include[key] = flag;
    } else {
      return refuse(`Invalid include key ${show(key)}: use imports, time_labels, total_rows or comparisons`);
    }
  }
  return include;
}

function parsePagination(value: unknown): { limit: number; offset: number } {
  if (value === undefined) return { limit: 10_000, offset: 0 };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(`Invalid pagination ${show(value)}: expected {"limit": n, "offset": n}`);
  }
  const { limit = 10_000, offset = 0, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return refuse(`Invalid pagination key ${show(unknown)}: use limit and offset`);
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 10_000) {
    return refuse(`Invalid pagination.limit ${show(limit)}: expected an integer from 1 to 10000`);
  }
  if (!Number.isInteger(offset) || (offset as number) < 0 || (offset as number) > 100_000_000) {
    return refuse(`Invalid pagination.offset ${show(offset)}: expected a non-negative integer`);
  }
  return { limit: limit as number, offset: offset as number };
}

/** Bounds on the sent lists, checked before anything walks them (a repeat check is quadratic). */
const maxListed = { metrics: plausibleMetrics.length, dimensions: 10, filters: 50, orderBy: 20 } as const;

function parseMetrics(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    return refuse(`Invalid metrics ${show(value)}: expected a non-empty list such as ["visitors"]`);
  }
  if (value.length > maxListed.metrics) {
    return refuse(`Invalid metrics: ${value.length} listed; at most ${maxListed.metrics} (each once)`);
  }
  value.forEach((metric, i) => {
    if (typeof metric !== 'string' || !(plausibleMetrics as readonly string[]).includes(metric)) {
      refuse(`Invalid metric ${show(metric)}: use one of ${plausibleMetrics.join(', ')}`);
    }
    if (value.indexOf(metric) !== i)
      refuse(`Invalid metrics ${show(value)}: ${show(metric)} is listed twice`);
  });
  return value as string[];
}

function parseDimensions(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return refuse(`Invalid dimensions ${show(value)}: expected a list of names`);
  if (value.length > maxListed.dimensions) {
    return refuse(`Invalid dimensions: ${value.length} listed; at most ${maxListed.dimensions}`);
  }
  value.forEach((dimension, i) => {
    if (typeof dimension !== 'string') refuse(`Invalid dimension ${show(dimension)}`);
    const why = unsupportedDimension(dimension);
    if (why) refuse(`Invalid dimension ${show(dimension)}: ${why}`);
    const known = dimension === 'time' || isKnownDimension(locationAliases[dimension] ?? dimension);
    if (!known) refuse(`Invalid dimension ${show(dimension)}`);
    if (value.indexOf(dimension) !== i)
      refuse(`Invalid dimensions ${show(value)}: ${show(dimension)} is listed twice`);
  });
  return value as string[];
}

/** Reads a v2 body for `site` (already found from `site_id`); every check is Plausible's wording. */
export function parsePlausibleQuery(
  body: Record<string, unknown>,
  site: Site,
  nowMs: number,
): PlausibleParse {
  try {
    return { ok: true, ...translate(body, site, nowMs) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.message };
    throw error;
  }
}

function translate(body: Record<string, unknown>, site: Site, nowMs: number) {
  for (const key of Object.keys(body)) {
    if (!knownTopLevel.has(key))
      refuse(`Invalid request key ${show(key)}: this field is not part of the query`);
  }
  if (body.date_range === undefined)
    refuse(`Missing date_range: use one of ${plausiblePeriods.join(', ')}, or [start, end]`);
  const parsedRange = plausibleDateRange(body.date_range, site, nowMs);
  if (!parsedRange.ok) {
    return refuse(
      `Invalid date_range ${show(body.date_range)}: use one of ${plausiblePeriods.join(', ')}, ["YYYY-MM-DD", "YYYY-MM-DD"] or two ISO 8601 datetimes with an offset`,
    );
  }
  const dateRange = parsedRange.range;
  const sentMetrics = parseMetrics(body.metrics);
  const sentDimensions = parseDimensions(body.dimensions);
  const time = sentDimensions.includes('time') ? autoTime({ dateRange }, site, nowMs) : null;
  const dimensions = sentDimensions.map((d) =>
    d === 'time' && time ? time : (locationAliases[d] ?? d),
  ) as Dimension[];
  const filtersInput = body.filters ?? [];
  if (!Array.isArray(filtersInput))
    return refuse(`Invalid filters ${show(filtersInput)}: expected a list of filters`);
  if (filtersInput.length > maxListed.filters) {
    return refuse(`Invalid filters: ${filtersInput.length} listed; at most ${maxListed.filters}`);
  }
  const parsedFilters = filtersInput.map((f, i) => parseFilter(f, `filters[${i}]`));
  const groupsVisits = dimensions.some((d) => d.startsWith('visit:'));
  const filters = groupsVisits ? parsedFilters.map(hostnameOnEntry) : parsedFilters;
  const include = parseInclude(body.include);
  if (include.time_labels && !dimensions.some((d) => d.startsWith('time:'))) {
    refuse(
      'Invalid include.time_labels: time_labels needs a time dimension (time, time:hour, time:day, time:week or time:month)',
    );
  }
  const pagination = parsePagination(body.pagination);
  const query: StatsQuery = {
    siteId: site.id,
    dateRange,
    metrics: engineMetrics(sentMetrics),
    dimensions,
    filters,
    orderBy: parseOrderBy(body.order_by, sentMetrics, sentDimensions, dimensions),
    limit: pagination.limit,
    page: 0,
    offset: pagination.offset,
    compare: include.comparisons ? 'previous_period' : null,
  };
  const { comparisons: _, ...flags } = include;
  return {
    query,
    extras: { metrics: sentMetrics, dimensions: sentDimensions, filters: filtersInput, include: flags },
  };
}

function parseOrderBy(
  value: unknown,
  sentMetrics: readonly string[],
  sentDimensions: readonly string[],
  dimensions: readonly Dimension[],
): OrderBy[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    return refuse(`Invalid order_by ${show(value)}: expected a list of [name, "asc" | "desc"]`);
  if (value.length > maxListed.orderBy) {
    return refuse(`Invalid order_by: ${value.length} entries; at most ${maxListed.orderBy}`);
  }
  return value.map((entry) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== 'string' ||
      (entry[1] !== 'asc' && entry[1] !== 'desc')
    ) {
      return refuse(`Invalid order_by entry ${show(entry)}: expected [name, "asc" | "desc"]`);
    }
    const name = entry[0];
    const at = sentDimensions.indexOf(name);
    if (at >= 0) return { key: dimensions[at] as Dimension, direction: entry[1] };
    if (!sentMetrics.includes(name)) {
      return refuse(
        `Invalid order_by entry ${show(entry)}: ${show(name)} is neither a queried metric nor a queried dimension`,
      );
    }
    return { key: engineOrderKey(name) as OrderBy['key'], direction: entry[1] };
  });
}

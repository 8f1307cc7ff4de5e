/**
 * A Plausible Stats API v2 body read into our query model, or the one sentence Plausible would
 * answer (it names the offending field and value). What exists only on Plausible's side is kept
 * beside the query (`PlausibleExtras`): the `percentage` metric, the `include` flags, the sent
 * names, so the answer can be written back in Plausible's words.
 */

import { resolveDateRange } from '../stats/date-range.ts';
import {
  type Dimension,
  type Filter,
  type FilterDimension,
  type FilterOperator,
  filterOperators,
  type LeafFilter,
  type Metric,
  type OrderBy,
  type StatsQuery,
  type TimeDimension,
} from '../stats/types.ts';
import type { Site } from '../store/types.ts';
import { plausibleDateRange, plausiblePeriods } from './date-range.ts';
import { fromPlausibleLabel } from './labels.ts';

export interface PlausibleInclude {
  readonly imports: boolean;
  readonly time_labels: boolean;
  readonly total_rows: boolean;
}

export interface PlausibleExtras {
  /** The metrics as sent (`percentage` among them); the engine runs `query.metrics`. */
  readonly metrics: readonly string[];
  /** The dimensions as sent (`time` stays `time`). */
  readonly dimensions: readonly string[];
  readonly filters: readonly unknown[];
  readonly include: PlausibleInclude;
}

export type PlausibleParse =
  | { readonly ok: true; readonly query: StatsQuery; readonly extras: PlausibleExtras }
  | { readonly ok: false; readonly error: string };

/** Metrics of Plausible's reference we do not answer yet, each with why. */
const notYet: Readonly<Record<string, string>> = {
  group_conversion_rate: 'is not supported by this server yet',
};

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

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

class Refusal extends Error {}
const refuse = (sentence: string): never => {
  throw new Refusal(sentence);
};

/** Plausible's automatic `time` dimension: the finest bucket that keeps a range readable. */
function autoTime(query: Pick<StatsQuery, 'dateRange'>, site: Site, nowMs: number): TimeDimension {
  const range = resolveDateRange(query.dateRange, site.timezone || 'UTC', nowMs);
  const hours = (range.endMs - range.startMs) / 3_600_000;
  if (hours <= 48) return 'time:hour';
  if (hours <= 40 * 24) return 'time:day';
  if (hours <= 52 * 7 * 24) return 'time:week';
  return 'time:month';
}

function parseModifiers(value: unknown, path: string): { caseSensitive: boolean } {
  if (value === undefined) return { caseSensitive: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(
      `Invalid filter modifiers at ${path}: ${show(value)}; expected an object such as {"case_sensitive": false}`,
    );
  }
  for (const [key, flag] of Object.entries(value)) {
    if (key !== 'case_sensitive' || typeof flag !== 'boolean') {
      return refuse(
        `Invalid filter modifier ${show(key)} at ${path}: only "case_sensitive" (true or false) is known`,
      );
    }
  }
  return { caseSensitive: (value as { case_sensitive?: boolean }).case_sensitive !== false };
}

function parseLeaf(value: unknown[], path: string): LeafFilter {
  const [op, dimension, clauses, modifiers] = value;
  if (!(filterOperators as readonly unknown[]).includes(op)) {
    return refuse(`Invalid filter ${show(value)}: unknown operator ${show(op)}`);
  }
  if (typeof dimension !== 'string')
    return refuse(`Invalid filter ${show(value)}: the dimension must be a string`);
  if (dimension === 'visit:referrer') {
    return refuse(`Invalid filter ${show(value)}: visit:referrer is not supported by this server yet`);
  }
  if (value.length < 3 || value.length > 4 || !Array.isArray(clauses)) {
    return refuse(`Invalid filter ${show(value)}: expected [operator, dimension, [clauses], modifiers?]`);
  }
  const strings = clauses.map((clause) => {
    if (typeof clause === 'string') return clause;
    if (typeof clause === 'number' && Number.isFinite(clause)) return String(clause);
    return refuse(`Invalid filter ${show(value)}: the clause ${show(clause)} is not a string or a number`);
  });
  const { caseSensitive } = parseModifiers(modifiers, `${path}[3]`);
  const exact = op === 'is' || op === 'is_not';
  return {
    op: op as FilterOperator,
    dimension: dimension as FilterDimension,
    values: exact ? strings.map((clause) => fromPlausibleLabel(dimension, clause)) : strings,
    caseSensitive,
    // Plausible: "plan is not free" says nothing about events that have no plan at all.
    negationNeedsProperty: true,
  };
}

function parseFilter(value: unknown, path: string): Filter {
  if (!Array.isArray(value) || typeof value[0] !== 'string') {
    return refuse(`Invalid filter ${show(value)} at ${path}: a filter is [operator, dimension, [clauses]]`);
  }
  const op = value[0];
  if (op === 'and' || op === 'or') {
    if (value.length !== 2 || !Array.isArray(value[1]))
      return refuse(`Invalid filter ${show(value)}: expected ["${op}", [filters]]`);
    return { op, filters: (value[1] as unknown[]).map((f, i) => parseFilter(f, `${path}[1][${i}]`)) };
  }
  if (op === 'not') {
    if (value.length !== 2) return refuse(`Invalid filter ${show(value)}: expected ["not", filter]`);
    return { op, filter: parseFilter(value[1], `${path}[1]`) };
  }
  if (op === 'has_done' || op === 'has_not_done') {
    return refuse(`Invalid filter ${show(value)}: ${op} is not supported by this server yet`);
  }
  return parseLeaf(value, path);
}

function parseInclude(value: unknown): PlausibleInclude & { comparisons: boolean } {
  const include = { imports: false, time_labels: false, total_rows: false, comparisons: false };
  if (value === undefined) return include;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(`Invalid include ${show(value)}: expected an object`);
  }
  for (const [key, flag] of Object.entries(value)) {
    if (key === 'comparisons') {
      const mode = (flag as { mode?: unknown } | null)?.mode;
      if (flag === null || flag === undefined) continue;
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
      return refuse(`Invalid include key ${show(key)}: use imports, time_labels or total_rows`);
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
  if (!Number.isInteger(offset) || (offset as number) < 0) {
    return refuse(`Invalid pagination.offset ${show(offset)}: expected a non-negative integer`);
  }
  return { limit: limit as number, offset: offset as number };
}

function stringList(value: unknown, field: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0)) {
    return refuse(`Invalid ${field} ${show(value)}: expected a ${required ? 'non-empty ' : ''}list of names`);
  }
  for (const item of value)
    if (typeof item !== 'string')
      refuse(`Invalid ${field[0] === 'm' ? 'metric' : 'dimension'} ${show(item)}`);
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
    refuse(
      'Missing date_range: use one of day, 7d, 28d, 30d, 91d, month, 6mo, 12mo, year, all, or [start, end]',
    );
  const parsedRange = plausibleDateRange(body.date_range, site, nowMs);
  if (!parsedRange.ok) {
    return refuse(
      `Invalid date_range ${show(body.date_range)}: use one of ${plausiblePeriods.join(', ')}, ["YYYY-MM-DD", "YYYY-MM-DD"] or two ISO 8601 datetimes with an offset`,
    );
  }
  const dateRange = parsedRange.range;
  const sentMetrics = stringList(body.metrics, 'metrics', true);
  for (const metric of sentMetrics) {
    const why = notYet[metric];
    if (why) refuse(`Invalid metric ${show(metric)}: ${metric} ${why}`);
    if (metric === 'revenue' || metric === 'revenue_per_visitor') refuse(`Invalid metric ${show(metric)}`);
  }
  const sentDimensions = stringList(body.dimensions, 'dimensions', false);
  if (sentDimensions.includes('visit:referrer'))
    refuse('Invalid dimension "visit:referrer": visit:referrer is not supported by this server yet');
  const time = sentDimensions.includes('time') ? autoTime({ dateRange }, site, nowMs) : null;
  const dimensions = sentDimensions.map((d) => (d === 'time' && time ? time : d)) as Dimension[];
  const filtersInput = body.filters ?? [];
  if (!Array.isArray(filtersInput))
    return refuse(`Invalid filters ${show(filtersInput)}: expected a list of filters`);
  const filters = filtersInput.map((f, i) => parseFilter(f, `filters[${i}]`));
  const include = parseInclude(body.include);
  if (include.time_labels && !dimensions.some((d) => d.startsWith('time:'))) {
    refuse(
      'Invalid include.time_labels: time_labels needs a time dimension (time, time:hour, time:day, time:week or time:month)',
    );
  }
  const pagination = parsePagination(body.pagination);
  // The engine counts visitors for percentage; asking it twice would be refused as a repeat.
  const metrics = [...new Set(sentMetrics.map((m) => (m === 'percentage' ? 'visitors' : m)))] as Metric[];
  const query: StatsQuery = {
    siteId: site.id,
    dateRange,
    metrics,
    dimensions,
    filters,
    orderBy: parseOrderBy(body.order_by, time),
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

function parseOrderBy(value: unknown, time: TimeDimension | null): OrderBy[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    return refuse(`Invalid order_by ${show(value)}: expected a list of [name, "asc" | "desc"]`);
  return value.map((entry) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== 'string' ||
      (entry[1] !== 'asc' && entry[1] !== 'desc')
    ) {
      return refuse(`Invalid order_by entry ${show(entry)}: expected [name, "asc" | "desc"]`);
    }
    // percentage is visitors over a constant total: it orders exactly as visitors.
    const key = entry[0] === 'percentage' ? 'visitors' : entry[0] === 'time' && time ? time : entry[0];
    return { key: key as Metric, direction: entry[1] };
  });
}

/**
 * Reads a Plausible Stats API v2 request body into the typed query model, collecting every
 * problem as `{field, reason}` instead of stopping at the first.
 */
import type { Site } from '../store/types.ts';
import {
  type DatePreset,
  type DateRange,
  type Dimension,
  datePresets,
  type Filter,
  type FilterDimension,
  type FilterOperator,
  filterOperators,
  type Metric,
  type OrderBy,
  type StatsFieldError,
  type StatsQuery,
} from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

/** Finds the site a request names (by id); callers decide separately whether the caller may read it. */
export type SiteLookup = (siteId: string) => Site | null | undefined | Promise<Site | null | undefined>;

export type ParseResult =
  | { readonly ok: true; readonly query: StatsQuery; readonly site: Site }
  | { readonly ok: false; readonly errors: readonly StatsFieldError[] };

const topLevelKeys = new Set([
  'site_id',
  'date_range',
  'metrics',
  'dimensions',
  'filters',
  'order_by',
  'pagination',
  'include',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDateRange(value: unknown, errors: StatsFieldError[]): DateRange {
  if (typeof value === 'string' && (datePresets as readonly string[]).includes(value)) {
    return { kind: 'preset', preset: value as DatePreset };
  }
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
    return { kind: 'custom', start: value[0] as string, end: value[1] as string };
  }
  errors.push({
    field: 'date_range',
    reason: `one of ${datePresets.join(', ')}, or ["YYYY-MM-DD", "YYYY-MM-DD"]`,
  });
  return { kind: 'preset', preset: '30d' };
}

function parseFilter(value: unknown, path: string, depth: number, errors: StatsFieldError[]): Filter | null {
  if (!Array.isArray(value) || typeof value[0] !== 'string') {
    errors.push({
      field: path,
      reason: 'a filter is [operator, dimension, [values]] or ["and"|"or", [filters]] or ["not", filter]',
    });
    return null;
  }
  if (depth > limits.maxFilterDepth) {
    errors.push({ field: path, reason: `filters may nest at most ${limits.maxFilterDepth} levels` });
    return null;
  }
  const op = value[0];
  if (op === 'and' || op === 'or') {
    if (value.length !== 2 || !Array.isArray(value[1])) {
      errors.push({ field: path, reason: `["${op}", [filters]]` });
      return null;
    }
    const children = (value[1] as unknown[]).map((f, i) =>
      parseFilter(f, `${path}[1][${i}]`, depth + 1, errors),
    );
    return children.every((c) => c !== null) ? { op, filters: children as Filter[] } : null;
  }
  if (op === 'not') {
    if (value.length !== 2) {
      errors.push({ field: path, reason: '["not", filter]' });
      return null;
    }
    const child = parseFilter(value[1], `${path}[1]`, depth + 1, errors);
    return child ? { op, filter: child } : null;
  }
  if (!(filterOperators as readonly string[]).includes(op)) {
    errors.push({
      field: `${path}[0]`,
      reason: `unknown operator; use one of ${filterOperators.join(', ')}, and, or, not`,
    });
    return null;
  }
  if (value.length !== 3) {
    errors.push({ field: path, reason: `[operator, dimension, [values]] (modifiers are not supported)` });
    return null;
  }
  const [, dimension, values] = value;
  if (typeof dimension !== 'string') {
    errors.push({ field: `${path}[1]`, reason: 'a dimension name' });
    return null;
  }
  if (
    !Array.isArray(values) ||
    !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  ) {
    errors.push({ field: `${path}[2]`, reason: 'a list of strings' });
    return null;
  }
  return { op: op as FilterOperator, dimension: dimension as FilterDimension, values: values.map(String) };
}

function parseStringList(value: unknown, field: string, errors: StatsFieldError[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    errors.push({ field, reason: 'a list of strings' });
    return [];
  }
  return value as string[];
}

function parseOrderBy(value: unknown, errors: StatsFieldError[]): OrderBy[] {
  if (value === undefined) return [];
  const valid =
    Array.isArray(value) &&
    value.every(
      (o) =>
        Array.isArray(o) && o.length === 2 && typeof o[0] === 'string' && (o[1] === 'asc' || o[1] === 'desc'),
    );
  if (!valid) {
    errors.push({ field: 'order_by', reason: 'a list of [metric or dimension, "asc" | "desc"]' });
    return [];
  }
  return (value as Array<[string, 'asc' | 'desc']>).map(([key, direction]) => ({
    key: key as Metric,
    direction,
  }));
}

function parsePagination(value: unknown, errors: StatsFieldError[]): { limit: number; offset: number } {
  if (value === undefined) return { limit: limits.maxLimit, offset: 0 };
  if (!isObject(value)) {
    errors.push({ field: 'pagination', reason: 'an object {limit, offset}' });
    return { limit: limits.maxLimit, offset: 0 };
  }
  const limit = value.limit ?? limits.maxLimit;
  const offset = value.offset ?? 0;
  if (typeof limit !== 'number' || typeof offset !== 'number') {
    errors.push({ field: 'pagination', reason: 'limit and offset are integers' });
    return { limit: limits.maxLimit, offset: 0 };
  }
  return { limit, offset };
}

function parseInclude(value: unknown, errors: StatsFieldError[]): 'previous_period' | null {
  if (value === undefined) return null;
  if (!isObject(value)) {
    errors.push({ field: 'include', reason: 'an object' });
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key === 'comparisons') continue;
    if (!['imports', 'time_labels', 'total_rows'].includes(key) || typeof value[key] !== 'boolean') {
      errors.push({
        field: `include.${key}`,
        reason: 'not supported (time_labels and total_rows are always included)',
      });
    }
  }
  const comparisons = value.comparisons;
  if (comparisons === undefined || comparisons === null) return null;
  if (!isObject(comparisons) || comparisons.mode !== 'previous_period') {
    errors.push({ field: 'include.comparisons', reason: 'only {"mode": "previous_period"} is supported' });
    return null;
  }
  return 'previous_period';
}

/** Parses and validates a request body; the site must exist (`siteLookup`). */
export async function parseStatsQuery(json: unknown, siteLookup: SiteLookup): Promise<ParseResult> {
  if (!isObject(json))
    return { ok: false, errors: [{ field: '', reason: 'the query must be a JSON object' }] };
  const errors: StatsFieldError[] = [];
  for (const key of Object.keys(json)) {
    if (!topLevelKeys.has(key)) errors.push({ field: key, reason: 'unknown field' });
  }
  const siteId = json.site_id;
  if (typeof siteId !== 'string' || siteId === '')
    errors.push({ field: 'site_id', reason: 'required: the site id' });
  if (json.metrics === undefined) errors.push({ field: 'metrics', reason: 'required' });
  if (json.date_range === undefined) errors.push({ field: 'date_range', reason: 'required' });
  const filtersInput = json.filters ?? [];
  if (!Array.isArray(filtersInput)) errors.push({ field: 'filters', reason: 'a list of filters' });
  const filters = (Array.isArray(filtersInput) ? filtersInput : [])
    .map((f, i) => parseFilter(f, `filters[${i}]`, 1, errors))
    .filter((f): f is Filter => f !== null);
  const pagination = parsePagination(json.pagination, errors);
  const query: StatsQuery = {
    siteId: typeof siteId === 'string' ? siteId : '',
    dateRange:
      json.date_range === undefined
        ? { kind: 'preset', preset: '30d' }
        : parseDateRange(json.date_range, errors),
    metrics: parseStringList(json.metrics, 'metrics', errors) as Metric[],
    dimensions: parseStringList(json.dimensions, 'dimensions', errors) as Dimension[],
    filters,
    orderBy: parseOrderBy(json.order_by, errors),
    limit: pagination.limit,
    page: Number.isInteger(pagination.offset / pagination.limit) ? pagination.offset / pagination.limit : 0,
    offset: pagination.offset,
    compare: parseInclude(json.include, errors),
  };
  if (errors.length > 0) return { ok: false, errors };
  const semantic = validateStatsQuery(query);
  if (semantic.length > 0) return { ok: false, errors: semantic };
  const site = await siteLookup(query.siteId);
  if (!site) return { ok: false, errors: [{ field: 'site_id', reason: 'no site has this id' }] };
  // A lookup may accept other names for a site (its domain); the query names it by id from here on.
  return { ok: true, query: { ...query, siteId: site.id }, site };
}

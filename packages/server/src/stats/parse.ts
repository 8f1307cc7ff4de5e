/**
 * Reads a Plausible Stats API v2 request body into the typed query model, collecting every
 * problem as `{field, reason}` instead of stopping at the first: shape problems found here and
 * the semantic ones of `validateStatsQuery` (unknown metric, bad range…) come back together.
 * This is the one validator of the body; the REST route's JSON schema only documents it.
 */
import type { Site } from '../store/types.ts';
import { unknownPaginationFields, unknownTopLevelFields } from './query-fields.ts';
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
  metricNames,
  type OrderBy,
  type StatsFieldError,
  type StatsQuery,
} from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

/** Finds the site a request names (by id); callers decide separately whether the caller may read it. */
export type SiteLookup = (siteId: string) => Site | null | undefined | Promise<Site | null | undefined>;

export type ParseResult =
  | { readonly ok: true; readonly query: StatsQuery; readonly site: Site }
  | {
      readonly ok: false;
      readonly errors: readonly StatsFieldError[];
      /** The query was valid but no site has its `site_id` (the REST API answers 404). */
      readonly unknownSite?: true;
    };

/** A list of names as parsed: the strings kept, and where each stood in the sent list. */
interface NameList {
  readonly values: string[];
  readonly positions: number[];
}

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

/** Each item that is not a string is named by its index; the strings go on to the semantic checks. */
function parseNameList(value: unknown, field: string, what: string, errors: StatsFieldError[]): NameList {
  const list: NameList = { values: [], positions: [] };
  if (value === undefined) return list;
  if (!Array.isArray(value)) {
    errors.push({
      field,
      reason: `a list of ${what}, e.g. ${field === 'metrics' ? '["visitors"]' : '["event:page"]'}`,
    });
    return list;
  }
  value.forEach((item, i) => {
    if (typeof item === 'string') {
      list.values.push(item);
      list.positions.push(i);
    } else {
      const hint = field === 'metrics' ? `; use one of ${metricNames.join(', ')}` : '';
      errors.push({ field: `${field}[${i}]`, reason: `a ${what.replace(/s$/, '')} name (a string)${hint}` });
    }
  });
  return list;
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
  errors.push(...unknownPaginationFields(value));
  const limit = value.limit ?? limits.maxLimit;
  const offset = value.offset ?? 0;
  if (typeof limit !== 'number') {
    errors.push({ field: 'pagination.limit', reason: `an integer from 1 to ${limits.maxLimit}` });
  }
  if (typeof offset !== 'number') {
    errors.push({ field: 'pagination.offset', reason: 'a non-negative integer' });
  }
  // A part that could not be read takes its default, so the other checks still run.
  return {
    limit: typeof limit === 'number' ? limit : limits.maxLimit,
    offset: typeof offset === 'number' ? offset : 0,
  };
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
    return { ok: false, errors: [{ field: 'body', reason: 'the query must be a JSON object' }] };
  const errors: StatsFieldError[] = unknownTopLevelFields(json);
  const siteId = json.site_id;
  if (siteId === undefined || siteId === '')
    errors.push({ field: 'site_id', reason: 'required: the site id' });
  else if (typeof siteId !== 'string') errors.push({ field: 'site_id', reason: 'a string: the site id' });
  if (json.metrics === undefined) errors.push({ field: 'metrics', reason: 'required' });
  if (json.date_range === undefined) errors.push({ field: 'date_range', reason: 'required' });
  const filtersInput = json.filters ?? [];
  if (!Array.isArray(filtersInput)) errors.push({ field: 'filters', reason: 'a list of filters' });
  const filters = (Array.isArray(filtersInput) ? filtersInput : [])
    .map((f, i) => parseFilter(f, `filters[${i}]`, 1, errors))
    .filter((f): f is Filter => f !== null);
  const pagination = parsePagination(json.pagination, errors);
  const metrics = parseNameList(json.metrics, 'metrics', 'metrics', errors);
  const dimensions = parseNameList(json.dimensions, 'dimensions', 'dimensions', errors);
  const query: StatsQuery = {
    siteId: typeof siteId === 'string' ? siteId : '',
    dateRange:
      json.date_range === undefined
        ? { kind: 'preset', preset: '30d' }
        : parseDateRange(json.date_range, errors),
    metrics: metrics.values as Metric[],
    dimensions: dimensions.values as Dimension[],
    filters,
    orderBy: parseOrderBy(json.order_by, errors),
    limit: pagination.limit,
    page: Number.isInteger(pagination.offset / pagination.limit) ? pagination.offset / pagination.limit : 0,
    offset: pagination.offset,
    compare: parseInclude(json.include, errors),
  };
  // The semantic checks run on what could be read, so a request learns all its problems at once;
  // their findings about a part the shape checks already refused would only repeat them.
  const semantic = validateStatsQuery(query)
    .map((error) => atSentPosition(error, { metrics, dimensions }))
    .filter((error) => !errors.some((shape) => overlaps(shape.field, error.field)));
  errors.push(...semantic);
  if (errors.length > 0) return { ok: false, errors };
  const site = await siteLookup(query.siteId);
  if (!site)
    return { ok: false, errors: [{ field: 'site_id', reason: 'no site has this id' }], unknownSite: true };
  // A lookup may accept other names for a site (its domain); the query names it by id from here on.
  return { ok: true, query: { ...query, siteId: site.id }, site };
}

/** `metrics[1]` of the strings kept is `metrics[2]` of the list sent when item 0 was not a string. */
function atSentPosition(
  error: StatsFieldError,
  lists: { readonly metrics: NameList; readonly dimensions: NameList },
): StatsFieldError {
  const match = /^(metrics|dimensions)\[(\d+)\]$/.exec(error.field);
  if (!match) return error;
  const list = lists[match[1] as 'metrics' | 'dimensions'];
  return { ...error, field: `${match[1]}[${list.positions[Number(match[2])]}]` };
}

/** One field is the other or contains it (`metrics` and `metrics[2]`, `pagination` and `pagination.limit`). */
function overlaps(a: string, b: string): boolean {
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(`${outer}[`) || inner.startsWith(`${outer}.`);
  return within(a, b) || within(b, a);
}

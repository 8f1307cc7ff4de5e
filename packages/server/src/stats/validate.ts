/**
 * Semantic checks of a typed query, shared by the wire parser and by callers that build queries
 * in code. Field names are the Plausible v2 wire names, so a client can point at its mistake.
 */
import { isCalendarDay } from '../dates/calendar-day.ts';
import { engagementQueryErrors } from './engagement.ts';
import { re2SyntaxProblem } from './re2-syntax.ts';
import {
  type Dimension,
  type Filter,
  filterOperators,
  metricNames,
  namedDimensions,
  propDimensionPrefix,
  type StatsFieldError,
  type StatsQuery,
  timeDimensions,
} from './types.ts';

export const limits = {
  maxLimit: 10_000,
  maxPage: 1_000_000,
  maxFilterDepth: 6,
  maxFilterLeaves: 50,
  maxValuesPerFilter: 100,
  maxValueLength: 2_000,
  /** Regular expressions (matches / matches_not) are shorter: each compiles per statement. */
  maxPatternLength: 1_000,
  maxPropKeyLength: 300,
  maxDimensions: 4,
  /** Custom ranges longer than this are refused (about ten years). */
  maxRangeDays: 3_700,
} as const;

/** A custom range's day: the one calendar check every client-sent day goes through. */
export function isValidDate(value: string): boolean {
  return isCalendarDay(value);
}

export function isKnownDimension(value: string): value is Dimension {
  if ((timeDimensions as readonly string[]).includes(value)) return true;
  if ((namedDimensions as readonly string[]).includes(value)) return true;
  return isPropDimension(value);
}

function isPropDimension(value: string): boolean {
  if (!value.startsWith(propDimensionPrefix)) return false;
  const key = value.slice(propDimensionPrefix.length);
  return key.length > 0 && key.length <= limits.maxPropKeyLength && !key.includes('\0');
}

function validateFilter(
  filter: Filter,
  path: string,
  depth: number,
  errors: StatsFieldError[],
  leaves: { n: number },
): void {
  if (depth > limits.maxFilterDepth) {
    errors.push({ field: path, reason: `filters may nest at most ${limits.maxFilterDepth} levels` });
    return;
  }
  if (filter.op === 'and' || filter.op === 'or') {
    if (filter.filters.length === 0)
      errors.push({ field: path, reason: `"${filter.op}" needs at least one filter` });
    filter.filters.forEach((f, i) => {
      validateFilter(f, `${path}[1][${i}]`, depth + 1, errors, leaves);
    });
    return;
  }
  if (filter.op === 'not') {
    validateFilter(filter.filter, `${path}[1]`, depth + 1, errors, leaves);
    return;
  }
  if (filter.op === 'has_done' || filter.op === 'has_not_done') {
    // The inner filter selects events, so only event fields apply; one level of behaviour.
    const inner = JSON.stringify(filter.filter);
    if (inner.includes('"visit:') || inner.includes('"has_done"') || inner.includes('"has_not_done"')) {
      errors.push({ field: path, reason: `${filter.op} takes a filter on event fields (event:*) only` });
    }
    validateFilter(filter.filter, `${path}[1]`, depth + 1, errors, leaves);
    return;
  }
  leaves.n += 1;
  validateLeaf(filter as LeafFilter, path, errors);
}

type LeafFilter = Extract<Filter, { dimension: unknown }>;

function validateLeaf(filter: LeafFilter, path: string, errors: StatsFieldError[]): void {
  if (!(filterOperators as readonly string[]).includes(filter.op)) {
    errors.push({
      field: `${path}[0]`,
      reason: `unknown operator; use one of ${filterOperators.join(', ')}, and, or, not`,
    });
  }
  if (!isKnownDimension(filter.dimension) || filter.dimension.startsWith('time:')) {
    errors.push({ field: `${path}[1]`, reason: 'not a dimension that can be filtered' });
  }
  if (filter.values.length === 0 || filter.values.length > limits.maxValuesPerFilter) {
    errors.push({ field: `${path}[2]`, reason: `give between 1 and ${limits.maxValuesPerFilter} values` });
  }
  filter.values.forEach((value, i) => {
    if (typeof value !== 'string' || value.length > limits.maxValueLength || value.includes('\0')) {
      errors.push({
        field: `${path}[2][${i}]`,
        reason: `must be a string of at most ${limits.maxValueLength} characters without NUL`,
      });
    } else if (filter.op === 'matches' || filter.op === 'matches_not') {
      const problem = patternProblem(value);
      if (problem) errors.push({ field: `${path}[2][${i}]`, reason: problem });
    }
  });
  if ((filter.op === 'matches' || filter.op === 'matches_not') && filter.dimension === 'event:goal') {
    errors.push({ field: `${path}[0]`, reason: `${filter.op} cannot filter event:goal; use is or contains` });
  }
}

/**
 * Why a regular expression cannot be run, or null. Patterns run in RE2 (linear time, so no
 * pattern backtracks catastrophically), bounded in length; what RE2 lacks (look-around,
 * back-references) is refused here rather than failing inside the engine. The pattern is only
 * compiled in JS to check its syntax, never run.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > limits.maxPatternLength) {
    return `a regular expression may be at most ${limits.maxPatternLength} characters`;
  }
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) {
    return 'look-around and back-references are not supported (patterns are RE2 syntax)';
  }
  return re2SyntaxProblem(pattern);
}

/** Every problem with the query; empty when the engine can run it. */
export function validateStatsQuery(query: StatsQuery): StatsFieldError[] {
  const errors: StatsFieldError[] = [];
  if (typeof query.siteId !== 'string' || query.siteId === '')
    errors.push({ field: 'site_id', reason: 'required' });

  const range = query.dateRange;
  if (range.kind === 'custom') {
    if (!isValidDate(range.start) || !isValidDate(range.end)) {
      errors.push({ field: 'date_range', reason: 'custom dates must be real dates written YYYY-MM-DD' });
    } else if (range.start > range.end) {
      errors.push({ field: 'date_range', reason: 'the start date is after the end date' });
    } else if ((Date.parse(range.end) - Date.parse(range.start)) / 86_400_000 > limits.maxRangeDays) {
      errors.push({ field: 'date_range', reason: `a range may span at most ${limits.maxRangeDays} days` });
    }
  }

  if (range.kind === 'instants') {
    const valid = Number.isSafeInteger(range.startMs) && Number.isSafeInteger(range.endMs);
    if (!valid || range.startMs >= range.endMs) {
      errors.push({ field: 'date_range', reason: 'the start is not before the end' });
    } else if ((range.endMs - range.startMs) / 86_400_000 > limits.maxRangeDays) {
      errors.push({ field: 'date_range', reason: `a range may span at most ${limits.maxRangeDays} days` });
    }
  }

  if (query.metrics.length === 0) errors.push({ field: 'metrics', reason: 'ask for at least one metric' });
  query.metrics.forEach((metric, i) => {
    if (!(metricNames as readonly string[]).includes(metric)) {
      errors.push({ field: `metrics[${i}]`, reason: `unknown metric; use one of ${metricNames.join(', ')}` });
    } else if (query.metrics.indexOf(metric) !== i) {
      errors.push({ field: `metrics[${i}]`, reason: 'listed twice' });
    }
  });

  if (query.dimensions.length > limits.maxDimensions) {
    errors.push({ field: 'dimensions', reason: `at most ${limits.maxDimensions} dimensions` });
  }
  query.dimensions.forEach((dim, i) => {
    if (!isKnownDimension(dim)) errors.push({ field: `dimensions[${i}]`, reason: 'unknown dimension' });
    else if (query.dimensions.indexOf(dim) !== i)
      errors.push({ field: `dimensions[${i}]`, reason: 'listed twice' });
  });
  if (query.dimensions.filter((d) => d.startsWith('time:')).length > 1) {
    errors.push({ field: 'dimensions', reason: 'at most one time dimension' });
  }

  const leaves = { n: 0 };
  query.filters.forEach((f, i) => {
    validateFilter(f, `filters[${i}]`, 1, errors, leaves);
  });
  if (leaves.n > limits.maxFilterLeaves) {
    errors.push({ field: 'filters', reason: `at most ${limits.maxFilterLeaves} conditions` });
  }

  if (query.metrics.includes('conversion_rate')) {
    const byDimension = query.dimensions.includes('event:name') || query.dimensions.includes('event:goal');
    const byFilter = query.filters.some(
      (f) =>
        'dimension' in f && (f.dimension === 'event:name' || f.dimension === 'event:goal') && f.op === 'is',
    );
    if (!byDimension && !byFilter) {
      errors.push({
        field: 'metrics',
        reason:
          'conversion_rate needs the conversion: add the dimension event:goal or event:name, or a top-level "is" filter on event:goal or event:name',
      });
    }
  }

  // Engagement metrics read the engagement table: only its page and the visit dimensions apply.
  errors.push(...engagementQueryErrors(query));

  query.orderBy.forEach((order, i) => {
    const known =
      (query.metrics as readonly string[]).includes(order.key) ||
      (query.dimensions as readonly string[]).includes(order.key);
    if (!known)
      errors.push({ field: `order_by[${i}]`, reason: 'order only by a requested metric or dimension' });
    if (order.key === 'revenue') {
      errors.push({
        field: `order_by[${i}]`,
        reason: 'revenue cannot be ordered: sums in different currencies do not compare',
      });
    }
    if (order.direction !== 'asc' && order.direction !== 'desc') {
      errors.push({ field: `order_by[${i}]`, reason: 'direction must be asc or desc' });
    }
  });

  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > limits.maxLimit) {
    errors.push({ field: 'pagination.limit', reason: `an integer from 1 to ${limits.maxLimit}` });
  }
  if (!Number.isInteger(query.page) || query.page < 0 || query.page > limits.maxPage) {
    errors.push({ field: 'pagination.offset', reason: 'a non-negative integer' });
  }
  if (
    query.offset !== undefined &&
    (!Number.isInteger(query.offset) || query.offset < 0 || query.offset > limits.maxPage * 100)
  ) {
    errors.push({ field: 'pagination.offset', reason: 'a non-negative integer' });
  }
  if (query.compare !== null && query.compare !== 'previous_period') {
    errors.push({ field: 'include.comparisons', reason: 'the only comparison is previous_period' });
  }
  return errors;
}

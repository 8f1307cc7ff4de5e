/**
 * Names the keys of a stats query body that are not part of Plausible's v2 shape: where a
 * misplaced one belongs (`limit` → `pagination.limit`, v1's `period` → `date_range`), and for a
 * typo the field it resembles. Clients port from v1 or other APIs and put fields at the wrong
 * level; "unknown field" alone would leave them guessing.
 */
import type { StatsFieldError } from './types.ts';

export const topLevelFields = [
  'site_id',
  'date_range',
  'metrics',
  'dimensions',
  'filters',
  'order_by',
  'pagination',
  'include',
] as const;

const topLevelSet: ReadonlySet<string> = new Set(topLevelFields);

/** Top-level keys seen in v1 requests or by analogy, and where v2 wants them. A Map, not an object: body keys such as `__proto__` must not find anything. */
const misplaced: ReadonlyMap<string, string> = new Map([
  ['limit', 'belongs in pagination.limit: {"pagination": {"limit": 100}}'],
  ['offset', 'belongs in pagination.offset: {"pagination": {"offset": 100}}'],
  ['page', 'belongs in pagination.offset: pages are offsets in v2, offset = (page - 1) × limit'],
  ['period', 'belongs in date_range: "7d" or ["YYYY-MM-DD", "YYYY-MM-DD"]'],
  ['date', 'belongs in date_range: ["YYYY-MM-DD", "YYYY-MM-DD"]'],
  ['metric', 'belongs in metrics: a list, e.g. ["visitors"]'],
  ['dimension', 'belongs in dimensions: a list, e.g. ["event:page"]'],
  ['property', 'belongs in dimensions: a list, e.g. ["event:page"]'],
  ['filter', 'belongs in filters: a list of [operator, dimension, [values]]'],
  ['sort', 'belongs in order_by: [["visitors", "desc"]]'],
  ['order', 'belongs in order_by: [["visitors", "desc"]]'],
  ['compare', 'belongs in include.comparisons: {"include": {"comparisons": {"mode": "previous_period"}}}'],
  [
    'comparisons',
    'belongs in include.comparisons: {"include": {"comparisons": {"mode": "previous_period"}}}',
  ],
  ['site', 'belongs in site_id'],
  ['domain', 'belongs in site_id'],
  ['siteId', 'belongs in site_id'],
  ['time_labels', 'belongs in include.time_labels (time labels are always included)'],
  ['total_rows', 'belongs in include.total_rows (the total is always included)'],
]);

const pageReason = 'not supported: use pagination.offset, offset = (page - 1) × limit';

/** A body may carry thousands of junk keys: name the first ones, count the rest. */
const maxNamed = 20;
/** A key is echoed back as a field name; a megabyte-long one is cut. */
const maxKeyLength = 100;

/** Every top-level key that is not a v2 field, each with where it belongs when that is known. */
export function unknownTopLevelFields(body: Record<string, unknown>): StatsFieldError[] {
  return nameUnknown(Object.keys(body), topLevelSet, '', (key) => misplaced.get(key) ?? guess(key));
}

/** Keys of `pagination` other than limit and offset. */
export function unknownPaginationFields(pagination: Record<string, unknown>): StatsFieldError[] {
  const known = new Set(['limit', 'offset']);
  return nameUnknown(Object.keys(pagination), known, 'pagination.', (key) =>
    key === 'page' ? pageReason : 'unknown field; pagination has limit and offset',
  );
}

function nameUnknown(
  keys: readonly string[],
  known: ReadonlySet<string>,
  prefix: string,
  reasonFor: (key: string) => string,
): StatsFieldError[] {
  const unknown = keys.filter((key) => !known.has(key));
  const errors = unknown.slice(0, maxNamed).map((key) => ({
    field: `${prefix}${key.length > maxKeyLength ? `${key.slice(0, maxKeyLength)}…` : key}`,
    reason: reasonFor(key),
  }));
  if (unknown.length > maxNamed) {
    errors.push({
      field: prefix === '' ? 'body' : prefix.slice(0, -1),
      reason: `${unknown.length - maxNamed} more unknown fields`,
    });
  }
  return errors;
}

function guess(key: string): string {
  const list = `the fields are ${topLevelFields.join(', ')}`;
  const near = key.length <= 40 ? topLevelFields.find((field) => editDistance(key, field) <= 2) : undefined;
  return near ? `unknown field; did you mean ${near}? (${list})` : `unknown field; ${list}`;
}

/** Levenshtein distance; inputs are capped at 40 characters by the caller. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

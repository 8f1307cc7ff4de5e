/**
 * Plausible v2 `filters` read into our filter tree, with Plausible's meanings:
 * - modifiers: `{"case_sensitive": false}`; without it every operator is case-sensitive;
 * - `is_not` / `contains_not` / `matches_not` on a custom property skip events without it;
 * - blank clauses and `(not set)` mean a blank visit field (our `(none)`);
 * - `visit:country_name` becomes a filter on country codes (locations.ts);
 * - `event:hostname` applies to the visit's entry hostname when the query groups by visit
 *   fields (`hostnameOnEntry`);
 * - `has_done` / `has_not_done` keep the visits with / without an event matching their filter.
 * Every refusal names the filter and the value at fault.
 */

import {
  type Filter,
  type FilterDimension,
  type FilterOperator,
  filterOperators,
  type LeafFilter,
} from '../stats/types.ts';
import { limits } from '../stats/validate.ts';
import { fromPlausibleLabel, notSetLabel } from './labels.ts';
import { countryNameFilter, isCountryCode, locationAliases } from './locations.ts';
import { refuse, show } from './refusal.ts';

/** Dimensions of Plausible's reference with no data here, each with why. */
const unsupportedDimensions: Readonly<Record<string, string>> = {
  'visit:browser_version': 'browser versions are not recorded',
  'visit:os_version': 'operating system versions are not recorded',
  segment: 'saved segments do not exist on this server',
};

/** Why a dimension Plausible knows cannot be used here, or null. */
export function unsupportedDimension(dimension: string): string | null {
  return unsupportedDimensions[dimension] ?? null;
}

function parseModifiers(value: unknown, filter: unknown): { caseSensitive: boolean } {
  if (value === undefined) return { caseSensitive: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(
      `Invalid filter ${show(filter)}: modifiers must be an object such as {"case_sensitive": false}`,
    );
  }
  for (const [key, flag] of Object.entries(value)) {
    if (key !== 'case_sensitive' || typeof flag !== 'boolean') {
      return refuse(
        `Invalid filter ${show(filter)}: unknown modifier ${show(key)}; only "case_sensitive" (true or false) is known`,
      );
    }
  }
  return { caseSensitive: (value as { case_sensitive?: boolean }).case_sensitive !== false };
}

function clauseStrings(value: unknown[], clauses: unknown): string[] {
  if (!Array.isArray(clauses) || clauses.length === 0) {
    return refuse(`Invalid filter ${show(value)}: the clauses must be a non-empty list`);
  }
  if (clauses.length > limits.maxValuesPerFilter) {
    return refuse(
      `Invalid filter ${show(value)}: ${clauses.length} clauses; at most ${limits.maxValuesPerFilter}`,
    );
  }
  return clauses.map((clause) => {
    if (typeof clause === 'string') return clause;
    if (typeof clause === 'number' && Number.isFinite(clause)) return String(clause);
    return refuse(`Invalid filter ${show(value)}: the clause ${show(clause)} is not a string or a number`);
  });
}

function parseLeaf(value: unknown[]): LeafFilter {
  const [op, sentDimension, clauses, modifiers] = value;
  if (!(filterOperators as readonly unknown[]).includes(op)) {
    return refuse(`Invalid filter ${show(value)}: unknown operator ${show(op)}`);
  }
  if (typeof sentDimension !== 'string')
    return refuse(`Invalid filter ${show(value)}: the dimension must be a string`);
  if (value.length < 3 || value.length > 4) {
    return refuse(`Invalid filter ${show(value)}: expected [operator, dimension, [clauses], modifiers?]`);
  }
  if (sentDimension.startsWith('time')) {
    return refuse(`Invalid filter ${show(value)}: time dimensions cannot be filtered; use date_range`);
  }
  const why = unsupportedDimension(sentDimension);
  if (why) return refuse(`Invalid filter ${show(value)}: ${sentDimension} cannot be filtered (${why})`);
  const strings = clauseStrings(value, clauses);
  const { caseSensitive } = parseModifiers(modifiers, value);
  const operator = op as FilterOperator;
  const exact = operator === 'is' || operator === 'is_not';
  if (sentDimension === 'visit:country' && exact) {
    const bad = strings.find((clause) => clause !== '' && clause !== notSetLabel && !isCountryCode(clause));
    if (bad !== undefined) {
      return refuse(
        `Invalid visit:country filter ${show(value)}: ${show(bad)} is not an ISO 3166-1 alpha-2 country code (such as "DE"); use visit:country_name for names`,
      );
    }
  }
  let dimension = (locationAliases[sentDimension] ?? sentDimension) as FilterDimension;
  let leaf: Pick<LeafFilter, 'op' | 'values'> = { op: operator, values: strings };
  if (sentDimension === 'visit:country_name') {
    if (operator === 'matches' || operator === 'matches_not') {
      return refuse(
        `Invalid filter ${show(value)}: visit:country_name takes is, is_not, contains or contains_not; filter visit:country by code for patterns`,
      );
    }
    leaf = countryNameFilter(operator, strings, caseSensitive);
    dimension = 'visit:country';
  }
  const exactAfter = leaf.op === 'is' || leaf.op === 'is_not';
  return {
    op: leaf.op,
    dimension,
    values: exactAfter ? leaf.values.map((clause) => fromPlausibleLabel(dimension, clause)) : leaf.values,
    caseSensitive,
    // Plausible: "plan is not free" says nothing about events that have no plan at all.
    negationNeedsProperty: true,
  };
}

/** `["has_done", filter]` / `["has_not_done", filter]`: visits with / without such an event. */
function parseBehavioural(value: unknown[], path: string, depth: number): Filter {
  const op = value[0] as 'has_done' | 'has_not_done';
  if (value.length !== 2) return refuse(`Invalid filter ${show(value)}: expected ["${op}", filter]`);
  return { op, filter: parseFilter(value[1], `${path}[1]`, depth + 1) };
}

/** One filter of the sent list; `path` names it in refusals (`filters[0][1][2]`). */
export function parseFilter(value: unknown, path: string, depth = 1): Filter {
  if (!Array.isArray(value) || typeof value[0] !== 'string') {
    return refuse(`Invalid filter ${show(value)} at ${path}: a filter is [operator, dimension, [clauses]]`);
  }
  if (depth > limits.maxFilterDepth) {
    return refuse(`Invalid filter at ${path}: filters may nest at most ${limits.maxFilterDepth} levels`);
  }
  const op = value[0];
  if (op === 'and' || op === 'or') {
    if (value.length !== 2 || !Array.isArray(value[1]) || value[1].length === 0)
      return refuse(
        `Invalid filter ${show(value)}: expected ["${op}", [filters, …]] with at least one filter`,
      );
    if (value[1].length > limits.maxFilterLeaves) {
      return refuse(`Invalid filter at ${path}: at most ${limits.maxFilterLeaves} conditions`);
    }
    return {
      op,
      filters: (value[1] as unknown[]).map((f, i) => parseFilter(f, `${path}[1][${i}]`, depth + 1)),
    };
  }
  if (op === 'not') {
    if (value.length !== 2) return refuse(`Invalid filter ${show(value)}: expected ["not", filter]`);
    return { op, filter: parseFilter(value[1], `${path}[1]`, depth + 1) };
  }
  if (op === 'has_done' || op === 'has_not_done') return parseBehavioural(value, path, depth);
  return parseLeaf(value);
}

/**
 * Plausible reads a hostname filter on the visit's entry hostname when visit fields are grouped:
 * "visits by source on blog.example.com" are the visits that entered there.
 */
export function hostnameOnEntry(filter: Filter): Filter {
  if ('dimension' in filter) {
    return filter.dimension === 'event:hostname'
      ? { ...filter, dimension: 'visit:entry_page_hostname' }
      : filter;
  }
  // has_done asks which events a visit had: its hostname stays the event's.
  if ('filter' in filter) {
    return filter.op === 'not' ? { op: 'not', filter: hostnameOnEntry(filter.filter) } : filter;
  }
  return { op: filter.op, filters: filter.filters.map(hostnameOnEntry) };
}

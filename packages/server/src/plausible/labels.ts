/**
 * Blank values: our engine labels them `(none)` everywhere; Plausible labels a blank visit field
 * or hostname `(not set)` and keeps `(none)` for a missing custom property. Rows going out and
 * `is` / `is_not` clauses coming in are translated here, so a client can filter by a label it read.
 */
import { noneLabel } from '../stats/fields.ts';
import { propDimensionPrefix } from '../stats/types.ts';

export const notSetLabel = '(not set)';

function saysNotSet(dimension: string): boolean {
  return !dimension.startsWith(propDimensionPrefix) && !dimension.startsWith('time');
}

/** A row's dimension value as Plausible shows it. */
export function toPlausibleLabel(dimension: string, value: string): string {
  return value === noneLabel && saysNotSet(dimension) ? notSetLabel : value;
}

/** A clause a Plausible client sent, as our engine labels the same value. */
export function fromPlausibleLabel(dimension: string, clause: string): string {
  return clause === notSetLabel && saysNotSet(dimension) ? noneLabel : clause;
}

/**
 * Blank values: our engine labels them `(none)` everywhere; Plausible labels a blank visit field
 * or hostname `(not set)` and keeps `(none)` for a missing custom property. Rows going out and
 * `is` / `is_not` clauses coming in are translated here, so a client can filter by a label it
 * read; a blank clause (`""`, as in Plausible's example `["is_not", "visit:country_name", [""]]`)
 * means blank too; a visit without a referrer is `Direct / None`. Country codes go out as names
 * under `visit:country_name`.
 */
import { noneLabel } from '../stats/fields.ts';
import { propDimensionPrefix } from '../stats/types.ts';
import { countryName } from './locations.ts';

export const notSetLabel = '(not set)';
/** A visit without a referrer, as Plausible labels it under `visit:source` and `visit:referrer`. */
export const directLabel = 'Direct / None';

function saysNotSet(dimension: string): boolean {
  return !dimension.startsWith(propDimensionPrefix) && !dimension.startsWith('time');
}

/** A row's dimension value as Plausible shows it, under the dimension name the client sent. */
export function toPlausibleLabel(sentDimension: string, value: string): string {
  if (value === noneLabel && sentDimension === 'visit:referrer') return directLabel;
  if (value === noneLabel && saysNotSet(sentDimension)) return notSetLabel;
  return sentDimension === 'visit:country_name' ? countryName(value) : value;
}

/** A clause a Plausible client sent, as our engine labels the same value (`dimension`: ours). */
export function fromPlausibleLabel(dimension: string, clause: string): string {
  if (dimension === 'visit:referrer' && clause === directLabel) return noneLabel;
  return (clause === notSetLabel || clause === '') && saysNotSet(dimension) ? noneLabel : clause;
}

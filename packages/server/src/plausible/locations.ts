/**
 * Plausible's location dimensions over ours. We store a visit's country as its ISO 3166-1
 * alpha-2 code and its region and city by name (DB-IP Lite has no GeoNames ids), so:
 * - `visit:country_name` is `visit:country` with each code written as its English name, and a
 *   filter on names becomes one on the codes whose names match (worked out here, in JS, over the
 *   ~250 names; `matches` is refused: names are matched without a regex engine);
 * - `visit:region_name` and `visit:city_name` are `visit:region` and `visit:city` as they are.
 */
import type { FilterOperator, LeafFilter } from '../stats/types.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Codes ICU names that are not assigned ISO 3166-1 countries: groups (EU, UN, EZ, QO), unknown
 * (ZZ), pseudo-regions (XA, XB), the exceptionally reserved (AC, CP, DG, EA, IC, TA) and the
 * withdrawn or aliases that ICU still names as today's country (DD "Germany", UK "United
 * Kingdom", YU, CS, ZR, TP, BU, SU, FX, NT, AN, HV, DY, NH, RH, VD, YD).
 */
const notCountries = new Set(
  'EU UN EZ QO ZZ XA XB AC CP DG EA IC TA DD UK YU CS ZR TP BU SU FX NT AN HV DY NH RH VD YD'.split(' '),
);

/** An ISO 3166-1 alpha-2 code the runtime's ICU knows as a country. */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || notCountries.has(value)) return false;
  const name = regionNames.of(value);
  return name !== undefined && name !== value && name !== 'Unknown Region';
}

/** Every country code with its English name, built once. */
const countries: ReadonlyArray<readonly [code: string, name: string]> = (() => {
  const found: Array<readonly [string, string]> = [];
  for (let a = 65; a <= 90; a += 1) {
    for (let b = 65; b <= 90; b += 1) {
      const code = String.fromCharCode(a, b);
      if (isCountryCode(code)) found.push([code, regionNames.of(code) ?? code]);
    }
  }
  return found;
})();

/** A country code's English name (`US` → `United States`); anything else as it is. */
export function countryName(code: string): string {
  return isCountryCode(code) ? (regionNames.of(code) ?? code) : code;
}

/** The Plausible dimension names that are one of ours under another name. */
export const locationAliases: Readonly<Record<string, string>> = {
  'visit:country_name': 'visit:country',
  'visit:region_name': 'visit:region',
  'visit:city_name': 'visit:city',
};

/**
 * A `visit:country_name` filter as one on `visit:country`: the codes whose names equal (is) or
 * contain (contains) a clause. A clause no name fits keeps its text, which no code equals, so
 * `is` matches nothing and `is_not` everything, as on names. Blank clauses stay blank.
 */
export function countryNameFilter(
  op: Exclude<FilterOperator, 'matches' | 'matches_not'>,
  clauses: readonly string[],
  caseSensitive: boolean,
): Pick<LeafFilter, 'op' | 'values'> {
  const fold = (text: string) => (caseSensitive ? text : text.toLowerCase());
  const exact = op === 'is' || op === 'is_not';
  const codes = new Set<string>();
  const kept: string[] = [];
  for (const clause of clauses) {
    const wanted = fold(clause);
    const fitting = countries.filter(([, name]) =>
      exact ? fold(name) === wanted : fold(name).includes(wanted),
    );
    if (fitting.length === 0 || clause === '') kept.push(clause);
    for (const [code] of fitting) if (clause !== '') codes.add(code);
  }
  const positive = op === 'is' || op === 'contains';
  return { op: positive ? 'is' : 'is_not', values: [...codes, ...kept] };
}

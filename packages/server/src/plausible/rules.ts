/**
 * Combinations Plausible's Stats API refuses although our engine could answer them: refused here
 * too, so a query that works against us works against Plausible and the other way round. Each
 * sentence names the metric, dimension or value at fault.
 */
import type { Filter, LeafFilter, StatsQuery } from '../stats/types.ts';

/** Metrics of a whole visit: they mean nothing per custom event or per property value. */
const visitMetrics = ['bounce_rate', 'visit_duration', 'views_per_visit'] as const;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** An ISO 3166-1 alpha-2 code the runtime's ICU knows as a region (not `ZZ`, not `EU`-style groups). */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || value === 'ZZ') return false;
  const name = regionNames.of(value);
  return name !== undefined && name !== value && name !== 'Unknown Region';
}

function leaves(filter: Filter): LeafFilter[] {
  if ('dimension' in filter) return [filter];
  if (filter.op === 'not') return leaves(filter.filter);
  return filter.filters.flatMap(leaves);
}

/** Plausible's refusal of this query, or null when Plausible would run it. */
export function plausibleRuleViolation(query: StatsQuery): string | null {
  const all = query.filters.flatMap(leaves);
  for (const leaf of all) {
    if (leaf.dimension === 'visit:country' && (leaf.op === 'is' || leaf.op === 'is_not')) {
      const bad = leaf.values.find((value) => !isCountryCode(value));
      if (bad !== undefined) {
        return `Invalid visit:country filter: ${JSON.stringify(bad)} is not an ISO 3166-1 alpha-2 country code (such as "DE")`;
      }
    }
  }
  const eventDimension = query.dimensions.find((d) => d === 'event:name' || d.startsWith('event:props:'));
  const sessionMetric = query.metrics.find((m) => (visitMetrics as readonly string[]).includes(m));
  if (eventDimension && sessionMetric) {
    return `Metric \`${sessionMetric}\` cannot be queried with the event dimension \`${eventDimension}\`: it is a property of a whole visit`;
  }
  if (query.metrics.includes('views_per_visit')) {
    if (all.some((leaf) => leaf.dimension === 'event:page')) {
      return 'Metric `views_per_visit` cannot be queried with a filter on `event:page`';
    }
    if (query.dimensions.length > 0) {
      return `Metric \`views_per_visit\` cannot be queried with \`dimensions\` (${query.dimensions.join(', ')})`;
    }
  }
  return null;
}

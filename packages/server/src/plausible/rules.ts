/**
 * Combinations Plausible's Stats API refuses although our engine could answer them: refused here
 * too, so a query that works against us works against Plausible and the other way round. Each
 * sentence names the metric, dimension or filter at fault.
 */
import type { Filter, LeafFilter, StatsQuery } from '../stats/types.ts';
import type { PlausibleExtras } from './query.ts';

/** Metrics of a whole visit: they mean nothing per custom event or per property value. */
const visitMetrics = ['bounce_rate', 'visit_duration', 'views_per_visit'] as const;

/** Metrics whose numerator is a goal's conversions. */
const conversionMetrics = ['conversion_rate', 'group_conversion_rate'] as const;

function leaves(filter: Filter): LeafFilter[] {
  if ('dimension' in filter) return [filter];
  // A behavioural filter's events say which visits count, not which events: not the query's leaves.
  if ('filter' in filter) return filter.op === 'not' ? leaves(filter.filter) : [];
  return filter.filters.flatMap(leaves);
}

/** Plausible's refusal of this query, or null when Plausible would run it. */
export function plausibleRuleViolation(query: StatsQuery, extras: PlausibleExtras): string | null {
  const all = query.filters.flatMap(leaves);
  const eventDimension = query.dimensions.find((d) => d === 'event:name' || d.startsWith('event:props:'));
  const sessionMetric = extras.metrics.find((m) => (visitMetrics as readonly string[]).includes(m));
  if (eventDimension && sessionMetric) {
    return `Metric \`${sessionMetric}\` cannot be queried with the event dimension \`${eventDimension}\`: it is a property of a whole visit`;
  }
  if (extras.metrics.includes('views_per_visit')) {
    if (all.some((leaf) => leaf.dimension === 'event:page')) {
      return 'Metric `views_per_visit` cannot be queried with a filter on `event:page`';
    }
    if (query.dimensions.length > 0) {
      return `Metric \`views_per_visit\` cannot be queried with \`dimensions\` (${extras.dimensions.join(', ')})`;
    }
  }
  const conversion = extras.metrics.find((m) => (conversionMetrics as readonly string[]).includes(m));
  if (conversion) {
    const byGoal =
      query.dimensions.includes('event:goal') ||
      query.filters.some((f) => 'dimension' in f && f.dimension === 'event:goal' && f.op === 'is');
    if (!byGoal) {
      return `Metric \`${conversion}\` can only be queried with an \`event:goal\` dimension or a top-level "is" filter on \`event:goal\``;
    }
    if (conversion === 'group_conversion_rate' && query.dimensions.length === 0) {
      return 'Metric `group_conversion_rate` needs `dimensions`: it is the conversion rate within each group';
    }
  }
  return null;
}

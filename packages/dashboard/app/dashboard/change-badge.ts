import { formatChange, lowerIsBetter } from './format.ts';
import { isRevenueAmount } from './money.ts';
import type { MetricValue } from './queries.ts';

/** Whether each of the two compared periods had any visitor: read once, for every card alike. */
export interface ComparedPeriods {
  readonly current: boolean;
  readonly previous: boolean;
}

export interface ChangeBadge {
  readonly label: string;
  readonly tone: 'good' | 'bad' | 'neutral';
}

/** Rates compare in percentage points, where 0 % of some visits is an ordinary value. */
const rates = new Set(['bounce_rate', 'conversion_rate']);
/**
 * Rates and averages: a period without visits (or, for the average revenue, without conversions)
 * has no value for them (the API says 0).
 */
const perVisit = new Set([...rates, 'views_per_visit', 'visit_duration', 'average_revenue']);

/** A revenue amount counts as its decimal value, so revenue that grew from 0 is "new" as counts are. */
function amountOf(value: MetricValue | undefined): number | undefined {
  return isRevenueAmount(value) ? Number(value.value) : typeof value === 'number' ? value : undefined;
}

const neutral = (label: string): ChangeBadge => ({ label, tone: 'neutral' });

/** The periods as the top-stats row tells them: its visitors now and in the comparison. */
export function comparedPeriods(
  visitors: MetricValue | undefined,
  previousVisitors: MetricValue | undefined,
): ComparedPeriods {
  const some = (value: MetricValue | undefined) => typeof value === 'number' && value > 0;
  return { current: some(visitors), previous: some(previousVisitors) };
}

/**
 * The change shown under a headline number. When the previous period had no visitor, every card
 * (counts, rates, averages, revenue) says the same: "new", or "—" when this period has nothing
 * either. It never says "↑100%" (the API's +100 % from zero, which reads as "doubled") nor
 * "↑25 pp" (a rate against visits that did not exist). Likewise a rate or average of a period
 * without visits has no value to compare ("—"). Otherwise a count that grew from 0 is "new", and
 * anything else is the API's change with its arrow, coloured by whether it is good news.
 */
export function changeBadge(
  metric: string,
  change: number | null | undefined,
  previous: MetricValue | undefined,
  periods: ComparedPeriods,
): ChangeBadge {
  if (change === undefined) return neutral('—'); // no comparison was asked for or answered
  if (!periods.previous) return neutral(periods.current ? 'new' : '—');
  if (change === null || change === undefined) return neutral('—');
  if (!periods.current && perVisit.has(metric)) return neutral('—');
  if (!rates.has(metric) && amountOf(previous) === 0 && change > 0) return neutral('new');
  const better = lowerIsBetter.has(metric) ? change < 0 : change > 0;
  const worse = lowerIsBetter.has(metric) ? change > 0 : change < 0;
  return { label: formatChange(metric, change), tone: better ? 'good' : worse ? 'bad' : 'neutral' };
}

/**
 * What the site's goals decide about a query: named goals must exist, and revenue goal metrics
 * need a currency to report in (docs/goals.md "Querying").
 */
import type { Goal } from '../goals/types.ts';
import { filteredRevenueGoals } from './compile.ts';
import { goalRevenueMetrics, type StatsFieldError, type StatsQuery } from './types.ts';

/** Whether answering the query needs the site's goals. */
export function usesGoals(query: StatsQuery): boolean {
  return (
    query.dimensions.includes('event:goal') ||
    query.metrics.some((m) => goalRevenueMetrics.includes(m)) ||
    JSON.stringify(query.filters).includes('"event:goal"')
  );
}

export function goalQueryErrors(query: StatsQuery, goals: readonly Goal[]): StatsFieldError[] {
  const errors: StatsFieldError[] = [];
  const names = new Set(goals.map((goal) => goal.name));
  query.filters.forEach((filter, i) => {
    if (!('dimension' in filter) || filter.dimension !== 'event:goal') return;
    if (filter.op !== 'is' && filter.op !== 'is_not') return;
    for (const value of filter.values) {
      if (!names.has(value)) {
        errors.push({
          field: `filters[${i}]`,
          reason: `the goal "${value.slice(0, 120)}" is not configured for this site; list them with GET /api/external/v1/websites/{id}/goals`,
        });
      }
    }
  });
  const asked = query.metrics.filter((m) => goalRevenueMetrics.includes(m));
  if (asked.length === 0 || query.dimensions.includes('event:goal')) return errors;
  const revenueGoals = filteredRevenueGoals(query, goals);
  const currencies = [...new Set(revenueGoals.map((goal) => goal.currency))].sort();
  if (currencies.length === 0) {
    errors.push({
      field: 'metrics',
      reason: `${asked.join(', ')} need a revenue goal: filter event:goal by a goal that has a currency, or add the dimension event:goal`,
    });
  } else if (currencies.length > 1) {
    errors.push({
      field: 'metrics',
      reason: `the filtered goals report revenue in different currencies (${currencies.join(', ')}); filter the goals of one currency, or add the dimension event:goal to see each in its own`,
    });
  }
  return errors;
}

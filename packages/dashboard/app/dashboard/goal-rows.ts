import type { GoalInfo } from '../goals-api.ts';
import type { MetricValue } from './queries.ts';

export interface GoalRow {
  readonly name: string;
  /** Null for a goal without a currency (no revenue column value). */
  readonly currency: string | null;
  readonly metrics: readonly MetricValue[];
}

/**
 * One row per goal: the engine's rows (most converting first), then the site's other goals with
 * nothing in this period and filter, as zeros, so a goal never silently disappears. With a goal
 * filter only the engine's rows are shown (the others are filtered out, not at zero).
 */
export function goalRows(
  goals: readonly GoalInfo[],
  results: ReadonlyArray<{ dimensions: readonly string[]; metrics: readonly MetricValue[] }>,
  filtered: boolean,
): GoalRow[] {
  const byName = new Map(goals.map((goal) => [goal.name, goal]));
  const rows: GoalRow[] = results.map((result) => {
    const name = result.dimensions[0] ?? '';
    return { name, currency: byName.get(name)?.currency ?? null, metrics: result.metrics };
  });
  if (filtered) return rows;
  const shown = new Set(rows.map((row) => row.name));
  for (const goal of goals) {
    if (shown.has(goal.name)) continue;
    const revenue = goal.currency === null ? null : { value: '0', currency: goal.currency };
    // In goalPanelMetrics' order: visitors, events, conversion_rate, total_revenue.
    rows.push({ name: goal.name, currency: goal.currency, metrics: [0, 0, 0, revenue] });
  }
  return rows;
}

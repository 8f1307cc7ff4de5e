import { changeBadge, comparedPeriods } from './change-badge.ts';
import { formatMetric } from './format.ts';
import { type StatsResult, topMetrics } from './queries.ts';
import { chartMetrics } from './url-state.ts';

const visitorsAt = topMetrics.indexOf('visitors');

/**
 * The six headline numbers with their change against the previous period; a click charts one.
 * While a newer answer loads the old numbers stay on screen, marked aria-busy so that neither a
 * screen reader nor a test mistakes them for the answer to the new filters.
 */
export function TopStats(props: {
  result: StatsResult;
  busy: boolean;
  selected: string;
  onSelect: (metric: string) => void;
}) {
  const row = props.result.results[0];
  // Decided once for the row, so every card follows the same rule when a period is empty.
  const periods = comparedPeriods(row?.metrics[visitorsAt], row?.comparison?.metrics[visitorsAt]);
  return (
    <div class="top-stats" data-testid="top-stats" aria-busy={props.busy}>
      {chartMetrics.map((metric) => {
        const i = topMetrics.indexOf(metric.id);
        const badge = changeBadge(
          metric.id,
          row?.comparison?.change[i],
          row?.comparison?.metrics[i],
          periods,
        );
        return (
          <button
            type="button"
            key={metric.id}
            class={metric.id === props.selected ? 'stat selected' : 'stat'}
            data-metric={metric.id}
            aria-pressed={metric.id === props.selected}
            onClick={() => props.onSelect(metric.id)}
          >
            <span class="stat-label">{metric.label}</span>
            <span class="stat-value">{formatMetric(metric.id, row?.metrics[i] ?? 0)}</span>
            <span class={badge.tone === 'neutral' ? 'change' : `change ${badge.tone}`}>{badge.label}</span>
          </button>
        );
      })}
    </div>
  );
}

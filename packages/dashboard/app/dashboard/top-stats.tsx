import { changeLabel, formatMetric, lowerIsBetter } from './format.ts';
import type { StatsResult } from './queries.ts';
import { chartMetrics } from './url-state.ts';

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
  return (
    <div class="top-stats" data-testid="top-stats" aria-busy={props.busy}>
      {chartMetrics.map((metric, i) => {
        const value = row?.metrics[i] ?? 0;
        const change = row?.comparison?.change[i] ?? null;
        const previous = row?.comparison?.metrics[i];
        const good = change !== null && (lowerIsBetter.has(metric.id) ? change < 0 : change > 0);
        const bad = change !== null && (lowerIsBetter.has(metric.id) ? change > 0 : change < 0);
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
            <span class="stat-value">{formatMetric(metric.id, value)}</span>
            <span class={good ? 'change good' : bad ? 'change bad' : 'change'}>
              {changeLabel(metric.id, change, previous)}
            </span>
          </button>
        );
      })}
    </div>
  );
}

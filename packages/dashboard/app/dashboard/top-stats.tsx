import { type ChangeBadge, changeBadge, comparedPeriods } from './change-badge.ts';
import { formatMetric } from './format.ts';
import { unconvertedNote } from './money.ts';
import { type MetricValue, type StatsResult, topMetrics } from './queries.ts';
import { chartMetrics, goalChartMetrics } from './url-state.ts';

export interface StatCard {
  readonly id: string;
  readonly label: string;
  /** Whether a click charts it (an amount in a currency per bucket does not chart). */
  readonly chartable: boolean;
}

/** The site's six headline numbers. */
export const siteCards: readonly StatCard[] = chartMetrics.map((m) => ({ ...m, chartable: true }));

/** With a goal filter: its conversions, and for a revenue goal its total and average revenue. */
export function goalCards(revenue: boolean): StatCard[] {
  const cards: StatCard[] = goalChartMetrics.map((m) => ({ ...m, chartable: true }));
  if (revenue) {
    cards.push(
      { id: 'total_revenue', label: 'Total revenue', chartable: false },
      { id: 'average_revenue', label: 'Average revenue', chartable: false },
    );
  }
  return cards;
}

/**
 * The headline numbers with their change against the previous period; a click charts one.
 * While a newer answer loads the old numbers stay on screen, marked aria-busy so that neither a
 * screen reader nor a test mistakes them for the answer to the new filters. Values are looked up
 * by the metric names the answer echoes, so an older answer to other metrics shows "—", never
 * one metric's number under another's label.
 */
export function TopStats(props: {
  result: StatsResult;
  cards: readonly StatCard[];
  busy: boolean;
  selected: string;
  onSelect: (metric: string) => void;
}) {
  const row = props.result.results[0];
  const columns: readonly string[] = props.result.query?.metrics ?? topMetrics;
  const at = (values: readonly MetricValue[] | undefined, metric: string) => {
    const i = columns.indexOf(metric);
    return i < 0 ? undefined : values?.[i];
  };
  // Decided once for the row, so every card follows the same rule when a period is empty. With a
  // goal filter the visitors are the goal's unique conversions.
  const periods = comparedPeriods(at(row?.metrics, 'visitors'), at(row?.comparison?.metrics, 'visitors'));
  return (
    <div class="top-stats" data-testid="top-stats" aria-busy={props.busy}>
      {props.cards.map((card) => {
        const i = columns.indexOf(card.id);
        const badge = changeBadge(
          card.id,
          i < 0 ? undefined : row?.comparison?.change[i],
          at(row?.comparison?.metrics, card.id),
          periods,
        );
        const value = i < 0 ? undefined : (row?.metrics[i] ?? 0);
        const body = <CardBody card={card} value={value} badge={badge} />;
        if (!card.chartable) {
          return (
            <div class="stat static" key={card.id} data-metric={card.id}>
              {body}
            </div>
          );
        }
        return (
          <button
            type="button"
            key={card.id}
            class={card.id === props.selected ? 'stat selected' : 'stat'}
            data-metric={card.id}
            aria-pressed={card.id === props.selected}
            onClick={() => props.onSelect(card.id)}
          >
            {body}
          </button>
        );
      })}
    </div>
  );
}

function CardBody(props: { card: StatCard; value: MetricValue | undefined; badge: ChangeBadge }) {
  const note = unconvertedNote(props.value);
  return (
    <>
      <span class="stat-label">{props.card.label}</span>
      <span class="stat-value">{formatMetric(props.card.id, props.value)}</span>
      {note ? <span class="stat-note muted small">{note}</span> : null}
      <span class={props.badge.tone === 'neutral' ? 'change' : `change ${props.badge.tone}`}>
        {props.badge.label}
      </span>
    </>
  );
}

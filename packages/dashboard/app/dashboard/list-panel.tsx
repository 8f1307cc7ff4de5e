import { useState } from 'preact/hooks';
import { asNumber, formatMetric } from './format.ts';
import { breakdownQuery, type StatsQueryBody } from './queries.ts';
import type { ViewState } from './url-state.ts';
import { useStats } from './use-stats.ts';

export interface PanelTab {
  readonly id: string;
  readonly label: string;
  readonly dimension: string;
  /** Column header for the dimension, e.g. "Source". */
  readonly heading: string;
  readonly metrics?: string[];
  readonly extraFilters?: unknown[];
  /** How a value is shown (country code -> name); the raw value is what filters use. */
  readonly labelOf?: (value: string) => string;
  /** False when clicking a row should not filter (e.g. values that are not filterable). */
  readonly filterable?: boolean;
}

export interface PanelProps {
  readonly siteId: string;
  readonly state: ViewState;
  readonly onFilter: (dimension: string, value: string) => void;
}

const metricHeadings: Record<string, string> = {
  visitors: 'Visitors',
  visits: 'Visits',
  pageviews: 'Pageviews',
  events: 'Events',
  conversion_rate: 'CR',
  time_on_page: 'Time on page',
  scroll_depth: 'Scroll depth',
};

/** A titled card with tabs, each a top-10 breakdown; clicking a row filters the dashboard. */
export function ListPanel(props: PanelProps & { title: string; tabs: readonly PanelTab[]; testId: string }) {
  const [tabId, setTabId] = useState(props.tabs[0]!.id);
  const tab = props.tabs.find((t) => t.id === tabId) ?? props.tabs[0]!;
  return (
    <section class="card" data-panel={props.testId}>
      <header class="card-head">
        <h2>{props.title}</h2>
        {props.tabs.length > 1 && (
          <div class="tabs" role="tablist">
            {props.tabs.map((t) => (
              <button
                type="button"
                role="tab"
                aria-selected={t.id === tab.id}
                class={t.id === tab.id ? 'tab active' : 'tab'}
                key={t.id}
                onClick={() => setTabId(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
        )}
      </header>
      <BreakdownList {...props} tab={tab} />
    </section>
  );
}

export function BreakdownList(props: PanelProps & { tab: PanelTab; query?: StatsQueryBody }) {
  const { tab } = props;
  const metrics = tab.metrics ?? ['visitors'];
  const query =
    props.query ??
    breakdownQuery(props.siteId, props.state, tab.dimension, {
      metrics,
      extraFilters: tab.extraFilters ?? [],
    });
  const { data, error, loading } = useStats(props.siteId, query);
  if (error) return <p class="panel-error">Could not load: {error}</p>;
  if (!data) return <p class="muted panel-empty">{loading ? 'Loading…' : ''}</p>;
  if (data.results.length === 0) return <p class="muted panel-empty">No data for this period and filter.</p>;
  const max = Math.max(1, ...data.results.map((row) => asNumber(row.metrics[0])));
  const filterable = tab.filterable !== false;
  return (
    <table class="breakdown" data-dimension={tab.dimension}>
      <thead>
        <tr>
          <th scope="col">{tab.heading}</th>
          {metrics.map((m) => (
            <th scope="col" class="num" key={m}>
              {metricHeadings[m] ?? m}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.results.map((row) => {
          const value = row.dimensions[0] ?? '';
          const label = tab.labelOf ? tab.labelOf(value) : value;
          const width = `${Math.round((asNumber(row.metrics[0]) / max) * 100)}%`;
          return (
            <tr key={value}>
              <td class="label-cell">
                <span class="bar" style={{ width }} />
                {filterable ? (
                  <button
                    type="button"
                    class="row-filter"
                    title={`Filter by ${tab.heading.toLowerCase()}: ${label}`}
                    onClick={() => props.onFilter(tab.dimension, value)}
                  >
                    {label}
                  </button>
                ) : (
                  <span class="row-label">{label}</span>
                )}
              </td>
              {metrics.map((m, i) => (
                <td class="num" key={m} data-metric={m}>
                  {formatMetric(m, row.metrics[i])}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

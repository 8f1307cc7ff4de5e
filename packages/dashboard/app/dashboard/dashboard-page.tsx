import { useEffect, useState } from 'preact/hooks';
import { api, type SiteInfo } from '../api.ts';
import { useGoals } from '../goals-api.ts';
import { Link } from '../link.tsx';
import { roleAtLeast } from '../members/roles.ts';
import { navigate, useLocation } from '../router.ts';
import { showsPanel, useViewMode, ViewModeContext } from '../sharing/view-mode.ts';
import { TimeSeriesChart } from './chart.tsx';
import { DateRangePicker, FilterBar } from './controls.tsx';
import { EventsPanel } from './events-panel.tsx';
import { FilteredTrafficPanel } from './filtered-panel.tsx';
import { asNumber } from './format.ts';
import { FunnelsPanel } from './funnels-panel.tsx';
import { GoalsPanel } from './goals-panel.tsx';
import { LiveCounter } from './live-counter.tsx';
import { LocationsPanel } from './locations-panel.tsx';
import { DevicesPanel, PagesPanel, SourcesPanel } from './panels.tsx';
import { previousSeries } from './previous-series.ts';
import {
  goalTopStatsQuery,
  type ResultRow,
  type StatsQueryBody,
  timeDimensionOf,
  timeseriesQuery,
  topStatsQuery,
} from './queries.ts';
import { goalCards, siteCards, TopStats } from './top-stats.tsx';
import {
  chartMetricsOf,
  goalDimension,
  goalFilterOf,
  readViewState,
  type ViewState,
  withFilter,
  withoutFilter,
  writeViewState,
} from './url-state.ts';
import { useApi, useStats } from './use-stats.ts';

/** One site's analytics: everything on the page follows the view state in the URL. */
export function DashboardPage(props: { siteId: string }) {
  const location = useLocation();
  // Read through a shared link: no way to settings or other sites, only the link's panels.
  const mode = useViewMode();
  const shows = (panel: string) => showsPanel(mode, panel);
  const state = readViewState(location.search);
  const site = useApi(
    () => api.get<{ site: SiteInfo }>(`/sites/${encodeURIComponent(props.siteId)}`),
    props.siteId,
  );
  const goals = useGoals(props.siteId);
  // With a goal filter the headline numbers are the goal's conversions, and its revenue when it
  // has a currency: that waits for the goal list (a failed list still shows the conversions).
  const goalName = goalFilterOf(state);
  // A shared or bookmarked link may name a goal renamed or deleted since: drop that filter (every
  // panel would be refused as filtering by an unknown goal) and say why.
  const [droppedGoal, setDroppedGoal] = useState<string | null>(null);
  const unknownGoal =
    goalName !== null && goals.data !== null && !goals.data.goals.some((g) => g.name === goalName);
  useEffect(() => {
    if (!unknownGoal || goalName === null) return;
    setDroppedGoal(goalName);
    navigate(`${location.path}${writeViewState(withoutFilter(state, goalDimension))}`, { replace: true });
  }, [unknownGoal, goalName]);
  const revenueGoal = goals.data?.goals.some((g) => g.name === goalName && g.currency !== null) ?? false;
  let topQuery: StatsQueryBody | null = topStatsQuery(props.siteId, state);
  if (goalName !== null) {
    topQuery = goals.data || goals.error ? goalTopStatsQuery(props.siteId, state, revenueGoal) : null;
  }
  const top = useStats(props.siteId, topQuery);
  const series = useStats(props.siteId, timeseriesQuery(props.siteId, state));

  const go = (next: ViewState) => navigate(`${location.path}${writeViewState(next)}`);
  const onFilter = (dimension: string, value: string) => go(withFilter(state, { dimension, value }));
  const panelProps = { siteId: props.siteId, state, onFilter };

  if (site.error) return <p class="page-error">{site.error}</p>;
  const info = site.data?.site;
  // Settings are for admins and owners; a viewer (or a shared view) only reads.
  const mayConfigure = !mode.shared && roleAtLeast(info?.role, 'admin');
  const noData =
    top.data !== null && state.filters.length === 0 && asNumber(top.data.results[0]?.metrics[0]) === 0;
  const metricLabel = chartMetricsOf(state).find((m) => m.id === state.metric)?.label ?? state.metric;
  const labels = series.data?.meta.time_labels ?? [];
  const valueAt = (rows: readonly ResultRow[]) => {
    const byLabel = new Map(rows.map((row) => [row.dimensions[0] ?? '', asNumber(row.metrics[0])]));
    return labels.map((label) => byLabel.get(label) ?? 0);
  };
  const previousValues =
    state.compare && series.data ? previousSeries(series.data, labels, timeDimensionOf(state)) : null;

  return (
    <ViewModeContext.Provider value={{ ...mode, configurable: mayConfigure }}>
      <div class="dashboard">
        <div class="site-head">
          <div>
            {!mode.shared && (
              <Link href="/sites" class="muted small">
                ← All sites
              </Link>
            )}
            <h1 class="site-title">{info ? info.name : '…'}</h1>
            {info && info.name !== info.domain && <p class="muted small">{info.domain}</p>}
          </div>
          <div class="site-head-right">
            <LiveCounter siteId={props.siteId} />
            {mayConfigure && (
              <Link
                href={`/sites/${encodeURIComponent(props.siteId)}/settings`}
                class="button secondary small"
              >
                Settings
              </Link>
            )}
          </div>
        </div>
        <div class="controls">
          <DateRangePicker state={state} onChange={go} />
        </div>
        {droppedGoal !== null && (
          <p class="notice" data-testid="dropped-goal">
            The goal “{droppedGoal}” no longer exists (renamed or deleted), so this view shows all traffic.
          </p>
        )}
        <FilterBar
          filters={state.filters}
          onRemove={(dimension) => go(withoutFilter(state, dimension))}
          onClear={() => go({ ...state, filters: [] })}
        />
        {noData && (
          <div class="empty-state" data-testid="empty-state">
            <strong>No events yet for this period.</strong>
            {mayConfigure && (
              <>
                {' '}
                Install the snippet on your site or send a test event; see{' '}
                <Link href={`/sites/${encodeURIComponent(props.siteId)}/settings`}>
                  the install instructions
                </Link>
                .
              </>
            )}
          </div>
        )}
        {top.error && <p class="panel-error">Could not load the totals: {top.error}</p>}
        {top.data && (
          <TopStats
            result={top.data}
            cards={goalName === null ? siteCards : goalCards(revenueGoal)}
            busy={top.loading}
            selected={state.metric}
            onSelect={(metric) => go({ ...state, metric })}
          />
        )}
        <section class="card chart-card" data-panel="chart">
          {series.error && <p class="panel-error">Could not load the chart: {series.error}</p>}
          {series.data && (
            <TimeSeriesChart
              labels={labels}
              bucket={timeDimensionOf(state)}
              metric={state.metric}
              metricLabel={metricLabel}
              values={valueAt(series.data.results)}
              previous={previousValues}
            />
          )}
        </section>
        <div class="grid">
          {shows('sources') && <SourcesPanel {...panelProps} />}
          {shows('pages') && <PagesPanel {...panelProps} />}
          {shows('locations') && <LocationsPanel {...panelProps} />}
          {shows('devices') && <DevicesPanel {...panelProps} />}
          {shows('goals') && (
            <GoalsPanel
              {...panelProps}
              goals={goals}
              onClearGoal={() => go(withoutFilter(state, goalDimension))}
            />
          )}
          {shows('events') && (
            <EventsPanel {...panelProps} onClearEvent={() => go(withoutFilter(state, 'event:name'))} />
          )}
          {shows('refusals') && <FilteredTrafficPanel siteId={props.siteId} state={state} />}
        </div>
        {shows('funnels') && <FunnelsPanel {...panelProps} />}
      </div>
    </ViewModeContext.Provider>
  );
}

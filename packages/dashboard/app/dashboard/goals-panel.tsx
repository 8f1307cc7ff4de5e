import type { GoalInfo } from '../goals-api.ts';
import { Link } from '../link.tsx';
import { useViewMode } from '../sharing/view-mode.ts';
import { asNumber, formatMetric } from './format.ts';
import { type GoalRow, goalRows } from './goal-rows.ts';
import type { PanelProps } from './list-panel.tsx';
import { formatMoney, formatRevenue, isRevenueAmount, unconvertedNote } from './money.ts';
import { goalPanelMetrics, goalsBreakdownQuery } from './queries.ts';
import { goalDimension, goalFilterOf } from './url-state.ts';
import { type Loaded, useStats } from './use-stats.ts';

const revenueAt = goalPanelMetrics.indexOf('total_revenue');

/** Conversions and revenue per goal; clicking a goal filters every panel by it. */
export function GoalsPanel(
  props: PanelProps & { goals: Loaded<{ goals: GoalInfo[] }>; onClearGoal: () => void },
) {
  const goals = props.goals.data?.goals ?? null;
  const current = goalFilterOf(props.state);
  const stats = useStats(
    props.siteId,
    goals && goals.length > 0 ? goalsBreakdownQuery(props.siteId, props.state) : null,
  );
  const settings = `/sites/${encodeURIComponent(props.siteId)}/settings#goals`;
  const { configurable } = useViewMode(); // viewers and shared views are offered no settings
  return (
    <section class="card" data-panel="goals">
      <header class="card-head">
        <h2>Goals</h2>
        {current !== null && (
          <button type="button" class="link-button" onClick={props.onClearGoal}>
            ← All goals
          </button>
        )}
      </header>
      {props.goals.error && <p class="panel-error">Could not load the goals: {props.goals.error}</p>}
      {stats.error && <p class="panel-error">Could not load: {stats.error}</p>}
      {goals && goals.length === 0 && (
        <p class="muted panel-empty" data-testid="goals-empty">
          No goals yet
          {!configurable ? (
            '.'
          ) : (
            <>
              {' '}
              — <Link href={settings}>add one in site settings</Link>.
            </>
          )}
        </p>
      )}
      {goals && goals.length > 0 && !stats.data && !stats.error && <p class="muted panel-empty">Loading…</p>}
      {goals && stats.data && (
        <GoalTable
          rows={goalRows(goals, stats.data.results, current !== null)}
          current={current}
          onSelect={(name) => props.onFilter(goalDimension, name)}
        />
      )}
    </section>
  );
}

function GoalTable(props: { rows: GoalRow[]; current: string | null; onSelect: (name: string) => void }) {
  if (props.rows.length === 0) return <p class="muted panel-empty">No conversions for this filter.</p>;
  const max = Math.max(1, ...props.rows.map((row) => asNumber(row.metrics[0])));
  const anyRevenue = props.rows.some((row) => row.currency !== null);
  return (
    <table class="breakdown goals" data-dimension={goalDimension}>
      <thead>
        <tr>
          <th scope="col">Goal</th>
          <th scope="col" class="num" title="Unique conversions: visitors who completed the goal">
            Uniques
          </th>
          <th scope="col" class="num" title="Total conversions">
            Total
          </th>
          <th scope="col" class="num" title="Conversion rate">
            CR
          </th>
          {anyRevenue && (
            <th scope="col" class="num money">
              Revenue
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.name} class={row.name === props.current ? 'selected' : ''} data-goal={row.name}>
            <td class="label-cell">
              <span class="bar" style={{ width: `${Math.round((asNumber(row.metrics[0]) / max) * 100)}%` }} />
              <button
                type="button"
                class="row-filter"
                title={`Filter by goal: ${row.name}`}
                onClick={() => props.onSelect(row.name)}
              >
                {row.name}
              </button>
            </td>
            {goalPanelMetrics.slice(0, revenueAt).map((metric, i) => (
              <td class="num" key={metric} data-metric={metric}>
                {formatMetric(metric, row.metrics[i])}
              </td>
            ))}
            {anyRevenue && <RevenueCell row={row} />}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevenueCell(props: { row: GoalRow }) {
  const value = props.row.metrics[revenueAt];
  if (props.row.currency === null || !isRevenueAmount(value)) {
    return (
      <td class="num money" data-metric="total_revenue">
        {props.row.currency === null ? '—' : formatMoney('0', props.row.currency)}
      </td>
    );
  }
  const note = unconvertedNote(value);
  return (
    <td class="num money" data-metric="total_revenue">
      {formatRevenue(value)}
      {note ? <div class="muted small unconverted">{note}</div> : null}
    </td>
  );
}

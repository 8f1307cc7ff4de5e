import { useState } from 'preact/hooks';
import { useFunnelResult, useFunnels } from '../funnels-api.ts';
import { Link } from '../link.tsx';
import { useViewMode } from '../sharing/view-mode.ts';
import { FunnelBars } from './funnel-bars.tsx';
import type { PanelProps } from './list-panel.tsx';
import { formatMoney } from './money.ts';
import { dateRangeOf, filtersOf } from './queries.ts';

/**
 * A saved funnel over the view's range and filters: visitors per step, conversion from the first
 * step and drop-off between steps (counted per unique visitor, docs/funnels.md).
 */
export function FunnelsPanel(props: PanelProps) {
  const funnels = useFunnels(props.siteId);
  const list = funnels.data?.funnels ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const funnel = list.find((item) => item.id === chosen) ?? list[0] ?? null;
  const result = useFunnelResult(
    props.siteId,
    funnel
      ? { date_range: dateRangeOf(props.state), filters: filtersOf(props.state), funnel_id: funnel.id }
      : null,
  );
  const settings = `/sites/${encodeURIComponent(props.siteId)}/settings#funnels`;
  const { configurable } = useViewMode(); // viewers and shared views are offered no settings
  const revenue = result.data?.result.revenue;
  return (
    <section class="card funnels-card" data-panel="funnels">
      <header class="card-head">
        <h2>Funnels</h2>
        {list.length > 1 && (
          <label class="funnel-pick">
            <span class="sr-only">Funnel</span>
            <select
              name="funnel"
              value={funnel?.id ?? ''}
              onChange={(event) => setChosen(event.currentTarget.value)}
            >
              {list.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {list.length === 1 && funnel && <span class="muted small">{funnel.name}</span>}
      </header>
      {funnels.error && <p class="panel-error">Could not load the funnels: {funnels.error}</p>}
      {result.error && <p class="panel-error">Could not load: {result.error}</p>}
      {funnels.data && list.length === 0 && (
        <p class="muted panel-empty" data-testid="funnels-empty">
          No funnels yet
          {!configurable ? (
            '.'
          ) : (
            <>
              {' '}
              — <Link href={settings}>build one in site settings</Link>.
            </>
          )}
        </p>
      )}
      {funnel && !result.data && !result.error && <p class="muted panel-empty">Loading…</p>}
      {funnel && result.data && (
        <>
          <p class="muted small">
            Unique visitors, {funnel.order === 'strict' ? 'no other page between steps' : 'in this order'},
            within {funnel.window} of the first step.
          </p>
          <FunnelBars steps={result.data.result.steps} />
          {revenue?.total && (
            <p class="funnel-revenue" data-testid="funnel-revenue">
              Revenue {formatMoney(revenue.total.value, revenue.currency)}
              {revenue.per_entering_visitor && (
                <span class="muted small">
                  {' '}
                  · {formatMoney(revenue.per_entering_visitor.value, revenue.currency)} per entering visitor
                </span>
              )}
            </p>
          )}
        </>
      )}
    </section>
  );
}

import { api } from '../api.ts';
import { dateRangeOf } from './queries.ts';
import type { ViewState } from './url-state.ts';
import { useApi } from './use-stats.ts';

interface RefusalSummary {
  total: number;
  reasons: Array<{ reason: string; message: string; count: number }>;
}

/** How many events this site's tracking code had refused in the period, and why. */
export function FilteredTrafficPanel(props: { siteId: string; state: ViewState }) {
  const body = { date_range: dateRangeOf(props.state) };
  const { data, error } = useApi(
    () => api.post<RefusalSummary>(`/sites/${encodeURIComponent(props.siteId)}/refusals`, body),
    JSON.stringify(body),
  );
  return (
    <section class="card" data-panel="filtered">
      <header class="card-head">
        <h2>Filtered traffic</h2>
        {data && <span class="muted">{data.total.toLocaleString('en')} refused</span>}
      </header>
      {error && <p class="panel-error">Could not load: {error}</p>}
      {data && data.reasons.length === 0 && (
        <p class="muted panel-empty">
          Nothing was refused in this period: no bots, invalid or rate-limited events.
        </p>
      )}
      {data && data.reasons.length > 0 && (
        <table class="breakdown">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" class="num">
                Events
              </th>
            </tr>
          </thead>
          <tbody>
            {data.reasons.map((item) => (
              <tr key={item.reason}>
                <td>
                  <code>{item.reason}</code>
                  <div class="muted small">{item.message}</div>
                </td>
                <td class="num" data-metric="refused">
                  {item.count.toLocaleString('en')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

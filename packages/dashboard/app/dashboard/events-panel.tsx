import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { BreakdownList, type PanelProps } from './list-panel.tsx';
import { customEventsFilter, dateRangeOf } from './queries.ts';
import { useApi } from './use-stats.ts';

/**
 * Custom events with visitors, count and conversion rate. Clicking an event filters the dashboard
 * by it, and the panel then drills down into that event's properties.
 */
export function EventsPanel(props: PanelProps & { onClearEvent: () => void }) {
  const eventFilter = props.state.filters.find((f) => f.dimension === 'event:name');
  return (
    <section class="card" data-panel="events">
      <header class="card-head">
        <h2>{eventFilter ? 'Event properties' : 'Custom events'}</h2>
        {eventFilter && (
          <button type="button" class="link-button" onClick={props.onClearEvent}>
            ← All events
          </button>
        )}
      </header>
      {eventFilter ? (
        <PropertyDrilldown {...props} eventName={eventFilter.value} />
      ) : (
        <BreakdownList
          {...props}
          tab={{
            id: 'events',
            label: 'Events',
            dimension: 'event:name',
            heading: 'Event',
            metrics: ['visitors', 'events', 'conversion_rate'],
            extraFilters: [customEventsFilter],
          }}
        />
      )}
    </section>
  );
}

function PropertyDrilldown(props: PanelProps & { eventName: string }) {
  const body = { event: props.eventName, date_range: dateRangeOf(props.state) };
  const keys = useApi(
    () => api.post<{ keys: string[] }>(`/sites/${encodeURIComponent(props.siteId)}/property-keys`, body),
    JSON.stringify(body),
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const list = keys.data?.keys ?? [];
  const key = chosen !== null && list.includes(chosen) ? chosen : list[0];
  return (
    <div class="drilldown">
      <p class="muted drill-title">
        Event <strong class="event-name">{props.eventName}</strong>
      </p>
      {keys.error && <p class="panel-error">Could not load: {keys.error}</p>}
      {keys.data && list.length === 0 && (
        <p class="muted panel-empty">This event has no properties in this period.</p>
      )}
      {list.length > 0 && (
        <div class="tabs prop-keys" role="tablist">
          {list.map((k) => (
            <button
              type="button"
              role="tab"
              aria-selected={k === key}
              class={k === key ? 'tab active' : 'tab'}
              key={k}
              onClick={() => setChosen(k)}
            >
              {k}
            </button>
          ))}
        </div>
      )}
      {key !== undefined && (
        <BreakdownList
          {...props}
          tab={{
            id: `prop:${key}`,
            label: key,
            dimension: `event:props:${key}`,
            heading: key,
            metrics: ['visitors', 'events'],
          }}
        />
      )}
    </div>
  );
}

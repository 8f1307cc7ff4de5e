import { useState } from 'preact/hooks';
import { countryName } from './format.ts';
import { type PresetId, presets, type ViewFilter, type ViewState } from './url-state.ts';

/** A preset period, or a custom range of whole days. */
export function DateRangePicker(props: { state: ViewState; onChange: (next: ViewState) => void }) {
  const { state } = props;
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(state.from || today);
  const [to, setTo] = useState(state.to || today);
  const [custom, setCustom] = useState(state.period === 'custom');
  return (
    <div class="date-picker">
      <label>
        <span class="sr-only">Period</span>
        <select
          data-testid="period"
          value={custom ? 'custom' : state.period}
          onChange={(event) => {
            const value = (event.currentTarget as HTMLSelectElement).value;
            if (value === 'custom') setCustom(true);
            else {
              setCustom(false);
              props.onChange({ ...state, period: value as PresetId, from: '', to: '' });
            }
          }}
        >
          {presets.map((p) => (
            <option value={p.id} key={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {custom && (
        <form
          class="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            if (from && to && from <= to) props.onChange({ ...state, period: 'custom', from, to });
          }}
        >
          <input
            type="date"
            aria-label="From"
            value={from}
            max={to}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
          <span aria-hidden="true">–</span>
          <input
            type="date"
            aria-label="To"
            value={to}
            min={from}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
          <button type="submit" class="button small">
            Apply
          </button>
        </form>
      )}
      <label class="compare">
        <input
          type="checkbox"
          checked={state.compare}
          onChange={(event) =>
            props.onChange({ ...state, compare: (event.currentTarget as HTMLInputElement).checked })
          }
        />
        Compare with previous period
      </label>
    </div>
  );
}

const dimensionNames: Record<string, string> = {
  'event:page': 'Page',
  'event:name': 'Event',
  'event:goal': 'Goal',
  'visit:entry_page': 'Entry page',
  'visit:exit_page': 'Exit page',
  'visit:source': 'Source',
  'visit:channel': 'Channel',
  'visit:utm_source': 'UTM source',
  'visit:utm_medium': 'UTM medium',
  'visit:utm_campaign': 'UTM campaign',
  'visit:country': 'Country',
  'visit:region': 'Region',
  'visit:city': 'City',
  'visit:device': 'Device',
  'visit:browser': 'Browser',
  'visit:os': 'OS',
};

export function dimensionName(dimension: string): string {
  if (dimension.startsWith('event:props:')) return `Property ${dimension.slice('event:props:'.length)}`;
  return dimensionNames[dimension] ?? dimension;
}

/** The active filters as removable chips. */
export function FilterBar(props: {
  filters: readonly ViewFilter[];
  onRemove: (dimension: string) => void;
  onClear: () => void;
}) {
  if (props.filters.length === 0) return null;
  return (
    <div class="filter-bar" data-testid="filters">
      {props.filters.map((filter) => (
        <span class="chip" key={filter.dimension} data-dimension={filter.dimension}>
          <span class="chip-text">
            {dimensionName(filter.dimension)} is{' '}
            <strong>{filter.dimension === 'visit:country' ? countryName(filter.value) : filter.value}</strong>
          </span>
          <button
            type="button"
            class="chip-remove"
            aria-label={`Remove filter ${dimensionName(filter.dimension)}`}
            onClick={() => props.onRemove(filter.dimension)}
          >
            ×
          </button>
        </span>
      ))}
      {props.filters.length > 1 && (
        <button type="button" class="link-button" onClick={props.onClear}>
          Clear all
        </button>
      )}
    </div>
  );
}

import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { type GoalInfo, goalsPath } from '../goals-api.ts';
import { FieldReasons, type FormRefusal, formRefusal, RefusalMessage } from './field-errors.tsx';
import {
  draftProblems,
  emptyDraft,
  type GoalDraft,
  goalBody,
  maxPropertyMatches,
  type PropertyRow,
} from './goal-draft.ts';

/** ISO 4217 codes in use from the browser's ICU data: the server checks against the same list. */
const currencies: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [];

/** Adds an event goal (name, up to 3 property values, optional currency) or a page goal. */
export function GoalForm(props: { siteId: string; onAdded: (goal: GoalInfo) => void }) {
  const [draft, setDraft] = useState<GoalDraft>(emptyDraft);
  const [refusal, setRefusal] = useState<FormRefusal | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (change: Partial<GoalDraft>) => setDraft({ ...draft, ...change });
  const setRow = (index: number, change: Partial<PropertyRow>) =>
    edit({ properties: draft.properties.map((row, i) => (i === index ? { ...row, ...change } : row)) });
  const rowFields = draft.properties.map((row) => `properties.${row.key.slice(0, 100)}`);
  const shown = ['name', 'event_name', 'page_path', 'currency', 'properties', ...rowFields];

  const submit = async (event: Event) => {
    event.preventDefault();
    const local = draftProblems(draft);
    if (local.length > 0) {
      setRefusal({
        message: 'Check the property matches.',
        byField: new Map(local.map((p) => [p.field, [p.reason]])),
        other: [],
      });
      return;
    }
    setBusy(true);
    setRefusal(null); // the last refusal is about the last attempt, not this one
    try {
      const { goal } = await api.post<{ goal: GoalInfo }>(goalsPath(props.siteId), goalBody(draft));
      setDraft({ ...emptyDraft, type: draft.type });
      setRefusal(null);
      props.onAdded(goal);
    } catch (failure) {
      setRefusal(formRefusal(failure, shown));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="goal-form" onSubmit={submit} data-testid="goal-form" noValidate>
      <h3>Add a goal</h3>
      <fieldset class="goal-kind">
        <legend class="sr-only">Kind of goal</legend>
        <label class="inline">
          <input
            type="radio"
            name="goal-type"
            value="event"
            checked={draft.type === 'event'}
            onChange={() => edit({ type: 'event' })}
          />
          Event goal
        </label>
        <label class="inline">
          <input
            type="radio"
            name="goal-type"
            value="page"
            checked={draft.type === 'page'}
            onChange={() => edit({ type: 'page' })}
          />
          Page goal
        </label>
      </fieldset>
      <div class="form-row">
        {draft.type === 'event' ? (
          <label>
            Event name
            <input
              name="event_name"
              placeholder="purchase"
              value={draft.eventName}
              onInput={(e) => edit({ eventName: e.currentTarget.value })}
            />
            <FieldReasons refusal={refusal} field="event_name" />
          </label>
        ) : (
          <label>
            Page path
            <input
              name="page_path"
              placeholder="/checkout/*/done"
              value={draft.pagePath}
              onInput={(e) => edit({ pagePath: e.currentTarget.value })}
            />
            <FieldReasons refusal={refusal} field="page_path" />
          </label>
        )}
        <label>
          Display name
          <input
            name="name"
            placeholder={draft.type === 'event' ? 'the event name' : 'the path'}
            value={draft.name}
            onInput={(e) => edit({ name: e.currentTarget.value })}
          />
          <FieldReasons refusal={refusal} field="name" />
        </label>
        {draft.type === 'event' && (
          <label>
            Currency (revenue goal)
            <input
              name="currency"
              list="currency-codes"
              placeholder="none, or e.g. USD"
              autoComplete="off"
              value={draft.currency}
              onInput={(e) => edit({ currency: e.currentTarget.value.toUpperCase() })}
            />
            <FieldReasons refusal={refusal} field="currency" />
          </label>
        )}
      </div>
      {draft.type === 'page' && (
        <p class="muted small">
          <code>*</code> matches one path segment (no <code>/</code>), <code>**</code> matches anything:{' '}
          <code>/blog/*</code>, <code>/docs/**</code>.
        </p>
      )}
      {draft.type === 'event' && (
        <div class="property-matches">
          {draft.properties.map((row, index) => (
            // Rows have no identity but their position; the inputs are controlled, so that is enough.
            <div class="form-row property-row" key={index} data-row={index}>
              <label>
                Property
                <input
                  name={`property-key-${index}`}
                  value={row.key}
                  onInput={(e) => setRow(index, { key: e.currentTarget.value })}
                />
              </label>
              <label>
                equals
                <input
                  name={`property-value-${index}`}
                  value={row.value}
                  onInput={(e) => setRow(index, { value: e.currentTarget.value })}
                />
              </label>
              <button
                type="button"
                class="link-button remove-row"
                onClick={() => edit({ properties: draft.properties.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
              <FieldReasons refusal={refusal} field={`properties.${row.key.slice(0, 100)}`} />
            </div>
          ))}
          <FieldReasons refusal={refusal} field="properties" />
          {draft.properties.length < maxPropertyMatches && (
            <button
              type="button"
              class="link-button small"
              onClick={() => edit({ properties: [...draft.properties, { key: '', value: '' }] })}
            >
              + Match a property value
            </button>
          )}
        </div>
      )}
      <datalist id="currency-codes">
        {currencies.map((code) => (
          <option value={code} key={code} />
        ))}
      </datalist>
      <div class="form-row">
        <button type="submit" class="button add-goal" disabled={busy}>
          Add goal
        </button>
      </div>
      <RefusalMessage refusal={refusal} />
    </form>
  );
}

import { useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api.ts';
import { FunnelBars } from '../dashboard/funnel-bars.tsx';
import { type FunnelInfo, type FunnelResult, funnelQueryPath, funnelsPath } from '../funnels-api.ts';
import type { GoalInfo } from '../goals-api.ts';
import {
  emptyFunnelDraft,
  emptyStep,
  type FunnelDraft,
  funnelBody,
  maxSteps,
  type StepRow,
  stepIndexOf,
} from './funnel-draft.ts';

const typeLabels: Record<StepRow['type'], string> = { page: 'Page', event: 'Event', goal: 'Goal' };
const placeholders: Record<StepRow['type'], string> = {
  page: '/pricing or /blog/*',
  event: 'Signup',
  goal: '',
};

/** Refusal reasons by step row, and those of the other fields (name, window, order, steps). */
interface Refusal {
  readonly message: string;
  readonly byStep: ReadonlyMap<number, readonly string[]>;
  readonly other: ReadonlyArray<{ field: string; reason: string }>;
}

function refusalOf(error: unknown): Refusal {
  if (!(error instanceof ApiError)) return { message: describeError(error), byStep: new Map(), other: [] };
  const byStep = new Map<number, string[]>();
  const other: Array<{ field: string; reason: string }> = [];
  for (const item of error.fields) {
    const index = stepIndexOf(item.field);
    if (index === null) other.push(item);
    else byStep.set(index, [...(byStep.get(index) ?? []), item.reason]);
  }
  return { message: error.message, byStep, other };
}

/**
 * Builds a funnel: 2–8 steps (page path, event, or goal), the window and the order. "Preview"
 * asks the funnel query over the last 30 days without saving; "Save funnel" stores it.
 */
export function FunnelForm(props: {
  siteId: string;
  goals: readonly GoalInfo[];
  onAdded: (funnel: FunnelInfo) => void;
}) {
  const [draft, setDraft] = useState<FunnelDraft>(emptyFunnelDraft);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [preview, setPreview] = useState<FunnelResult | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (change: Partial<FunnelDraft>) => {
    setDraft({ ...draft, ...change });
    setPreview(null);
  };
  const setStep = (index: number, change: Partial<StepRow>) =>
    edit({ steps: draft.steps.map((row, i) => (i === index ? { ...row, ...change } : row)) });

  const send = async (work: () => Promise<void>) => {
    setBusy(true);
    setRefusal(null);
    try {
      await work();
    } catch (failure) {
      setRefusal(refusalOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const save = (event: Event) => {
    event.preventDefault();
    return send(async () => {
      const { funnel } = await api.post<{ funnel: FunnelInfo }>(funnelsPath(props.siteId), funnelBody(draft));
      setDraft(emptyFunnelDraft);
      setPreview(null);
      props.onAdded(funnel);
    });
  };
  const showPreview = () =>
    send(async () => {
      const { name: _name, ...body } = funnelBody(draft);
      const answer = await api.post<{ result: FunnelResult }>(funnelQueryPath(props.siteId), {
        ...body,
        date_range: '30d',
      });
      setPreview(answer.result);
    });

  return (
    <form class="funnel-form" onSubmit={save} data-testid="funnel-form" noValidate>
      <h3>Build a funnel</h3>
      <div class="form-row">
        <label>
          Name
          <input
            name="funnel-name"
            value={draft.name}
            onInput={(e) => edit({ name: e.currentTarget.value })}
          />
        </label>
        <label>
          Window
          <input
            name="funnel-window"
            value={draft.window}
            placeholder="24h"
            title="From the first step to the last: 30m, 24h, 7d (1 minute to 30 days)"
            onInput={(e) => edit({ window: e.currentTarget.value })}
          />
        </label>
        <label>
          Order
          <select
            name="funnel-order"
            value={draft.order}
            onChange={(e) => edit({ order: e.currentTarget.value as FunnelDraft['order'] })}
          >
            <option value="sequential">In this order (other pages may come between)</option>
            <option value="strict">Strict (no other page between steps)</option>
          </select>
        </label>
      </div>
      <ol class="funnel-step-list">
        {draft.steps.map((row, i) => (
          <li key={i} class="funnel-step-row" data-step-row={i}>
            <select
              name={`step-type-${i}`}
              aria-label={`Step ${i + 1} kind`}
              value={row.type}
              onChange={(e) => setStep(i, { type: e.currentTarget.value as StepRow['type'], value: '' })}
            >
              {Object.entries(typeLabels).map(([type, label]) => (
                <option key={type} value={type}>
                  {label}
                </option>
              ))}
            </select>
            {row.type === 'goal' ? (
              <select
                name={`step-value-${i}`}
                aria-label={`Step ${i + 1} goal`}
                value={row.value}
                onChange={(e) => setStep(i, { value: e.currentTarget.value })}
              >
                <option value="">Choose a goal…</option>
                {props.goals.map((goal) => (
                  <option key={goal.id} value={goal.name}>
                    {goal.name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name={`step-value-${i}`}
                aria-label={`Step ${i + 1} ${row.type === 'page' ? 'page path' : 'event name'}`}
                placeholder={placeholders[row.type]}
                value={row.value}
                onInput={(e) => setStep(i, { value: e.currentTarget.value })}
              />
            )}
            {row.type === 'event' && (
              <input
                name={`step-props-${i}`}
                aria-label={`Step ${i + 1} property matches`}
                placeholder="plan=pro (optional, up to 3)"
                value={row.properties}
                onInput={(e) => setStep(i, { properties: e.currentTarget.value })}
              />
            )}
            <button
              type="button"
              class="link-button danger"
              aria-label={`Remove step ${i + 1}`}
              onClick={() => edit({ steps: draft.steps.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
            {(refusal?.byStep.get(i) ?? []).length > 0 && (
              <ul class="field-errors" data-field={`steps[${i}]`}>
                {refusal!.byStep.get(i)!.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {draft.steps.length < 2 && (
        <p class="muted small" data-testid="funnel-one-step">
          A funnel needs at least two steps: add the step visitors should reach next.
        </p>
      )}
      {draft.steps.length < maxSteps && (
        <button
          type="button"
          class="button secondary small"
          onClick={() => edit({ steps: [...draft.steps, emptyStep] })}
        >
          Add a step
        </button>
      )}
      {refusal && (
        <div class="form-error" role="alert" data-testid="funnel-refusal">
          <p>{refusal.message}</p>
          {refusal.other.length > 0 && (
            <ul class="field-errors">
              {refusal.other.map((item) => (
                <li key={`${item.field}:${item.reason}`}>
                  <code>{item.field}</code> {item.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="form-row">
        <button
          type="button"
          class="button secondary"
          disabled={busy || draft.steps.length < 2}
          onClick={showPreview}
        >
          Preview (last 30 days)
        </button>
        <button type="submit" class="button" disabled={busy}>
          Save funnel
        </button>
      </div>
      {preview && (
        <div data-testid="funnel-preview">
          <FunnelBars steps={preview.steps} />
        </div>
      )}
    </form>
  );
}

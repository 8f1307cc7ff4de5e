import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import { type FunnelInfo, type FunnelStepInfo, funnelsPath, useFunnels } from '../funnels-api.ts';
import { useGoals } from '../goals-api.ts';
import { FunnelForm } from './funnel-form.tsx';

function stepText(step: FunnelStepInfo): string {
  if (step.type === 'goal') return `goal ${step.name}`;
  if (step.type === 'page') return step.page_path ?? step.name;
  const props = Object.entries(step.properties ?? {}).map(([key, value]) => `${key} = ${value}`);
  return props.length > 0 ? `${step.event_name} where ${props.join(', ')}` : (step.event_name ?? step.name);
}

/** The site's saved funnels (site settings): listed, built and deleted. */
export function FunnelsSection(props: { siteId: string }) {
  const [version, setVersion] = useState(0);
  const funnels = useFunnels(props.siteId, version);
  const goals = useGoals(props.siteId);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (location.hash === '#funnels') section.current?.scrollIntoView();
  }, [funnels.data !== null]);
  const reload = (message: string) => {
    setNotice(message);
    setError(null);
    setVersion(version + 1);
  };
  const remove = async (funnel: FunnelInfo) => {
    if (!window.confirm(`Delete the funnel "${funnel.name}"? No event is deleted.`)) return;
    try {
      await api.delete(`${funnelsPath(props.siteId)}/${encodeURIComponent(funnel.id)}`);
      reload(`Funnel "${funnel.name}" deleted.`);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const list = funnels.data?.funnels ?? [];
  return (
    <section class="card" id="funnels" ref={section} data-testid="funnels">
      <h2>Funnels</h2>
      <p class="muted small">
        Steps visitors go through — pages, events or goals — counted per unique visitor within a window of the
        first step. The dashboard's Funnels card shows them.
      </p>
      {funnels.error && <p class="form-error">Could not load the funnels: {funnels.error}</p>}
      {funnels.data && list.length === 0 && <p class="muted small">No funnels yet.</p>}
      {list.length > 0 && (
        <table class="breakdown funnel-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Steps</th>
              <th scope="col">Window</th>
              <th scope="col" class="actions">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((funnel) => (
              <tr key={funnel.id} data-funnel-id={funnel.id}>
                <td>{funnel.name}</td>
                <td>
                  <code>{funnel.steps.map(stepText).join(' → ')}</code>
                </td>
                <td>
                  {funnel.window}
                  {funnel.order === 'strict' ? ', strict' : ''}
                </td>
                <td class="actions">
                  <button type="button" class="link-button danger row-action" onClick={() => remove(funnel)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <p class="form-error">{error}</p>}
      {notice && (
        <p class="muted small" data-testid="funnels-notice">
          {notice}
        </p>
      )}
      <FunnelForm
        siteId={props.siteId}
        goals={goals.data?.goals ?? []}
        onAdded={(funnel) => reload(`Funnel "${funnel.name}" saved.`)}
      />
    </section>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import { type GoalInfo, goalMatchText, goalsPath, useGoals } from '../goals-api.ts';
import { FieldReasons, type FormRefusal, formRefusal, RefusalMessage } from './field-errors.tsx';
import { GoalForm } from './goal-form.tsx';

/**
 * The site's goals (site settings): listed, added, renamed and deleted. Deleting a goal deletes
 * no event, so the confirmation says what is kept.
 */
export function GoalsSection(props: { siteId: string }) {
  const [version, setVersion] = useState(0);
  const goals = useGoals(props.siteId, version);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const section = useRef<HTMLElement>(null);
  const reload = (message: string) => {
    setNotice(message);
    setError(null);
    setVersion(version + 1);
  };
  // The dashboard's Goals panel links to `settings#goals`; an in-app navigation does not scroll.
  useEffect(() => {
    if (location.hash === '#goals') section.current?.scrollIntoView();
  }, [goals.data !== null]);

  const remove = async (goal: GoalInfo) => {
    const question = `Delete the goal "${goal.name}"? Its events are kept: only this goal's report goes, and adding the goal again brings its conversions back.`;
    if (!window.confirm(question)) return;
    try {
      await api.delete(`${goalsPath(props.siteId)}/${encodeURIComponent(goal.id)}`);
      reload(`Goal "${goal.name}" deleted.`);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const list = goals.data?.goals ?? [];
  return (
    <section class="card" id="goals" ref={section} data-testid="goals">
      <h2>Goals</h2>
      <p class="muted small">
        Conversions the dashboard's Goals panel counts: a custom event (optionally with up to 3 property
        values) or a page path. An event goal with a currency is a revenue goal.
      </p>
      {goals.error && <p class="form-error">Could not load the goals: {goals.error}</p>}
      {goals.data && list.length === 0 && <p class="muted small">No goals yet.</p>}
      {list.length > 0 && (
        <table class="breakdown goal-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="kind">
                Kind
              </th>
              <th scope="col">Matches</th>
              <th scope="col" class="currency">
                Currency
              </th>
              <th scope="col" class="actions">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((goal) => (
              <GoalRow
                key={goal.id}
                siteId={props.siteId}
                goal={goal}
                onRenamed={(renamed) => reload(`Goal renamed to "${renamed.name}".`)}
                onDelete={() => remove(goal)}
              />
            ))}
          </tbody>
        </table>
      )}
      {error && <p class="form-error">{error}</p>}
      {notice && (
        <p class="muted small" data-testid="goals-notice">
          {notice}
        </p>
      )}
      <GoalForm siteId={props.siteId} onAdded={(goal) => reload(`Goal "${goal.name}" added.`)} />
    </section>
  );
}

function GoalRow(props: {
  siteId: string;
  goal: GoalInfo;
  onRenamed: (goal: GoalInfo) => void;
  onDelete: () => void;
}) {
  const { goal } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(goal.name);
  const [refusal, setRefusal] = useState<FormRefusal | null>(null);
  const rename = async (event: Event) => {
    event.preventDefault();
    try {
      const path = `${goalsPath(props.siteId)}/${encodeURIComponent(goal.id)}`;
      const answer = await api.patch<{ goal: GoalInfo }>(path, { name });
      setRenaming(false);
      setRefusal(null);
      props.onRenamed(answer.goal);
    } catch (failure) {
      setRefusal(formRefusal(failure, ['name']));
    }
  };
  return (
    <tr data-goal-id={goal.id}>
      <td class="goal-name">
        {renaming ? (
          <form class="rename" onSubmit={rename}>
            <input
              name="rename"
              aria-label={`New name for ${goal.name}`}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <FieldReasons refusal={refusal} field="name" />
            <div class="form-row">
              <button type="submit" class="button small">
                Save
              </button>
              <button
                type="button"
                class="button secondary small"
                onClick={() => {
                  setRenaming(false);
                  setName(goal.name);
                  setRefusal(null);
                }}
              >
                Cancel
              </button>
            </div>
            <RefusalMessage refusal={refusal} />
          </form>
        ) : (
          goal.name
        )}
      </td>
      <td class="kind">{goal.type === 'event' ? 'Event' : 'Page'}</td>
      <td class="matches">
        <code>{goalMatchText(goal)}</code>
      </td>
      <td class="currency">{goal.currency ?? '—'}</td>
      <td class="actions">
        {!renaming && (
          <button type="button" class="link-button row-action" onClick={() => setRenaming(true)}>
            Rename
          </button>
        )}
        <button type="button" class="link-button danger row-action" onClick={props.onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}

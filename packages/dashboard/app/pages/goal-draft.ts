import type { FieldError } from '../api.ts';
import type { GoalBody } from '../goals-api.ts';

/** The add-goal form's state and the request body it becomes (the form is goal-form.tsx). */

/** An event goal matches at most this many property values (the server's limit too). */
export const maxPropertyMatches = 3;

export interface PropertyRow {
  readonly key: string;
  readonly value: string;
}

export interface GoalDraft {
  readonly type: 'event' | 'page';
  readonly name: string;
  readonly eventName: string;
  readonly pagePath: string;
  readonly properties: readonly PropertyRow[];
  readonly currency: string;
}

export const emptyDraft: GoalDraft = {
  type: 'event',
  name: '',
  eventName: '',
  pagePath: '',
  properties: [],
  currency: '',
};

/**
 * The request body of a draft: only the fields of its kind, blanks left out so the server's
 * defaults apply (the name defaults to the event name or path). A property row with anything
 * typed in it is sent, so an empty key is refused by the server rather than dropped unseen.
 */
export function goalBody(draft: GoalDraft): GoalBody {
  const name = draft.name.trim() ? { name: draft.name } : {};
  if (draft.type === 'page') return { type: 'page', ...name, page_path: draft.pagePath };
  const rows = draft.properties.filter((row) => row.key !== '' || row.value !== '');
  return {
    type: 'event',
    ...name,
    event_name: draft.eventName,
    ...(rows.length > 0 ? { properties: Object.fromEntries(rows.map((row) => [row.key, row.value])) } : {}),
    ...(draft.currency.trim() ? { currency: draft.currency.trim() } : {}),
  };
}

/** Problems the server cannot see: a key typed twice would silently keep only the last value. */
export function draftProblems(draft: GoalDraft): FieldError[] {
  if (draft.type !== 'event') return [];
  const seen = new Set<string>();
  const problems: FieldError[] = [];
  for (const row of draft.properties) {
    if (row.key !== '' && seen.has(row.key)) {
      problems.push({
        field: `properties.${row.key}`,
        reason: 'is matched twice; a property matches one value',
      });
    }
    seen.add(row.key);
  }
  return problems;
}

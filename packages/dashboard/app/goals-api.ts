import { api } from './api.ts';
import { type Loaded, useApi } from './dashboard/use-stats.ts';

/** A goal as `/api/dashboard/sites/:id/goals` lists it (docs/goals.md, "Managing goals"). */
export interface GoalInfo {
  readonly id: string;
  readonly name: string;
  readonly type: 'event' | 'page';
  readonly event_name: string | null;
  readonly page_path: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly currency: string | null;
  readonly created_at: string;
}

/** What the add form sends; the server checks it and names every offending field. */
export interface GoalBody {
  readonly type: 'event' | 'page';
  readonly name?: string;
  readonly event_name?: string;
  readonly page_path?: string;
  readonly properties?: Record<string, string>;
  readonly currency?: string;
}

export const goalsPath = (siteId: string) => `/sites/${encodeURIComponent(siteId)}/goals`;

/** The site's goals, oldest first; `version` reloads them after a change. */
export function useGoals(siteId: string, version = 0): Loaded<{ goals: GoalInfo[] }> {
  return useApi(() => api.get<{ goals: GoalInfo[] }>(goalsPath(siteId)), `${siteId}:goals:${version}`);
}

/** What a goal matches, as one line: `purchase where plan = pro`, or the page pattern. */
export function goalMatchText(goal: GoalInfo): string {
  if (goal.type === 'page') return goal.page_path ?? '';
  const matches = Object.entries(goal.properties).map(([key, value]) => `${key} = ${value}`);
  return matches.length === 0 ? (goal.event_name ?? '') : `${goal.event_name} where ${matches.join(', ')}`;
}

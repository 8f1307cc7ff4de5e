import type { Goal } from './types.ts';

/** A goal as the REST API, the dashboard and `zenovay goals --json` show it (snake_case). */
export interface GoalJson {
  id: string;
  name: string;
  type: 'event' | 'page';
  event_name: string | null;
  page_path: string | null;
  properties: Record<string, string>;
  currency: string | null;
  created_at: string;
}

export function goalJson(goal: Goal): GoalJson {
  return {
    id: goal.id,
    name: goal.name,
    type: goal.kind,
    event_name: goal.eventName,
    page_path: goal.pagePath,
    properties: Object.fromEntries(goal.properties.map((match) => [match.key, match.value])),
    currency: goal.currency,
    created_at: goal.createdAt,
  };
}

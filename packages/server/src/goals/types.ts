/**
 * Goals: what a site counts as a conversion. Definitions only — the stats compiler turns each
 * into a condition over event rows (stats/goal-conditions.ts), so a goal added today reports past
 * conversions and deleting one deletes no event.
 */

/** One property an event goal requires (`properties[key] === value`, compared as stored text). */
export interface GoalPropertyMatch {
  readonly key: string;
  readonly value: string;
}

export interface Goal {
  /** `g_` + random; stable across renames. */
  readonly id: string;
  readonly siteId: string;
  /** Display name, unique per site; what `event:goal` filters and breakdowns use. */
  readonly name: string;
  readonly kind: 'event' | 'page';
  /** Event goals: the custom event's name. */
  readonly eventName: string | null;
  /** Page goals: a path pattern, `*` = any characters but `/`, `**` = any characters. */
  readonly pagePath: string | null;
  /** Event goals: up to 3 property values the event must carry. */
  readonly properties: readonly GoalPropertyMatch[];
  /** ISO 4217 when this is a revenue goal: its revenue is reported in this currency. */
  readonly currency: string | null;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

/** Where goals are kept: the metadata store of the mode (DuckDB file or PostgreSQL). */
export interface GoalStore {
  /** The site's goals, oldest first. */
  listGoals(siteId: string): Promise<Goal[]>;
  /** Stores a new goal; false (nothing stored) when the site already has a goal of that name. */
  createGoal(goal: Goal): Promise<boolean>;
  /** 'conflict' when another goal of the site has that name. */
  renameGoal(siteId: string, goalId: string, name: string): Promise<'renamed' | 'not_found' | 'conflict'>;
  /** False when the site has no goal with that id. */
  deleteGoal(siteId: string, goalId: string): Promise<boolean>;
}

/** Most goals a site may have: each is a condition in every goal query. */
export const maxGoalsPerSite = 100;
/** Most property matches an event goal may require. */
export const maxGoalProperties = 3;

import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { ApiError, type FieldError } from '../errors.ts';
import type { Site } from '../store/types.ts';
import { readGoalInput, readGoalName } from './goal-input.ts';
import { type Goal, type GoalStore, maxGoalsPerSite } from './types.ts';

/**
 * NOT_FOUND, saying (to the CLI only: REST and dashboard answer a bare 404) whether the site or the
 * goal is missing.
 */
export class GoalNotFoundError extends ApiError {
  constructor(readonly missing: 'site' | 'goal') {
    super('NOT_FOUND');
  }
}

/** Where the service checks that a site exists (the metadata store). */
export interface SiteLister {
  listSites(): Promise<Site[]>;
}

/**
 * Adds, lists, renames and deletes a site's goals: the one path behind the REST API, the dashboard
 * and the CLI, so all three refuse the same things with the same codes. Refusals are `ApiError`s
 * (VALIDATION_ERROR with fields, CONFLICT for a taken name, NOT_FOUND); the REST API and the
 * dashboard render them as they are, the admin channel turns them into sentences.
 */
export class GoalService {
  constructor(
    private readonly store: GoalStore,
    private readonly sites: SiteLister,
    private readonly clock: Clock,
  ) {}

  async list(siteId: string): Promise<Goal[]> {
    await this.requireSite(siteId);
    return this.store.listGoals(siteId);
  }

  /** Creates a goal from its wire shape (`readGoalInput`). */
  async create(siteId: string, body: unknown): Promise<Goal> {
    const input = readGoalInput(body);
    if (!input.ok) throw new ApiError('VALIDATION_ERROR', input.fields);
    await this.requireSite(siteId);
    const existing = await this.store.listGoals(siteId);
    // Each goal is a condition in every goal query: the cap keeps those queries bounded.
    if (existing.length >= maxGoalsPerSite) {
      throw new ApiError('VALIDATION_ERROR', [
        { field: '(site)', reason: `a site can have at most ${maxGoalsPerSite} goals; delete one first` },
      ]);
    }
    const goal: Goal = {
      id: `g_${randomBytes(12).toString('base64url')}`,
      siteId,
      ...input.goal,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    if (!(await this.store.createGoal(goal))) throw nameTaken(goal.name);
    return goal;
  }

  /** Renames a goal; its id (and so nothing else) stays. */
  async rename(siteId: string, goalId: string, body: unknown): Promise<Goal> {
    const fields: FieldError[] = [];
    const raw = body !== null && typeof body === 'object' ? (body as { name?: unknown }).name : undefined;
    const name = readGoalName(raw, (field, reason) => fields.push({ field, reason }));
    if (name === null) throw new ApiError('VALIDATION_ERROR', fields);
    await this.requireSite(siteId);
    const outcome = await this.store.renameGoal(siteId, goalId, name);
    if (outcome === 'not_found') throw new GoalNotFoundError('goal');
    if (outcome === 'conflict') throw nameTaken(name);
    const goal = (await this.store.listGoals(siteId)).find((item) => item.id === goalId);
    if (!goal) throw new GoalNotFoundError('goal'); // deleted between the rename and the read
    return goal;
  }

  /** Deletes the definition only: the events it counted stay, and so do other goals over them. */
  async delete(siteId: string, goalId: string): Promise<void> {
    await this.requireSite(siteId);
    if (!(await this.store.deleteGoal(siteId, goalId))) throw new GoalNotFoundError('goal');
  }

  private async requireSite(siteId: string): Promise<void> {
    if (!(await this.sites.listSites()).some((site) => site.id === siteId)) {
      throw new GoalNotFoundError('site');
    }
  }
}

function nameTaken(name: string): ApiError {
  return new ApiError('CONFLICT', [
    { field: 'name', reason: `this site already has a goal named "${name}"; choose another name` },
  ]);
}

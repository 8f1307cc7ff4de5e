import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { readGoalName } from '../goals/goal-input.ts';
import type { SiteLister } from '../goals/goal-service.ts';
import type { GoalStore } from '../goals/types.ts';
import { readFunnelDefinition } from './funnel-input.ts';
import { type Funnel, type FunnelStore, maxFunnelsPerSite } from './types.ts';

/** NOT_FOUND, saying (to the CLI only) whether the site or the funnel is missing. */
export class FunnelNotFoundError extends ApiError {
  constructor(readonly missing: 'site' | 'funnel') {
    super('NOT_FOUND');
  }
}

/**
 * Adds, lists and deletes a site's saved funnels: the one path behind the REST API, the dashboard
 * and the CLI, so all three refuse the same things with the same codes (VALIDATION_ERROR naming the
 * step, CONFLICT for a taken name, NOT_FOUND).
 */
export class FunnelService {
  constructor(
    private readonly store: FunnelStore,
    private readonly goals: GoalStore,
    private readonly sites: SiteLister,
    private readonly clock: Clock,
  ) {}

  async list(siteId: string): Promise<Funnel[]> {
    await this.requireSite(siteId);
    return this.store.listFunnels(siteId);
  }

  async get(siteId: string, funnelId: string): Promise<Funnel> {
    const funnel = (await this.list(siteId)).find((item) => item.id === funnelId);
    if (!funnel) throw new FunnelNotFoundError('funnel');
    return funnel;
  }

  /** Creates a funnel from its wire shape: `{name, steps, window?, order?}`. */
  async create(siteId: string, body: unknown): Promise<Funnel> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError('VALIDATION_ERROR', [{ field: '(body)', reason: 'must be a JSON object' }]);
    }
    await this.requireSite(siteId);
    const fields: FieldError[] = [];
    const fail = (field: string, reason: string) => fields.push({ field, reason });
    const record = body as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!['name', 'steps', 'window', 'order'].includes(key))
        fail(key.slice(0, 100), 'is not a funnel field (name, steps, window, order)');
    }
    const name = readGoalName(record.name, fail);
    const definition = readFunnelDefinition(record, await this.goals.listGoals(siteId), fail);
    if (fields.length > 0 || name === null || definition === null)
      throw new ApiError('VALIDATION_ERROR', fields);
    if ((await this.store.listFunnels(siteId)).length >= maxFunnelsPerSite) {
      throw new ApiError('VALIDATION_ERROR', [
        { field: '(site)', reason: `a site can have at most ${maxFunnelsPerSite} funnels; delete one first` },
      ]);
    }
    const funnel: Funnel = {
      id: `f_${randomBytes(12).toString('base64url')}`,
      siteId,
      name,
      ...definition,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    if (!(await this.store.createFunnel(funnel))) {
      throw new ApiError('CONFLICT', [
        { field: 'name', reason: `this site already has a funnel named "${name}"; choose another name` },
      ]);
    }
    return funnel;
  }

  async delete(siteId: string, funnelId: string): Promise<void> {
    await this.requireSite(siteId);
    if (!(await this.store.deleteFunnel(siteId, funnelId))) throw new FunnelNotFoundError('funnel');
  }

  private async requireSite(siteId: string): Promise<void> {
    if (!(await this.sites.listSites()).some((site) => site.id === siteId)) {
      throw new FunnelNotFoundError('site');
    }
  }
}

/**
 * Everything the REST API, the dashboard and the admin socket need of funnels, built once by the
 * runtime: the saved-funnel service and the query engine over the configured store.
 */
import type { Clock } from '../clock.ts';
import { ApiError } from '../errors.ts';
import type { SiteLister } from '../goals/goal-service.ts';
import type { GoalStore } from '../goals/types.ts';
import { StatsQueryError } from '../stats/errors.ts';
import type { Site } from '../store/types.ts';
import type { FunnelEngine, FunnelResult } from './funnel-engine.ts';
import { type FunnelJson, funnelJson } from './funnel-json.ts';
import { readFunnelQuery } from './funnel-query.ts';
import { FunnelService } from './funnel-service.ts';
import type { Funnel, FunnelStore } from './types.ts';

export class Funnels {
  readonly service: FunnelService;

  constructor(
    private readonly store: FunnelStore,
    private readonly goals: GoalStore,
    sites: SiteLister,
    readonly engine: FunnelEngine,
    private readonly clock: Clock,
  ) {
    this.service = new FunnelService(store, goals, sites, clock);
  }

  /** A saved funnel as shown, its goal steps named by the goals' current names. */
  async json(funnels: readonly Funnel[], siteId: string): Promise<FunnelJson[]> {
    const goals = await this.goals.listGoals(siteId);
    return funnels.map((funnel) => funnelJson(funnel, goals));
  }

  /** Reads and answers a funnel query over the sites the caller can see; refusals are ApiErrors. */
  async answer(body: unknown, sites: readonly Site[]): Promise<FunnelResult> {
    const { query, site } = await readFunnelQuery(body, sites, { funnels: this.store, goals: this.goals });
    try {
      return await this.engine.query(query, site, this.clock.now());
    } catch (error) {
      if (error instanceof StatsQueryError) throw new ApiError('VALIDATION_ERROR', [...error.fields]);
      throw error;
    }
  }
}

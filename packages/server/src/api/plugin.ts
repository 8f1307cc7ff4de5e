import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { apiKeyGuard, decorateApiKey } from '../auth/api-key-guard.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import type { MonthlyQuota } from '../auth/monthly-quota.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Funnels } from '../funnels/funnels.ts';
import type { GoalService } from '../goals/goal-service.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { createDuckDbStatsEngine, type StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';
import type { ApiRouteContext } from './context.ts';
import { installEnvelopeErrors } from './envelope.ts';
import { LiveCounter } from './live-counter.ts';
import { registerLiveRoute } from './live-route.ts';
import { registerOpenApi, registerOpenApiRoute } from './openapi.ts';
import { registerAnalyticsRoutes } from './routes/analytics.ts';
import { registerExportRoute } from './routes/export.ts';
import { registerFunnelRoutes } from './routes/funnels.ts';
import { registerGoalRoutes } from './routes/goals.ts';
import { registerStatsQueryRoute } from './routes/stats-query.ts';
import { registerUsageRoute } from './routes/usage.ts';
import { registerVisitorsRoute } from './routes/visitors.ts';
import { registerWebsiteRoutes } from './routes/websites.ts';

export const apiPrefix = '/api/external/v1';

export interface ExternalApiDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metadata: MetadataStore;
  /** The embedded database, for the stats engine. */
  readonly duckdb: DuckDBInstance;
  /** Raw-event reads: DuckDB or ClickHouse (scale/stores.ts). */
  readonly events: EventReader;
  /** The stats engine (scale/stores.ts); by default one over `duckdb`. */
  readonly stats?: StatsEngine;
  readonly sites: SiteDirectory;
  /** Per-key limiter; by default in memory, `config.apiRateLimitPerMinute` per key per minute. */
  readonly apiLimiter?: RateLimiter;
  /** Per-key requests per calendar month (UTC), `config.apiMonthlyLimit`: stored or in Redis (scale/stores.ts). */
  readonly apiMonthlyQuota: MonthlyQuota;
  /** Site goals (`/websites/{id}/goals`): the service the dashboard and the CLI use too. */
  readonly goals: GoalService;
  /** Saved funnels (`/websites/{id}/funnels`) and `/stats/funnel`; omitted, the routes are not there. */
  readonly funnels?: Funnels;
}

/** The authenticated REST API under `/api/external/v1`, plus the public live counter. */
export function registerExternalApi(app: FastifyInstance, deps: ExternalApiDeps): void {
  registerLiveRoute(app, {
    sites: deps.sites,
    counter: new LiveCounter(deps.events, deps.clock),
    clock: deps.clock,
  });
  const limiter =
    deps.apiLimiter ??
    new MemoryRateLimiter([{ limit: deps.config.apiRateLimitPerMinute, windowMs: 60_000 }]);
  const guard = apiKeyGuard(
    {
      keys: new ApiKeyService(deps.metadata, deps.clock),
      limiter,
      clock: deps.clock,
      monthly: deps.apiMonthlyQuota,
    },
    'read',
  );
  const context: ApiRouteContext = {
    config: deps.config,
    clock: deps.clock,
    log: deps.log,
    metadata: deps.metadata,
    events: deps.events,
    engine: deps.stats ?? createDuckDbStatsEngine(deps.duckdb),
  };

  app.register(
    async (api) => {
      decorateApiKey(api);
      installEnvelopeErrors(api, deps.log);
      await registerOpenApi(api);
      registerOpenApiRoute(api);
      await api.register(async (authenticated) => {
        authenticated.addHook('onRequest', guard);
        registerWebsiteRoutes(authenticated, context);
        registerAnalyticsRoutes(authenticated, context);
        registerVisitorsRoute(authenticated, context);
        registerUsageRoute(authenticated, context);
        registerStatsQueryRoute(authenticated, context);
        registerExportRoute(authenticated, context);
        registerGoalRoutes(authenticated, context, deps.goals);
        if (deps.funnels) registerFunnelRoutes(authenticated, context, deps.funnels);
      });
    },
    { prefix: apiPrefix },
  );
}

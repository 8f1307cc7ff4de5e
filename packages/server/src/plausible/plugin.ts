/**
 * Plausible's API surface beside ours (docs/plausible.md): `POST /api/v2/query` (Stats API v2)
 * and `POST /api/event` (Events API). Each lives in its own Fastify context so its refusals
 * leave in Plausible's shape while the rest of the server keeps ours.
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { apiKeyGuard, decorateApiKey } from '../auth/api-key-guard.ts';
import { ApiKeyService } from '../auth/key-service.ts';
import type { MonthlyQuota } from '../auth/monthly-quota.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { ErrorCode } from '../errors.ts';
import { createClientIpResolver } from '../http/client-ip.ts';
import type { ProcessEvent } from '../ingest/pipeline.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { createDuckDbStatsEngine, type StatsEngine } from '../stats/index.ts';
import type { MetadataStore } from '../store/types.ts';
import { installPlausibleErrors } from './errors.ts';
import { registerPlausibleEventRoute } from './event-route.ts';
import { registerPlausibleQueryRoute } from './query-route.ts';

export interface PlausibleApiDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metadata: MetadataStore;
  readonly duckdb: DuckDBInstance;
  readonly stats?: StatsEngine;
  readonly sites: SiteDirectory;
  /** The per-address ingest limiter `POST /e/{code}` spends: one budget for both ways in. */
  readonly limiter: RateLimiter;
  readonly apiLimiter?: RateLimiter;
  readonly apiMonthlyQuota: MonthlyQuota;
  readonly processEvent: ProcessEvent;
  readonly countRefusal: (siteId: string, code: ErrorCode) => void;
}

export function registerPlausibleApi(app: FastifyInstance, deps: PlausibleApiDeps): void {
  const guard = apiKeyGuard(
    {
      keys: new ApiKeyService(deps.metadata, deps.clock),
      limiter:
        deps.apiLimiter ??
        new MemoryRateLimiter([{ limit: deps.config.apiRateLimitPerMinute, windowMs: 60_000 }]),
      clock: deps.clock,
      monthly: deps.apiMonthlyQuota,
    },
    'read',
  );
  app.register(async (stats) => {
    decorateApiKey(stats);
    installPlausibleErrors(stats, deps.log);
    registerPlausibleQueryRoute(stats, {
      clock: deps.clock,
      metadata: deps.metadata,
      engine: deps.stats ?? createDuckDbStatsEngine(deps.duckdb),
      guard,
    });
  });
  app.register(async (events) => {
    installPlausibleErrors(events, deps.log, true);
    registerPlausibleEventRoute(events, {
      sites: deps.sites,
      clientIp: createClientIpResolver(deps.config.trustedProxyCidrs),
      limiter: deps.limiter,
      clock: deps.clock,
      processEvent: deps.processEvent,
      countRefusal: deps.countRefusal,
    });
  });
}

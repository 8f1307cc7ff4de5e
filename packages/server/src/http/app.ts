import type { DuckDBInstance } from '@duckdb/node-api';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerExternalApi } from '../api/plugin.ts';
import { installRequestIds } from '../api/request-id.ts';
import type { MonthlyQuota } from '../auth/monthly-quota.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type DashboardDeps, registerDashboard } from '../dashboard/index.ts';
import type { ErrorCode } from '../errors.ts';
import type { Funnels } from '../funnels/funnels.ts';
import type { GoalService } from '../goals/goal-service.ts';
import type { ProcessHeartbeat } from '../ingest/heartbeat-pipeline.ts';
import type { ProcessEvent } from '../ingest/pipeline.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import { registerPlausibleApi } from '../plausible/plugin.ts';
import { installProxyGate } from '../proxy/proxy-gate.ts';
import type { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import type { StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';
import { registerJsonBodyParser } from './body-parser.ts';
import { createClientIpResolver } from './client-ip.ts';
import { installPublicCors } from './cors.ts';
import { installErrorHandlers } from './error-handler.ts';
import { answerClientError, answerFrameworkError } from './framework-errors.ts';
import { createIngestFastPath, type IngestFastPath, serverWithFastPath } from './ingest-fast-path.ts';
import { decorateRequests } from './request-context.ts';
import { registerBatchIngestRoute } from './routes/batch-ingest.ts';
import { registerHealthRoute } from './routes/health.ts';
import { registerHeartbeatRoute } from './routes/heartbeat-ingest.ts';
import { registerIngestRoutes } from './routes/ingest.ts';
import { registerTrackerScriptRoute } from './routes/tracker-script.ts';

export interface AppDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sites: SiteDirectory;
  readonly limiter: RateLimiter;
  readonly processEvent: ProcessEvent;
  /** Heartbeats (`POST /e/heartbeat/{code}`); omitted, the route is not there. */
  readonly processHeartbeat?: ProcessHeartbeat;
  /** The heartbeat budget per address; defaults to in-memory, `config.heartbeatLimits`. */
  readonly heartbeatLimiter?: RateLimiter;
  readonly countRefusal: (siteId: string, code: ErrorCode) => void;
  readonly writerQueueLength: () => number;
  /** Read side for the REST API and live counter. */
  readonly metadata: MetadataStore;
  readonly duckdb: DuckDBInstance;
  /** Raw-event reads for the REST API and live counter: DuckDB or ClickHouse. */
  readonly events: EventReader;
  /** The stats engine for the REST API (scale/stores.ts); by default one over `duckdb`. */
  readonly stats?: StatsEngine;
  /** REST API per-key limiter; defaults to in-memory, `config.apiRateLimitPerMinute`. */
  readonly apiLimiter?: RateLimiter;
  /** REST API per-key monthly quota (scale/stores.ts); batch ingest does not spend it. */
  readonly apiMonthlyQuota: MonthlyQuota;
  /** Site goals for the REST API (the dashboard gets the same service in `dashboard`). */
  readonly goals: GoalService;
  /** Saved funnels and the funnel query (REST API); the dashboard gets them in `dashboard`. */
  readonly funnels?: Funnels;
  /** Batch ingest per-key limiter; defaults to in-memory, `config.batchIngestLimits`. */
  readonly batchLimiter?: RateLimiter;
  /** The web dashboard at `/` and `/api/dashboard`; omitted, the server runs without it. */
  readonly dashboard?: DashboardDeps & { duckdb: DuckDBInstance };
  /** First-party proxy keys (X-Zenovay-Proxy-Key on `/e/` and `/z.js`); omitted, none are valid. */
  readonly proxy?: { readonly keys: ProxyKeyRegistry; readonly limiter: RateLimiter };
  /**
   * Plain `POST /e/{code}` requests answered on node:http before Fastify (http/ingest-fast-path.ts);
   * default on. Off, Fastify serves them all: the tests compare both.
   */
  readonly ingestFastPath?: boolean;
}

/** Builds the HTTP app without listening, so tests and `main` share exactly one wiring. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const ingestDeps = {
    sites: deps.sites,
    clientIp: createClientIpResolver(deps.config.trustedProxyCidrs),
    limiter: deps.limiter,
    clock: deps.clock,
    processEvent: deps.processEvent,
    countRefusal: deps.countRefusal,
  };
  const fastPath: IngestFastPath | null =
    deps.ingestFastPath === false
      ? null
      : createIngestFastPath({
          ...ingestDeps,
          maxBodyBytes: deps.config.maxBodyBytes,
          log: deps.log,
          // Asked once per code, on its first request (the app is built by then).
          shadowed: (code): boolean =>
            app.findRoute({ method: 'POST', url: `/e/${code}` })?.params.trackingCode !== code,
        });
  const app = Fastify({
    ...(fastPath ? { serverFactory: serverWithFastPath(fastPath) } : {}),
    // Fastify's request logging would write client addresses; we log only what we choose.
    logger: false,
    bodyLimit: deps.config.maxBodyBytes,
    // Hostile clients must not hold sockets forever.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 65_000,
    // Requests that reach a closing server are still served (their responses close the connection)
    // rather than refused with a body outside our error shape; `stop` commits what they add.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  // Closing: Fastify marks every later request `Connection: close`; let it serve them all.
  if (fastPath)
    app.addHook('preClose', (done) => {
      fastPath.disable();
      done();
    });
  decorateRequests(app);
  installRequestIds(app);
  installPublicCors(app);
  registerJsonBodyParser(app, deps.config.maxBodyBytes);
  installErrorHandlers(app, deps.log, (request, code) => {
    if (request.zvSite) deps.countRefusal(request.zvSite.id, code);
  });
  registerHealthRoute(app, { queueLength: deps.writerQueueLength });
  if (deps.proxy) {
    installProxyGate(app, {
      keys: deps.proxy.keys,
      proxyLimiter: deps.proxy.limiter,
      sites: deps.sites,
      clientIp: createClientIpResolver(deps.config.trustedProxyCidrs),
      clock: deps.clock,
      log: deps.log,
      countRefusal: deps.countRefusal,
    });
  }
  registerTrackerScriptRoute(app);
  registerIngestRoutes(app, ingestDeps);
  if (deps.processHeartbeat) {
    registerHeartbeatRoute(app, {
      sites: deps.sites,
      clientIp: createClientIpResolver(deps.config.trustedProxyCidrs),
      limiter: deps.heartbeatLimiter ?? new MemoryRateLimiter(deps.config.heartbeatLimits),
      clock: deps.clock,
      processHeartbeat: deps.processHeartbeat,
      countRefusal: deps.countRefusal,
    });
  }
  registerBatchIngestRoute(app, deps);
  registerExternalApi(app, deps);
  registerPlausibleApi(app, deps);
  if (deps.dashboard) registerDashboard(app, deps.dashboard);
  return app;
}

import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import type { AccountService } from './accounts/account-service.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type DashboardDeps, openDashboard } from './dashboard/index.ts';
import { signInLimits } from './dashboard/wiring.ts';
import { Funnels } from './funnels/funnels.ts';
import type { FxRateStore } from './fx/types.ts';
import { type GeoReader, openDbIpGeoReader } from './geo/geo-reader.ts';
import { GoalService } from './goals/goal-service.ts';
import { buildApp } from './http/app.ts';
import { createBotClassifier } from './ingest/bot-filter.ts';
import { createHeartbeatPipeline } from './ingest/heartbeat-pipeline.ts';
import { createEventPipeline } from './ingest/pipeline.ts';
import { RefusalCounter } from './ingest/refusal-counter.ts';
import { SaltProvider } from './ingest/salt-provider.ts';
import { openServerSessions } from './ingest/server-session-seed.ts';
import type { RateLimiter } from './limits/rate-limiter.ts';
import { createLogger, type Logger } from './log.ts';
import type { MemberService } from './members/member-service.ts';
import { ProxyKeyRegistry } from './proxy/proxy-key-registry.ts';
import { openStores } from './scale/stores.ts';
import { sharePasswordLimits, shareViewLimits } from './sharing/limits.ts';
import { SiteDirectory } from './sites/site-directory.ts';
import { SiteService } from './sites/site-service.ts';
import { BackgroundCompactor } from './store/duckdb/event-compaction.ts';
import { DuckDbEventRetention } from './store/duckdb/event-retention.ts';
import { openDuckDb } from './store/duckdb/open.ts';
import { SerialQueue } from './store/duckdb/serial.ts';
import type { EventReader } from './store/event-reader.ts';
import { RetentionJob } from './store/retention.ts';
import type { MetadataStore } from './store/types.ts';
import { BackgroundThreadPriority } from './thread-priority.ts';
import { EventWriter } from './writer/event-writer.ts';

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  geo?: GeoReader;
  limiter?: RateLimiter;
  /** Off: Fastify serves every `POST /e/{code}` (http/ingest-fast-path.ts); for tests and comparisons. */
  ingestFastPath?: boolean;
}

/** Everything a running service holds, built from the config; `stop` drains and closes it all. */
export interface Runtime {
  readonly config: Config;
  readonly app: FastifyInstance;
  readonly sites: SiteService;
  readonly metadata: MetadataStore;
  readonly refusals: RefusalCounter;
  readonly writer: EventWriter;
  /**
   * Resolves once every event acknowledged so far is loaded from the append log into the store
   * (rejects after `timeoutMs`): for readers that go to the store directly, such as tests.
   */
  eventsLoaded(timeoutMs?: number): Promise<void>;
  /** The embedded database; for read-side code (stats) and tests. */
  readonly duckdb: DuckDBInstance;
  /** Raw-event reads (live, export, visits): DuckDB or ClickHouse, as configured. */
  readonly events: EventReader;
  /** Dashboard users, sessions and site ownership (`zenovay users add` goes through this). */
  readonly accounts: AccountService;
  /** Site roles and invitations (`zenovay members` goes through this). */
  readonly members: MemberService;
  /** Email reports: subscriptions, and the scheduler when mail is configured (tests run a pass). */
  readonly reports: DashboardDeps['reports'];
  /** First-party proxy keys, checked in memory on the ingest path (`zenovay proxy-keys`). */
  readonly proxyKeys: ProxyKeyRegistry;
  /** Site goals (REST API, dashboard and `zenovay goals` through the admin socket). */
  readonly goals: GoalService;
  /** Saved funnels and the funnel query (REST API, dashboard, `zenovay funnels` through the admin socket). */
  readonly funnels: Funnels;
  /** Exchange rates the stats convert revenue with (`zenovay fx import` through the admin socket). */
  readonly fx: FxRateStore;
  /** Deletes data older than `ZENOVAY_RETENTION_DAYS` (hourly, and now by `pass()`); null when 0. */
  readonly retention: RetentionJob | null;
  stop(): Promise<void>;
}

/** How soon a node sees a site created through another node (scale-out only). */
const siteRefreshMs = 10_000;
/** How often the embedded store looks for closed days to rewrite ordered by site. */
const compactionIntervalMs = 5 * 60_000;
/** How often expired data is looked for (it expires by whole UTC days). */
const retentionIntervalMs = 60 * 60_000;

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  const instance: DuckDBInstance = await openDuckDb(config.dataDir);
  // Embedded (DuckDB) or scale-out (PostgreSQL, spool + ClickHouse, Redis): chosen by config alone.
  const stores = await openStores(config, { duckdb: instance, log });
  const { metadata, events } = stores;
  const geo = options.geo ?? (await openDbIpGeoReader());
  const directory = new SiteDirectory(metadata);
  const goals = new GoalService(stores.goals, metadata, clock);
  const funnels = new Funnels(stores.funnels, stores.goals, metadata, stores.funnelEngine, clock);
  const proxyKeys = await ProxyKeyRegistry.open(metadata, clock);
  proxyKeys.startRefreshing(30_000, (error) => log.warn('proxy key reload failed', { error: String(error) }));
  await directory.refresh();
  // Several nodes share the sites in PostgreSQL: pick up those added or changed through another node.
  const siteRefresh =
    stores.mode === 'scale-out'
      ? setInterval(() => {
          directory.refresh().catch((error: unknown) => {
            log.warn('could not refresh the site list', {
              error: error instanceof Error ? error.message : String(error),
            });
          });
        }, siteRefreshMs)
      : undefined;
  siteRefresh?.unref();
  const writer = await EventWriter.start({
    store: events,
    clock,
    log,
    maxQueue: config.writerMaxQueue,
    maxBatch: config.writerMaxBatch,
    dedupeWindowMs: config.dedupeWindowMs,
    ...(stores.idempotency ? { shared: stores.idempotency } : {}),
  });
  // Embedded mode: closed days are rewritten ordered by site so a site's stats scan reads few
  // storage vectors (store/duckdb/event-compaction.ts). Retention deletes whole days: it shares
  // the compaction's queue so the two never hold a transaction on the same day at once.
  const maintenance = new SerialQueue();
  const compactor =
    stores.mode === 'scale-out'
      ? null
      : await BackgroundCompactor.start(instance, {
          now: () => clock.now(),
          log,
          intervalMs: compactionIntervalMs,
          queue: maintenance,
        });
  const duckdbRetention =
    stores.mode === 'embedded' && config.retentionDays > 0
      ? await DuckDbEventRetention.open(instance, maintenance)
      : null;
  const eventRetention = stores.clickhouseRetention ?? duckdbRetention;
  const retention =
    eventRetention === null
      ? null
      : RetentionJob.start({
          days: config.retentionDays,
          now: () => clock.now(),
          log,
          intervalMs: retentionIntervalMs,
          events: eventRetention,
          deleteRefusalsBefore: (day) => metadata.deleteRefusalsBefore(day),
        });
  const refusals = new RefusalCounter(metadata, clock, log);
  refusals.startFlushing(config.refusalFlushIntervalMs);
  // One visit resolver for events and heartbeats: a heartbeat lands on its pageview's visit.
  const sessions = await openServerSessions(events, clock, { shared: stores.visits, log });
  const pipelineDeps = {
    clock,
    geo,
    salts: new SaltProvider(metadata, clock),
    writer,
    isBot: createBotClassifier(),
    refusals,
    sessions,
  };
  const processEvent = createEventPipeline(pipelineDeps);
  const processHeartbeat = createHeartbeatPipeline(pipelineDeps);
  const dashboard = await openDashboard({
    config,
    clock,
    log,
    metadata,
    duckdb: instance,
    accountStore: stores.accounts,
    events: stores.reader,
    stats: stores.stats,
    // Shared by every node with Redis: 10 failures per (email, address) means 10 in total.
    signInAttempts: stores.signInAttempts(signInLimits),
    sharedLinks: stores.sharedLinks,
    memberStore: stores.members,
    reportStore: stores.reports,
    shareLimiter: stores.limiter(shareViewLimits, 'share'),
    sharePasswordAttempts: stores.signInAttempts(sharePasswordLimits),
    directory,
    flushRefusals: () => refusals.flush(),
    proxyKeys,
    goals,
    funnels,
  });
  // DuckDB, the loader and libuv's pool are running by now; threads started later are caught by
  // the periodic pass.
  const threadPriority = new BackgroundThreadPriority(config.backgroundNice, log);
  threadPriority.start();
  // Counts loaded before the first request; saved by `stop` after the last one.
  const apiMonthlyQuota = await stores.monthlyQuota(config.apiMonthlyLimit, clock.now());
  const app = buildApp({
    config,
    clock,
    log,
    sites: directory,
    limiter: options.limiter ?? stores.limiter(config.ingestLimits, 'ingest'),
    proxy: { keys: proxyKeys, limiter: stores.limiter(config.proxyIngestLimits, 'proxy') },
    apiLimiter: stores.limiter([{ limit: config.apiRateLimitPerMinute, windowMs: 60_000 }], 'api'),
    apiMonthlyQuota,
    batchLimiter: stores.limiter(config.batchIngestLimits, 'batch'),
    processEvent,
    processHeartbeat,
    heartbeatLimiter: stores.limiter(config.heartbeatLimits, 'heartbeat'),
    countRefusal: (siteId, code) => refusals.count(siteId, code),
    writerQueueLength: () => writer.queueLength,
    metadata,
    duckdb: instance,
    events: stores.reader,
    stats: stores.stats,
    dashboard: dashboard.deps,
    goals,
    funnels,
    ...(options.ingestFastPath === false ? { ingestFastPath: false } : {}),
  });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(siteRefresh);
      threadPriority.stop();
      // Reports first: no send is claimed from now on, and one in flight finishes (a few seconds
      // at most) while the rest drains; awaited before the stores it records itself in close.
      const reportsStopped = dashboard.close();
      await app.close(); // stops accepting; in-flight requests finish and wait for their commit
      await writer.close();
      await compactor?.stop();
      await retention?.stop();
      duckdbRetention?.close();
      await refusals.stop();
      await apiMonthlyQuota.close();
      proxyKeys.stopRefreshing();
      await reportsStopped;
      await stores.close();
      instance.closeSync();
    })();
    return stopping;
  };

  return {
    config,
    app,
    sites: new SiteService(metadata, directory, clock),
    metadata,
    refusals,
    writer,
    eventsLoaded: (timeoutMs = 10_000) => events.loaded(timeoutMs),
    duckdb: instance,
    events: stores.reader,
    accounts: dashboard.deps.accounts,
    members: dashboard.deps.members,
    reports: dashboard.deps.reports,
    proxyKeys,
    goals,
    funnels,
    fx: stores.fx,
    retention,
    stop,
  };
}

import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Redis } from 'ioredis';
import { DuckDbAccountStore } from '../accounts/duckdb-account-store.ts';
import type { AccountStore } from '../accounts/types.ts';
import { type MonthlyQuota, StoredMonthlyQuota } from '../auth/monthly-quota.ts';
import type { Config, RateRule } from '../config.ts';
import { AppendLog } from '../event-log/append-log.ts';
import { freshReader, freshReadWaitMs, freshStats } from '../event-log/fresh-reads.ts';
import { createClickHouseFunnelEngine, createDuckDbFunnelEngine } from '../funnels/engines.ts';
import type { FunnelEngine } from '../funnels/funnel-engine.ts';
import type { FunnelStore } from '../funnels/types.ts';
import type { FxRateStore } from '../fx/types.ts';
import type { GoalStore } from '../goals/types.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import { RedisIdempotencyWindow } from '../limits/redis-idempotency.ts';
import { RedisMonthlyQuota } from '../limits/redis-monthly-quota.ts';
import { RedisRateLimiter } from '../limits/redis-rate-limiter.ts';
import { RedisSignInAttempts } from '../limits/redis-sign-in-attempts.ts';
import { RedisVisitStore } from '../limits/redis-visits.ts';
import { MemorySignInAttempts, type SignInAttempts, type SignInLimits } from '../limits/sign-in-attempts.ts';
import type { Logger } from '../log.ts';
import type { MemberStore } from '../members/types.ts';
import type { ReportStore } from '../reports/types.ts';
import type { SharedLinkStore } from '../sharing/types.ts';
import { createClickHouseStatsEngine, createDuckDbStatsEngine, type StatsEngine } from '../stats/index.ts';
import { ClickHouseEventReader } from '../store/clickhouse/event-reader.ts';
import { ClickHouseEventStore } from '../store/clickhouse/event-store.ts';
import { ClickHouseFxStore } from '../store/clickhouse/fx-store.ts';
import { ClickHouseRetention } from '../store/clickhouse/retention.ts';
import { parseClickHouseUrl } from '../store/clickhouse/target.ts';
import { DuckDbEventReader } from '../store/duckdb/event-reader.ts';
import { DuckDbEventStore } from '../store/duckdb/event-store.ts';
import { DuckDbFunnelStore } from '../store/duckdb/funnel-store.ts';
import { DuckDbFxStore } from '../store/duckdb/fx-store.ts';
import { DuckDbGoalStore } from '../store/duckdb/goal-store.ts';
import { DuckDbMemberStore } from '../store/duckdb/member-store.ts';
import { DuckDbMetadataStore } from '../store/duckdb/metadata-store.ts';
import { openDuckDb } from '../store/duckdb/open.ts';
import { DuckDbReportStore } from '../store/duckdb/report-store.ts';
import { DuckDbSharedLinkStore } from '../store/duckdb/shared-link-store.ts';
import { buildVisitRollup, dropVisitRollup } from '../store/duckdb/visit-rollup.ts';
import type { EventReader } from '../store/event-reader.ts';
import { PostgresMetadataStore } from '../store/postgres/metadata-store.ts';
import type { MetadataStore } from '../store/types.ts';
import { connectRedis } from './redis-connection.ts';

/**
 * The stores behind the interfaces, chosen by configuration alone: this is the one place that
 * knows which mode runs. Everything above receives `EventStore`, `EventReader`, `MetadataStore`,
 * `AccountStore` and `RateLimiter`s and works the same either way.
 */
export interface Stores {
  readonly mode: 'embedded' | 'scale-out';
  readonly metadata: MetadataStore;
  /** The append log: the one thing the request path writes (loaded into DuckDB or ClickHouse). */
  readonly events: AppendLog;
  /** Raw-event reads outside the stats engine (live, export, visits, usage, property keys). */
  readonly reader: EventReader;
  /** The stats engine over the events (REST API and dashboard share it): DuckDB or ClickHouse SQL. */
  readonly stats: StatsEngine;
  /** Dashboard users, sessions and site memberships. */
  readonly accounts: AccountStore;
  /** Goals of each site, beside the sites (DuckDB file or PostgreSQL); the stats engine reads them. */
  readonly goals: GoalStore;
  /** Saved funnels, beside the goals; and the funnel query over the events (funnels/). */
  readonly funnels: FunnelStore;
  readonly funnelEngine: FunnelEngine;
  /** Shared dashboard links and public sites (sharing/), beside the sites. */
  readonly sharedLinks: SharedLinkStore;
  /** Site roles and invitations (members/), beside the memberships. */
  readonly members: MemberStore;
  /** Email report subscriptions and sends (reports/). */
  readonly reports: ReportStore;
  /** Exchange rates where the stats convert revenue: the DuckDB file or every ClickHouse shard. */
  readonly fx: FxRateStore;
  /** A limiter for one kind of key (`ingest`, `proxy`, `batch`, `api`): shared by all nodes with Redis. */
  limiter(rules: readonly RateRule[], namespace: string): RateLimiter;
  /** Failed sign-in counts: shared by all nodes with Redis. */
  signInAttempts(limits: SignInLimits): SignInAttempts;
  /**
   * The REST API's per-key monthly quota: in Redis when configured (shared by all nodes), else
   * counted in memory and added to the metadata store every few seconds (survives restarts).
   */
  monthlyQuota(limit: number, nowMs: number): Promise<MonthlyQuota>;
  /** The cross-node `event_id` window, when Redis is configured. */
  readonly idempotency: RedisIdempotencyWindow | null;
  /** Server-assigned (`zv:auto-session`) visits shared by all nodes, when Redis is configured. */
  readonly visits: RedisVisitStore | null;
  /**
   * Deletes expired events from ClickHouse (store/clickhouse/retention.ts); null when embedded,
   * where the runtime runs DuckDB's retention beside the compaction, on its queue.
   */
  readonly clickhouseRetention: ClickHouseRetention | null;
  close(): Promise<void>;
}

export async function openStores(
  config: Config,
  deps: { duckdb: DuckDBInstance; log: Logger },
): Promise<Stores> {
  const { clickhouseUrl, databaseUrl, redisUrl } = config.scale;
  const openLog = (sink: DuckDbEventStore | ClickHouseEventStore, sinkReady?: Promise<unknown>) =>
    AppendLog.open({
      dir: logDir(config.dataDir),
      sink,
      log: deps.log,
      capBytes: config.logCapBytes,
      ...(sinkReady ? { sinkReady } : {}),
    });
  // Deleting a site's events waits for the loader, so no acknowledged event of it is loaded after.
  let log: AppendLog | null = null;
  const loaded = () => log?.caughtUp(shutdownDrainMs);
  if (clickhouseUrl === null || databaseUrl === null) {
    const metadata = await DuckDbMetadataStore.open(deps.duckdb, { beforeDeleteSite: async () => loaded() });
    const store = await DuckDbEventStore.open(deps.duckdb, { maintainVisitRollup: config.visitRollup });
    // An upgraded file builds its visit rollup first; requests are acknowledged into the log meanwhile.
    // With the rollup off it is dropped before anything is loaded: reads must never see it stale.
    if (!config.visitRollup) await withConnection(deps.duckdb, dropVisitRollup);
    const events = await openLog(
      store,
      config.visitRollup ? buildRollupInBackground(deps.duckdb, deps.log) : undefined,
    );
    log = events;
    const fresh = () => events.caughtUp(freshReadWaitMs);
    const accounts = await DuckDbAccountStore.open(deps.duckdb);
    const goals = await DuckDbGoalStore.open(deps.duckdb);
    const funnels = await DuckDbFunnelStore.open(deps.duckdb);
    const sharedLinks = await DuckDbSharedLinkStore.open(deps.duckdb);
    const members = await DuckDbMemberStore.open(deps.duckdb);
    const reports = await DuckDbReportStore.open(deps.duckdb);
    const fx = await DuckDbFxStore.open(deps.duckdb);
    return {
      mode: 'embedded',
      sharedLinks,
      members,
      reports,
      metadata,
      events,
      reader: freshReader(new DuckDbEventReader(deps.duckdb), fresh),
      stats: freshStats(
        createDuckDbStatsEngine(deps.duckdb, { goals: (siteId) => goals.listGoals(siteId) }),
        fresh,
      ),
      accounts,
      goals,
      funnels,
      funnelEngine: createDuckDbFunnelEngine(deps.duckdb, {
        goals: (siteId) => goals.listGoals(siteId),
        beforeRead: fresh,
      }),
      fx,
      limiter: (rules) => new MemoryRateLimiter(rules),
      signInAttempts: (limits) => new MemorySignInAttempts(limits),
      monthlyQuota: (limit, nowMs) => storedQuota(metadata, limit, nowMs, deps.log),
      idempotency: null,
      visits: null,
      clickhouseRetention: null,
      close: async () => {
        // The store is local and up: load everything, so the file alone is complete after a stop.
        await events.close(shutdownDrainMs);
        fx.close();
        reports.close();
        members.close();
        sharedLinks.close();
        funnels.close();
        goals.close();
        accounts.close();
        store.close();
        metadata.close();
      },
    };
  }
  const target = parseClickHouseUrl(clickhouseUrl);
  const clickhouse = await ClickHouseEventStore.open(target, {
    log: deps.log,
    onUnreachable: (error) =>
      deps.log.warn('ClickHouse unreachable at start; accepting into the log', { error: error.message }),
  });
  const metadata = await PostgresMetadataStore.open(databaseUrl, {
    deleteSiteEvents: async (siteId) => {
      await loaded();
      await clickhouse.deleteSiteEvents(siteId);
    },
  });
  const events = await openLog(clickhouse);
  log = events;
  const fresh = () => events.caughtUp(freshReadWaitMs);
  let redis: Redis | null = null;
  try {
    redis = redisUrl === null ? null : await connectRedis(redisUrl);
  } catch (error) {
    await events.close();
    await metadata.close();
    throw error;
  }
  const goals = metadata.goalStore();
  return {
    mode: 'scale-out',
    metadata,
    events,
    reader: freshReader(new ClickHouseEventReader(target), fresh),
    stats: freshStats(
      createClickHouseStatsEngine(target, { goals: (siteId) => goals.listGoals(siteId) }),
      fresh,
    ),
    accounts: metadata.accountStore(),
    goals,
    funnels: metadata.funnelStore(),
    sharedLinks: metadata.sharedLinkStore(),
    members: metadata.memberStore(),
    reports: metadata.reportStore(),
    funnelEngine: createClickHouseFunnelEngine(target, {
      goals: (siteId) => goals.listGoals(siteId),
      beforeRead: fresh,
    }),
    fx: new ClickHouseFxStore(target),
    limiter: (rules, namespace) =>
      redis === null ? new MemoryRateLimiter(rules) : new RedisRateLimiter(redis, rules, namespace, deps.log),
    signInAttempts: (limits) =>
      redis === null ? new MemorySignInAttempts(limits) : new RedisSignInAttempts(redis, limits, deps.log),
    monthlyQuota: async (limit, nowMs) =>
      redis === null
        ? storedQuota(metadata, limit, nowMs, deps.log)
        : new RedisMonthlyQuota(redis, limit, deps.log),
    idempotency: redis === null ? null : new RedisIdempotencyWindow(redis, config.dedupeWindowMs),
    visits: redis === null ? null : new RedisVisitStore(redis),
    clickhouseRetention: new ClickHouseRetention(target),
    close: async () => {
      // ClickHouse may be down: what is not loaded within the drain stays in the log for the next start.
      await events.close(shutdownDrainMs);
      await metadata.close();
      redis?.disconnect();
    },
  };
}

async function withConnection(
  instance: DuckDBInstance,
  work: (connection: DuckDBConnection) => Promise<void>,
): Promise<void> {
  const connection = await instance.connect();
  try {
    await work(connection);
  } finally {
    connection.closeSync();
  }
}

function buildRollupInBackground(instance: DuckDBInstance, log: Logger): Promise<void> {
  return (async () => {
    const connection = await instance.connect();
    try {
      await buildVisitRollup(connection, log);
    } catch (error) {
      // Left unbuilt: the next start tries again; the events themselves are loaded regardless.
      log.error('could not build the visit rollup', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      connection.closeSync();
    }
  })();
}

/** How long a stop waits for the loader to store what the log holds. */
const shutdownDrainMs = 30_000;

/**
 * `log/`; a data directory of an earlier version may hold the scale-out spool's segments under
 * `spool/`, which are the same records: that directory becomes the log.
 */
function logDir(dataDir: string): string {
  const dir = path.join(dataDir, 'log');
  const legacy = path.join(dataDir, 'spool');
  if (!fs.existsSync(dir) && fs.existsSync(legacy)) fs.renameSync(legacy, dir);
  return dir;
}

/** How often the stored monthly quota adds its counts to the metadata store (a crash loses at most this). */
const monthlyQuotaFlushMs = 5_000;

function storedQuota(
  metadata: MetadataStore,
  limit: number,
  nowMs: number,
  log: Logger,
): Promise<MonthlyQuota> {
  return StoredMonthlyQuota.open({
    store: metadata,
    limit,
    log,
    nowMs,
    flushIntervalMs: monthlyQuotaFlushMs,
  });
}

/** What the CLI needs when no server is running: the configured metadata, accounts and events. */
export interface AdminStores {
  readonly metadata: MetadataStore;
  readonly accounts: AccountStore;
  readonly reader: EventReader;
  readonly goals: GoalStore;
  readonly funnels: FunnelStore;
  readonly sharedLinks: SharedLinkStore;
  readonly members: MemberStore;
  readonly fx: FxRateStore;
  close(): Promise<void>;
}

/**
 * The same choice as `openStores`, for the CLI's direct mode: the DuckDB file when embedded,
 * PostgreSQL and ClickHouse in scale-out (no DuckDB file, log or Redis: the CLI neither ingests
 * nor limits).
 */
export async function openAdminStores(config: Config): Promise<AdminStores> {
  const { clickhouseUrl, databaseUrl } = config.scale;
  if (clickhouseUrl === null || databaseUrl === null) {
    const instance = await openDuckDb(config.dataDir);
    const metadata = await DuckDbMetadataStore.open(instance);
    const accounts = await DuckDbAccountStore.open(instance);
    const goals = await DuckDbGoalStore.open(instance);
    const funnels = await DuckDbFunnelStore.open(instance);
    const sharedLinks = await DuckDbSharedLinkStore.open(instance);
    const members = await DuckDbMemberStore.open(instance);
    const fx = await DuckDbFxStore.open(instance);
    return {
      metadata,
      sharedLinks,
      members,
      accounts,
      reader: new DuckDbEventReader(instance),
      goals,
      funnels,
      fx,
      close: async () => {
        fx.close();
        members.close();
        sharedLinks.close();
        funnels.close();
        goals.close();
        accounts.close();
        metadata.close();
        instance.closeSync();
      },
    };
  }
  const target = parseClickHouseUrl(clickhouseUrl);
  // Creates the events schema if missing, so an export on a fresh cluster reads an empty table.
  const clickhouse = await ClickHouseEventStore.open(target, { onUnreachable: () => undefined });
  const metadata = await PostgresMetadataStore.open(databaseUrl, {
    deleteSiteEvents: (siteId) => clickhouse.deleteSiteEvents(siteId),
  });
  return {
    metadata,
    accounts: metadata.accountStore(),
    reader: new ClickHouseEventReader(target),
    goals: metadata.goalStore(),
    funnels: metadata.funnelStore(),
    sharedLinks: metadata.sharedLinkStore(),
    members: metadata.memberStore(),
    fx: new ClickHouseFxStore(target),
    close: () => metadata.close(),
  };
}

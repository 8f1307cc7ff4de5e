import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Redis } from 'ioredis';
import type { Config, RateRule } from '../config.ts';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.ts';
import { RedisIdempotencyWindow } from '../limits/redis-idempotency.ts';
import { RedisRateLimiter } from '../limits/redis-rate-limiter.ts';
import type { Logger } from '../log.ts';
import { DiskSpool } from '../spool/disk-spool.ts';
import { ClickHouseEventStore } from '../store/clickhouse/event-store.ts';
import { parseClickHouseUrl } from '../store/clickhouse/target.ts';
import { DuckDbEventStore } from '../store/duckdb/event-store.ts';
import { DuckDbMetadataStore } from '../store/duckdb/metadata-store.ts';
import { PostgresMetadataStore } from '../store/postgres/metadata-store.ts';
import type { EventStore, MetadataStore } from '../store/types.ts';
import { connectRedis } from './redis-connection.ts';

/**
 * The stores behind the interfaces, chosen by configuration alone: this is the one place that
 * knows which mode runs. Everything above receives `EventStore`, `MetadataStore` and
 * `RateLimiter`s and works the same either way.
 */
export interface Stores {
  readonly mode: 'embedded' | 'scale-out';
  readonly metadata: MetadataStore;
  readonly events: EventStore;
  /** A limiter for one kind of key (`ingest`, `proxy`, `batch`, `api`): shared by all nodes with Redis. */
  limiter(rules: readonly RateRule[], namespace: string): RateLimiter;
  /** The cross-node `event_id` window, when Redis is configured. */
  readonly idempotency: RedisIdempotencyWindow | null;
  /** The spool in front of ClickHouse, when configured. */
  readonly spool: DiskSpool | null;
  close(): Promise<void>;
}

export async function openStores(
  config: Config,
  deps: { duckdb: DuckDBInstance; log: Logger },
): Promise<Stores> {
  const { clickhouseUrl, databaseUrl, redisUrl, spoolCapBytes } = config.scale;
  if (clickhouseUrl === null || databaseUrl === null) {
    const metadata = await DuckDbMetadataStore.open(deps.duckdb);
    const events = await DuckDbEventStore.open(deps.duckdb);
    return {
      mode: 'embedded',
      metadata,
      events,
      limiter: (rules) => new MemoryRateLimiter(rules),
      idempotency: null,
      spool: null,
      close: async () => {
        events.close();
        metadata.close();
      },
    };
  }
  const clickhouse = await ClickHouseEventStore.open(parseClickHouseUrl(clickhouseUrl), {
    onUnreachable: (error) =>
      deps.log.warn('ClickHouse unreachable at start; accepting into the spool', { error: error.message }),
  });
  const metadata = await PostgresMetadataStore.open(databaseUrl, {
    deleteSiteEvents: (siteId) => clickhouse.deleteSiteEvents(siteId),
  });
  const spool = DiskSpool.open({
    dir: path.join(config.dataDir, 'spool'),
    sink: clickhouse,
    log: deps.log,
    capBytes: spoolCapBytes,
  });
  let redis: Redis | null = null;
  try {
    redis = redisUrl === null ? null : await connectRedis(redisUrl);
  } catch (error) {
    await spool.close();
    await metadata.close();
    throw error;
  }
  return {
    mode: 'scale-out',
    metadata,
    events: spool,
    limiter: (rules, namespace) =>
      redis === null ? new MemoryRateLimiter(rules) : new RedisRateLimiter(redis, rules, namespace, deps.log),
    idempotency: redis === null ? null : new RedisIdempotencyWindow(redis, config.dedupeWindowMs),
    spool,
    close: async () => {
      await spool.close();
      await metadata.close();
      redis?.disconnect();
    },
  };
}

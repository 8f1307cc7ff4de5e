import path from 'node:path';
import { type MailConfig, mailConfigFrom, noMail } from './reports/mail-config.ts';

/**
 * The service's configuration, read once at start. This is the only module that reads
 * `process.env`; everything else receives a frozen `Config`.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Largest accepted request body on the public ingest endpoint. */
  readonly maxBodyBytes: number;
  /** Per client IP: burst and sustained windows (the spec's 60 per 10 s and 5,000 per hour). */
  readonly ingestLimits: readonly RateRule[];
  /** Addresses of the operator's own load balancers, whose X-Forwarded-For is believed. */
  readonly trustedProxyCidrs: readonly string[];
  /**
   * Per first-party proxy address (requests carrying a valid X-Zenovay-Proxy-Key): the proxy speaks
   * for many visitors, each limited by `ingestLimits`, so its own budget is far higher.
   */
  readonly proxyIngestLimits: readonly RateRule[];
  /** Events waiting for the writer; beyond this new requests get 503 + Retry-After. */
  readonly writerMaxQueue: number;
  /** Most events one commit takes. */
  readonly writerMaxBatch: number;
  /** How long an `event_id` is remembered for deduplication. */
  readonly dedupeWindowMs: number;
  /**
   * Most bytes of accepted events the append log holds before they are loaded into the store
   * (`ZENOVAY_LOG_CAP_MB`); beyond it ingest answers 503 `LOG_FULL` + Retry-After.
   */
  readonly logCapBytes: number;
  /** How often refusal counters are written to the store. */
  readonly refusalFlushIntervalMs: number;
  /** REST API (`/api/external/v1`): requests per key per minute, separate from the ingest limits. */
  readonly apiRateLimitPerMinute: number;
  /** REST API: requests per key per calendar month (UTC), counted across restarts and nodes. */
  readonly apiMonthlyLimit: number;
  /** Batch ingest (`POST /api/v1/events`): requests per API key, far above the per-IP limits. */
  readonly batchIngestLimits: readonly RateRule[];
  /**
   * Heartbeats (`POST /e/heartbeat/{code}`) per client address: a budget of their own, so a
   * reading visitor never spends the event limit, and a flood is still bounded (docs/engagement.md).
   */
  readonly heartbeatLimits: readonly RateRule[];
  /** Largest batch request body (up to 1,000 events). */
  readonly batchMaxBodyBytes: number;
  /** How far in the past a batch event's `timestamp` may lie. */
  readonly batchMaxPastMs: number;
  /**
   * Data retention in whole UTC days: events and refusal counters older than this are deleted by
   * a background job (store/retention.ts). 0 keeps everything forever.
   */
  readonly retentionDays: number;
  /**
   * Nice value for every thread but the event loop's (`ZENOVAY_BACKGROUND_NICE`, 0–19, 0 leaves
   * them alone): dashboard queries yield the CPU to requests (thread-priority.ts).
   */
  readonly backgroundNice: number;
  /**
   * Embedded mode: whether the loader maintains the visit rollup (`ZENOVAY_VISIT_ROLLUP`, `on` or
   * `off`). Off, visits are rebuilt from events by every read (exact, slower) and the rollup is
   * dropped; turned on again it is rebuilt from the events at start. For comparisons
   * (`npm run bench:ingest`) and as a way out; ClickHouse always maintains its rollup.
   */
  readonly visitRollup: boolean;
  readonly logLevel: LogLevel;
  /** Scale-out (see docs/scale-out.md): all null runs the embedded default. */
  readonly scale: ScaleConfig;
  /** Outgoing mail for email reports (reports/mail-config.ts); all null: no mail. */
  readonly mail: MailConfig;
}

export interface ScaleConfig {
  /** `ZENOVAY_CLICKHOUSE_URL`: events in ClickHouse, loaded from the append log. Comma-separated shards. */
  readonly clickhouseUrl: string | null;
  /** `DATABASE_URL`: sites, keys, salts and refusal counters in PostgreSQL. */
  readonly databaseUrl: string | null;
  /** `REDIS_URL`: rate limits and the idempotency window shared by all nodes. */
  readonly redisUrl: string | null;
}

export interface RateRule {
  readonly limit: number;
  readonly windowMs: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const HOUR_MS = 3_600_000;

export const defaultConfig: Config = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  dataDir: path.resolve('data'),
  maxBodyBytes: 32 * 1024,
  ingestLimits: Object.freeze([
    { limit: 60, windowMs: 10_000 },
    { limit: 5_000, windowMs: HOUR_MS },
  ]),
  trustedProxyCidrs: Object.freeze([]),
  proxyIngestLimits: Object.freeze([
    { limit: 6_000, windowMs: 10_000 },
    { limit: 500_000, windowMs: HOUR_MS },
  ]),
  writerMaxQueue: 20_000,
  writerMaxBatch: 5_000,
  dedupeWindowMs: 48 * HOUR_MS,
  logCapBytes: 1_073_741_824,
  refusalFlushIntervalMs: 5_000,
  apiRateLimitPerMinute: 60,
  apiMonthlyLimit: 100_000,
  batchIngestLimits: Object.freeze([
    { limit: 100, windowMs: 10_000 },
    { limit: 20_000, windowMs: HOUR_MS },
  ]),
  heartbeatLimits: Object.freeze([
    { limit: 120, windowMs: 10_000 },
    { limit: 20_000, windowMs: HOUR_MS },
  ]),
  batchMaxBodyBytes: 5 * 1_048_576,
  batchMaxPastMs: 24 * HOUR_MS,
  retentionDays: 0,
  backgroundNice: 10,
  visitRollup: true,
  logLevel: 'info',
  scale: Object.freeze({
    clickhouseUrl: null,
    databaseUrl: null,
    redisUrl: null,
  }),
  mail: noMail,
});

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the config from environment variables; throws a readable error on a bad value. */
export function loadConfig(env: Env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    port: intFrom(env, 'PORT', defaultConfig.port, 0, 65_535),
    host: env.HOST || defaultConfig.host,
    dataDir: path.resolve(env.ZENOVAY_DATA_DIR || 'data'),
    maxBodyBytes: intFrom(env, 'ZENOVAY_MAX_BODY_BYTES', defaultConfig.maxBodyBytes, 1_024, 1_048_576),
    ingestLimits: [
      {
        limit: intFrom(env, 'ZENOVAY_RATE_BURST_LIMIT', 60, 1, 1e9),
        windowMs: intFrom(env, 'ZENOVAY_RATE_BURST_WINDOW_MS', 10_000, 1, 86_400_000),
      },
      {
        limit: intFrom(env, 'ZENOVAY_RATE_SUSTAINED_LIMIT', 5_000, 1, 1e9),
        windowMs: intFrom(env, 'ZENOVAY_RATE_SUSTAINED_WINDOW_MS', HOUR_MS, 1, 86_400_000),
      },
    ],
    trustedProxyCidrs: listFrom(env, 'ZENOVAY_TRUSTED_PROXIES'),
    proxyIngestLimits: [
      { limit: intFrom(env, 'ZENOVAY_PROXY_RATE_BURST_LIMIT', 6_000, 1, 1e9), windowMs: 10_000 },
      { limit: intFrom(env, 'ZENOVAY_PROXY_RATE_SUSTAINED_LIMIT', 500_000, 1, 1e9), windowMs: HOUR_MS },
    ],
    writerMaxQueue: intFrom(env, 'ZENOVAY_WRITER_MAX_QUEUE', defaultConfig.writerMaxQueue, 1, 10_000_000),
    writerMaxBatch: intFrom(env, 'ZENOVAY_WRITER_MAX_BATCH', defaultConfig.writerMaxBatch, 1, 1_000_000),
    dedupeWindowMs: intFrom(env, 'ZENOVAY_DEDUPE_WINDOW_HOURS', 48, 48, 24 * 365) * HOUR_MS,
    // ZENOVAY_SPOOL_CAP_MB: its name when only scale-out had a log (the "spool").
    logCapBytes:
      intFrom(
        env,
        env.ZENOVAY_LOG_CAP_MB ? 'ZENOVAY_LOG_CAP_MB' : 'ZENOVAY_SPOOL_CAP_MB',
        1_024,
        1,
        1_048_576,
      ) * 1_048_576,
    refusalFlushIntervalMs: defaultConfig.refusalFlushIntervalMs,
    apiRateLimitPerMinute: intFrom(env, 'ZENOVAY_API_RATE_LIMIT', 60, 1, 1e9),
    apiMonthlyLimit: intFrom(env, 'ZENOVAY_API_MONTHLY_LIMIT', 100_000, 1, 1e12),
    batchIngestLimits: [
      { limit: intFrom(env, 'ZENOVAY_BATCH_RATE_BURST_LIMIT', 100, 1, 1e9), windowMs: 10_000 },
      { limit: intFrom(env, 'ZENOVAY_BATCH_RATE_SUSTAINED_LIMIT', 20_000, 1, 1e9), windowMs: HOUR_MS },
    ],
    heartbeatLimits: [
      { limit: intFrom(env, 'ZENOVAY_HEARTBEAT_RATE_BURST_LIMIT', 120, 1, 1e9), windowMs: 10_000 },
      { limit: intFrom(env, 'ZENOVAY_HEARTBEAT_RATE_SUSTAINED_LIMIT', 20_000, 1, 1e9), windowMs: HOUR_MS },
    ],
    batchMaxBodyBytes: intFrom(env, 'ZENOVAY_BATCH_MAX_BODY_BYTES', 5 * 1_048_576, 1_024, 64 * 1_048_576),
    batchMaxPastMs: intFrom(env, 'ZENOVAY_BATCH_MAX_PAST_HOURS', 24, 0, 47) * HOUR_MS,
    retentionDays: intFrom(env, 'ZENOVAY_RETENTION_DAYS', 0, 0, 36_500),
    backgroundNice: intFrom(env, 'ZENOVAY_BACKGROUND_NICE', defaultConfig.backgroundNice, 0, 19),
    visitRollup: switchFrom(env, 'ZENOVAY_VISIT_ROLLUP', defaultConfig.visitRollup),
    logLevel: logLevelFrom(env.ZENOVAY_LOG_LEVEL),
    scale: scaleFrom(env),
    mail: mailConfigFrom(env),
    ...overrides,
  };
  return Object.freeze(config);
}

function intFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function switchFrom(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be on or off, got "${raw}"`);
}

function listFrom(env: Env, name: string): string[] {
  const raw = env[name];
  if (!raw) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Supported: none (embedded), ClickHouse + PostgreSQL (one node), or all three (many nodes). */
function scaleFrom(env: Env): ScaleConfig {
  const clickhouseUrl = env.ZENOVAY_CLICKHOUSE_URL || null;
  const databaseUrl = env.DATABASE_URL || null;
  const redisUrl = env.REDIS_URL || null;
  if ((clickhouseUrl === null) !== (databaseUrl === null) || (redisUrl !== null && clickhouseUrl === null)) {
    throw new Error(
      'scale-out needs ZENOVAY_CLICKHOUSE_URL and DATABASE_URL together (and REDIS_URL for several nodes); set none of them for the embedded mode',
    );
  }
  return Object.freeze({ clickhouseUrl, databaseUrl, redisUrl });
}

function logLevelFrom(raw: string | undefined): LogLevel {
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
  if (raw === undefined || raw === '') return defaultConfig.logLevel;
  if ((levels as string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`ZENOVAY_LOG_LEVEL must be one of ${levels.join(', ')}, got "${raw}"`);
}

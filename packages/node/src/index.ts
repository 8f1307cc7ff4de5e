export { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff.js';
export { isBot } from './bot.js';
export { publicIngestLimits, type RateRule } from './budget.js';
export { createClient, serverDefaults, type ZenovayClient } from './client.js';
export { checkHeartbeat, type HeartbeatOptions, type HeartbeatResult } from './heartbeat.js';
export { createProxyHandler, type ProxyHandler } from './proxy/create-proxy-handler.js';
export type { ProxyHandlerOptions } from './proxy/types.js';
export { parseRetryAfter } from './retry-after.js';
export type {
  ClientErrorCode,
  ClientOptions,
  FieldError,
  Revenue,
  ServerDefaults,
  ShutdownResult,
  Timing,
  TrackEventOptions,
  TrackPageviewOptions,
  TrackResult,
  ZenovayError,
} from './types.js';
export { uuidv7 } from './uuidv7.js';
export { sdkVersion } from './version.js';

import type { BackoffOptions } from './backoff.js';
import type { RateRule } from './budget.js';

/** What every tracking call resolves to. It never rejects. */
export interface TrackResult {
  /** True when the server acknowledged the event (it is stored, or was already stored). */
  readonly ok: boolean;
  /** HTTP status of the final answer; 0 when no answer came (network, queue full, shutdown). */
  readonly status: number;
  /** Why it failed: a server code such as `VALIDATION_ERROR`, or a client code (see `ClientErrorCode`). */
  readonly code?: string;
  /** The server already had an event with this `eventId` (a redelivered webhook, a retried send). */
  readonly duplicate?: boolean;
  /** The event's idempotency key: yours, or the UUIDv7 the client gave it. */
  readonly eventId: string;
  /**
   * With `VALIDATION_ERROR`: every offending field and why, exactly as the server lists them
   * (`[{field: 'revenue.amount', reason: 'must not be negative'}]`), or as the client found them
   * before sending (then `status` is 0 and nothing was sent).
   */
  readonly fields?: readonly FieldError[];
}

/** One offending field of a refused event, as the server's `error.fields` names it. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

/** Money attached to an event: exact, in its own currency (converted when stats are read). */
export interface Revenue {
  /** ≥ 0, at most 4 decimals, below 10^12. A decimal string (`"19.99"`) is read exactly. */
  amount: number | string;
  /** ISO 4217 code, any case (`"EUR"`, `"usd"`). */
  currency: string;
}

/** Codes the client itself produces, besides the server's own codes. */
export type ClientErrorCode =
  | 'QUEUE_FULL'
  | 'CLIENT_CLOSED'
  | 'SHUTDOWN_TIMEOUT'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'INVALID_EVENT'
  | 'PAYLOAD_TOO_LARGE';

/** Passed to `onError` once per event that failed for good. */
export interface ZenovayError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly eventId: string;
  /** How many times it was sent. */
  readonly attempts: number;
  /** With `VALIDATION_ERROR`: the offending fields (see `TrackResult.fields`). */
  readonly fields?: readonly FieldError[];
}

/** The device fields the ingest contract requires; a server has no browser to fill them in. */
export interface ServerDefaults {
  device_type: string;
  browser: string;
  os: string;
  user_agent: string;
}

export interface ClientOptions {
  /** The site's tracking code (the `data-tracking-code` of its snippet). */
  trackingCode: string;
  /** Base URL of your Zenovay server, e.g. `https://analytics.example.com`. */
  host: string;
  /**
   * An API key with the `ingest` scope. With it, events are batched to `POST /api/v1/events`;
   * without it, each event is posted to the public `POST /e/{trackingCode}`.
   */
  apiKey?: string;
  /** Overrides of the device fields sent with every event. */
  defaults?: Partial<ServerDefaults>;
  /** Most events held (queued, waiting to retry or in flight). Beyond it: `QUEUE_FULL`. Default 100,000 (a few hundred bytes each). */
  maxQueueSize?: number;
  /** Requests in flight at once. Default 4 (single events) or 2 (batches). */
  concurrency?: number;
  /**
   * Retries per event after the first try. Default 15 (with backoff, about 4 minutes). Answers
   * with `Retry-After` (the server pacing the client) do not count: the server sets that wait.
   */
  maxRetries?: number;
  /** Exponential backoff with jitter between retries. Default base 200 ms, cap 30 s. */
  backoff?: BackoffOptions;
  /** The longest `Retry-After` obeyed as given; longer ones are shortened to this. Default 1 hour. */
  maxRetryAfterMs?: number;
  /** Per request. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Client-side request budget for the public endpoint; default the server's per-IP limits
   * (60 per 10 s, 5,000 per hour). Set it to what your server is configured with, or `false`.
   */
  rateLimit?: readonly RateRule[] | false;
  /** Batch transport: events per request (1 to 1,000). Default 100. */
  batchSize?: number;
  /** Batch transport: largest request body. Default 512 KiB; halved automatically on a 413. */
  maxBatchBytes?: number;
  /** Batch transport: a partial batch is sent after waiting this long. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Send pending events when the process is about to exit naturally (`beforeExit`). Default true. */
  flushOnExit?: boolean;
  /** Called once for each event that failed for good. Exceptions it throws are swallowed. */
  onError?: (error: ZenovayError) => void;
  /** Log retries and failures: `true` for `console.error`, or your own function. */
  debug?: boolean | ((message: string) => void);
  /** Send with this `fetch` (e.g. one with a proxy agent) instead of node:http(s) keep-alive requests. */
  fetch?: typeof fetch;
  /** Time source and delay, for tests that move time instead of waiting. */
  timing?: Timing;
}

export interface Timing {
  now(): number;
  /** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface TrackEventOptions {
  url: string;
  sessionId: string;
  visitorId?: string;
  referrer?: string;
  properties?: Record<string, string | number | boolean>;
  /**
   * Revenue of this event (a purchase, a paid goal). Checked before sending like the server
   * checks it: an invalid one resolves to `VALIDATION_ERROR` naming `revenue.amount` /
   * `revenue.currency`, and nothing is sent. The contract's `properties: {value, currency}` is
   * revenue too (checked the same way, as `properties.value` / `properties.currency`).
   */
  revenue?: Revenue;
  /**
   * Your id for the person (1–256 characters), like the tracker's `identify`: the server turns it
   * into this site's visitor id (hashed per site; the raw id is never stored), so the person's
   * events count as one visitor across devices and sessions.
   */
  userId?: string;
  /** Idempotency key; a second event with the same id is stored once. Default: a new UUIDv7. */
  eventId?: string;
  /** The end user's agent, when you forward a real request; default `defaults.user_agent`. */
  userAgent?: string;
  /** Batch transport only: the end user's IP, for location and visitor hash (never stored). */
  clientIp?: string;
  /** Batch transport only: when it happened (Date, ISO string or epoch ms), within the server's past window. */
  timestamp?: Date | string | number;
}

export type TrackPageviewOptions = Omit<TrackEventOptions, 'properties' | 'revenue'>;

export interface ShutdownResult {
  /** Events that were still pending when the timeout struck (each resolved `SHUTDOWN_TIMEOUT`). */
  readonly undelivered: number;
}

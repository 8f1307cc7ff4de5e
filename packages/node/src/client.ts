import { defaultBackoff } from './backoff.js';
import { publicIngestLimits } from './budget.js';
import { Delivery } from './delivery.js';
import { checkEvent } from './event-checks.js';
import { createHeartbeatSender, type HeartbeatOptions, type HeartbeatResult } from './heartbeat.js';
import { TrackPromise } from './track-promise.js';
import type { Transport } from './transport.js';
import { createBatchTransport } from './transport-batch.js';
import { createSingleTransport } from './transport-single.js';
import type {
  ClientOptions,
  FieldError,
  ServerDefaults,
  ShutdownResult,
  Timing,
  TrackEventOptions,
  TrackPageviewOptions,
  TrackResult,
  ZenovayError,
} from './types.js';
import { uuidv7 } from './uuidv7.js';
import { sdkVersion } from './version.js';

export interface ZenovayClient {
  /**
   * A custom event (`event_type: "custom"`), like the spec's `trackEvent`. Never rejects. The
   * promise is a `TrackPromise`: the native one is made only if you await the result.
   */
  trackEvent(name: string, options: TrackEventOptions): Promise<TrackResult>;
  /** A pageview, like the spec's `trackPageview`. Never rejects. */
  trackPageview(options: TrackPageviewOptions): Promise<TrackResult>;
  /**
   * A pageview's engagement so far (cumulative engaged ms, deepest scroll): see `HeartbeatOptions`.
   * Sent at once to `POST /e/heartbeat/{trackingCode}` (also with an `apiKey`: batch ingest takes
   * events only), retried a few times when the server is busy. Never rejects.
   */
  heartbeat(options: HeartbeatOptions): Promise<HeartbeatResult>;
  /** Resolves when every event tracked so far is acknowledged or has failed for good. */
  flush(): Promise<void>;
  /** Stops taking events, delivers what is pending, and gives up after `timeoutMs` (default 10 s). */
  shutdown(options?: { timeoutMs?: number }): Promise<ShutdownResult>;
  /** Events not yet settled. */
  readonly pending: number;
}

/** The device fields sent when you do not override them; the agent passes the server's bot filter. */
export function serverDefaults(): ServerDefaults {
  return { device_type: 'server', browser: 'server', os: osName(), user_agent: `Zenovay-Node/${sdkVersion}` };
}

const noProperties = Object.freeze({});

const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

export function createClient(options: ClientOptions): ZenovayClient {
  const timing = options.timing ?? realTiming;
  const log = logger(options.debug);
  const defaults: ServerDefaults = { ...serverDefaults(), ...options.defaults };
  const batched = typeof options.apiKey === 'string' && options.apiKey !== '';
  // The device fields are the same for nearly every event: one shared tail, added when sent.
  const defaultTail = deviceFields(defaults, defaults.user_agent);
  const maxQueueSize = options.maxQueueSize ?? 100_000;
  const delivery = new Delivery({
    transport: transportFor(options, batched, timing),
    timing,
    maxRetries: options.maxRetries ?? 15,
    backoff: options.backoff ?? defaultBackoff,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 3_600_000,
    defaultTail,
    log,
    onFailure: (result, attempts, message) => {
      log?.(`event ${result.eventId} failed: ${result.code} ${message}`);
      report(options.onError, {
        code: result.code ?? 'UNKNOWN',
        status: result.status,
        message,
        eventId: result.eventId,
        attempts,
        ...(result.fields ? { fields: result.fields } : {}),
      });
    },
  });
  let closing: Promise<ShutdownResult> | null = null;
  const sendHeartbeat = createHeartbeatSender({
    host: (options.host ?? '').replace(/\/+$/, ''),
    trackingCode: options.trackingCode,
    defaults,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    backoff: options.backoff ?? defaultBackoff,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 3_600_000,
    fetch: options.fetch,
    timing,
  });

  const refuse = (
    eventId: string,
    code: string,
    message: string,
    fields?: readonly FieldError[],
  ): Promise<TrackResult> => {
    log?.(`event ${eventId} refused: ${code} ${message}`);
    const extra = fields ? { fields } : {};
    report(options.onError, { code, status: 0, message, eventId, attempts: 0, ...extra });
    return Promise.resolve({ ok: false, status: 0, code, eventId, ...extra });
  };

  const track = (
    type: 'custom' | 'pageview',
    name: string | undefined,
    opts: TrackEventOptions,
  ): Promise<TrackResult> => {
    // Everything, even reading the caller's options, stays inside the never-throw promise.
    let eventId = '';
    try {
      eventId = opts.eventId ?? uuidv7(timing.now());
      if (closing) return refuse(eventId, 'CLIENT_CLOSED', 'the client is shut down');
      if (delivery.size >= maxQueueSize) {
        return refuse(eventId, 'QUEUE_FULL', `${maxQueueSize} events are already pending`);
      }
      const revenue = type === 'custom' ? opts.revenue : undefined;
      const properties = type === 'custom' ? (opts.properties ?? noProperties) : undefined;
      const invalid = checkEvent(revenue, properties, opts.userId);
      if (invalid.length > 0) {
        const message = `invalid event: ${invalid.map((item) => `${item.field} ${item.reason}`).join('; ')}`;
        return refuse(eventId, 'VALIDATION_ERROR', message, invalid);
      }
      if (!batched && (opts.clientIp !== undefined || opts.timestamp !== undefined)) {
        log?.('clientIp and timestamp need an apiKey (batch transport); the public endpoint ignores them');
      }
      // One object, serialised once (JSON.stringify leaves out the undefined fields) and packed
      // into the delivery's current block as bytes. `event_id` goes first: `eventIdOf` reads it back.
      const json = JSON.stringify({
        event_id: eventId,
        event_type: type,
        event_name: name,
        url: opts.url,
        referrer: type === 'pageview' ? (opts.referrer ?? '') : opts.referrer,
        session_id: opts.sessionId,
        visitor_id: opts.visitorId,
        properties,
        revenue: revenue ?? undefined,
        user_id: opts.userId ?? undefined,
        client_ip: batched ? opts.clientIp : undefined,
        timestamp: batched && opts.timestamp !== undefined ? toIso(opts.timestamp) : undefined,
      });
      const tail = opts.userAgent === undefined ? undefined : deviceFields(defaults, opts.userAgent);
      const block = delivery.add(json, tail);
      return new TrackPromise(block, block.count - 1, String(eventId));
    } catch (error) {
      return refuse(eventId, 'INVALID_EVENT', error instanceof Error ? error.message : String(error));
    }
  };

  const onBeforeExit = () => {
    if (delivery.size > 0) void delivery.flush();
  };
  if (options.flushOnExit !== false) process.on('beforeExit', onBeforeExit);

  return {
    trackEvent: (name, opts) => track('custom', name, opts),
    trackPageview: (opts) => track('pageview', undefined, opts),
    heartbeat: (opts) =>
      closing
        ? Promise.resolve({ ok: false, status: 0, code: 'CLIENT_CLOSED' })
        : sendHeartbeat(opts).then((result) => {
            if (!result.ok) log?.(`heartbeat failed: ${result.code}`);
            return result;
          }),
    flush: () => delivery.flush(),
    shutdown({ timeoutMs = 10_000 } = {}) {
      closing ??= (async () => {
        process.removeListener('beforeExit', onBeforeExit);
        const drained = delivery.flush().then(() => true);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        });
        const clean = await Promise.race([drained, expired]);
        clearTimeout(timer);
        if (clean) {
          delivery.stop();
          return { undelivered: 0 };
        }
        const left = delivery.abandon(
          'SHUTDOWN_TIMEOUT',
          `not delivered within the ${timeoutMs} ms shutdown timeout`,
        );
        return { undelivered: left };
      })();
      return closing;
    },
    get pending() {
      return delivery.size;
    },
  };
}

/** `,"device_type":…,"user_agent":…}`: the bytes that complete an event's JSON. */
function deviceFields(defaults: ServerDefaults, userAgent: string): Buffer {
  const { device_type, browser, os } = defaults;
  const fields = JSON.stringify({ device_type, browser, os, user_agent: userAgent });
  return Buffer.from(`,${fields.slice(1)}`, 'utf8');
}

function transportFor(options: ClientOptions, batched: boolean, timing: Timing): Transport {
  const host = (options.host ?? '').replace(/\/+$/, '');
  const shared = {
    host,
    trackingCode: options.trackingCode,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    fetch: options.fetch,
    now: () => timing.now(),
  };
  if (batched) {
    return createBatchTransport({
      ...shared,
      apiKey: options.apiKey!,
      concurrency: options.concurrency ?? 2,
      batchSize: Math.min(1_000, Math.max(1, options.batchSize ?? 100)),
      maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
    });
  }
  return createSingleTransport({
    ...shared,
    concurrency: options.concurrency ?? 4,
    rateLimit: options.rateLimit ?? publicIngestLimits,
  });
}

function report(onError: ((error: ZenovayError) => void) | undefined, error: ZenovayError): void {
  if (!onError) return;
  try {
    onError(error);
  } catch {
    // a throwing hook must not break delivery of other events
  }
}

/** Undefined when logging is off: callers write `log?.(…)`, so no message is built for nothing. */
function logger(debug: ClientOptions['debug']): ((message: string) => void) | undefined {
  if (typeof debug === 'function') {
    return (message) => {
      try {
        debug(`[zenovay] ${message}`);
      } catch {
        // logging must never break delivery
      }
    };
  }
  if (debug === true) return (message) => console.error(`[zenovay] ${message}`);
  return undefined;
}

function toIso(value: Date | string | number): string {
  if (typeof value === 'string') return value;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function osName(): string {
  const names: Record<string, string> = {
    linux: 'Linux',
    darwin: 'macOS',
    win32: 'Windows',
    freebsd: 'FreeBSD',
  };
  return names[process.platform] ?? process.platform;
}

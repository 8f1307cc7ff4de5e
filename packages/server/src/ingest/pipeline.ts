import type { Clock } from '../clock.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { LogFullError } from '../event-log/append-log.ts';
import type { GeoReader } from '../geo/geo-reader.ts';
import type { Site } from '../store/types.ts';
import { type EventWriter, QueueFullError } from '../writer/event-writer.ts';
import { type BotClassifier, botRefusalMessage } from './bot-filter.ts';
import { boundedMemo } from './bounded-cache.ts';
import { enrichEvent } from './enrich.ts';
import type { RefusalCounter } from './refusal-counter.ts';
import type { SaltProvider } from './salt-provider.ts';
import {
  ServerSessions,
  serverAssignedSessionId,
  serverVisitPrefix,
  type VisitResolver,
} from './server-session.ts';
import { validateEvent } from './validate.ts';

export interface PipelineDeps {
  readonly clock: Clock;
  readonly geo: GeoReader;
  readonly salts: SaltProvider;
  readonly writer: EventWriter;
  /** Why the agent is refused as a bot, or null (ingest/bot-filter.ts). */
  readonly isBot: BotClassifier;
  readonly refusals: RefusalCounter;
  /** Visits for senders that send `session_id: "zv:auto-session"` (the browser tracker); shared with Redis. */
  readonly sessions?: VisitResolver;
}

/** What an authenticated sender (batch ingest) may add to an event beyond its body. */
export interface EventExtras {
  /** When it happened, already checked against the allowed window; default: now. */
  readonly timestampMs?: number;
  /** Problems with sender-specific fields (`client_ip`, `timestamp`), reported with the body's. */
  readonly fieldErrors?: readonly FieldError[];
}

export interface AcceptedEvent {
  readonly duplicate: boolean;
  /** Set when the server chose the visit id, so the sender can learn it. */
  readonly sessionId?: string;
}

/** Distinct user agents whose bot verdict is remembered (at most ~2 MB of agent strings). */
const agentVerdictsKept = 4_096;

/** Shared defaults, so the common call allocates nothing for them. */
const noExtras: EventExtras = Object.freeze({});
const noFieldErrors: readonly FieldError[] = Object.freeze([]);

/** Seconds a client should wait when the server is busy or the store is failing. */
export const busyRetryAfterSeconds = 1;

/**
 * The steps every event goes through once its site is known and the request is allowed:
 * validate -> bot filter -> enrich (geo, visitor id, URL parts) -> durable write. Each refusal is an
 * `ApiError` with a stable code, and is counted for the site. Shared by the public endpoint and
 * every other way events arrive, so there is one copy of the rules.
 */
export function createEventPipeline(deps: PipelineDeps) {
  const sessions: VisitResolver = deps.sessions ?? new ServerSessions();
  // The verdict depends on the agent string alone, and traffic repeats a few thousand agents:
  // remembering them skips the rule expressions on nearly every event.
  const isBot = boundedMemo(agentVerdictsKept, deps.isBot);
  return async function processEvent(
    site: Site,
    body: Record<string, unknown>,
    clientIp: string,
    extras: EventExtras = noExtras,
  ): Promise<AcceptedEvent> {
    try {
      const checked = validateEvent(body);
      const extraErrors = extras.fieldErrors ?? noFieldErrors;
      if (!checked.ok || extraErrors.length > 0) {
        throw new ApiError('VALIDATION_ERROR', [...(checked.ok ? [] : checked.fields), ...extraErrors]);
      }
      const bot = isBot(checked.event.userAgent);
      if (bot) throw new ApiError('BOT_DETECTED', undefined, undefined, botRefusalMessage(bot));
      const anonymous = checked.event.visitorId === null && checked.event.userId === null;
      const salt = anonymous ? (deps.salts.ready() ?? (await deps.salts.current())) : '';
      const row = enrichEvent(checked.event, {
        siteId: site.id,
        clientIp,
        nowMs: extras.timestampMs ?? deps.clock.now(),
        salt,
        geo: deps.geo,
      });
      if (anonymous && row.sessionId.startsWith(serverVisitPrefix)) {
        row.visitorId = sessions.visitorOf?.(site.id, row.sessionId, row.ts) ?? row.visitorId;
      }
      if (row.sessionId !== serverAssignedSessionId) return await deps.writer.write(row);
      row.sessionId = await sessions.resolve(site.id, row.visitorId, row.ts);
      const outcome = await deps.writer.write(row);
      return { duplicate: outcome.duplicate, sessionId: row.sessionId };
    } catch (error) {
      const refusal = asApiError(error);
      deps.refusals.count(site.id, refusal.code);
      throw refusal;
    }
  };
}

export type ProcessEvent = ReturnType<typeof createEventPipeline>;

/** A pipeline failure as the refusal the sender gets (shared with the heartbeat pipeline). */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const retryAfter = { 'Retry-After': String(busyRetryAfterSeconds) };
  if (error instanceof QueueFullError) return new ApiError('SERVER_BUSY', undefined, retryAfter);
  if (error instanceof LogFullError) return new ApiError('LOG_FULL', undefined, retryAfter);
  return new ApiError('STORE_UNAVAILABLE', undefined, retryAfter);
}

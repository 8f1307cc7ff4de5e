import type { FastifyInstance } from 'fastify';
import ipaddr from 'ipaddr.js';
import { apiKeyGuard, decorateApiKey } from '../../auth/api-key-guard.ts';
import { ApiKeyService, canSeeSite } from '../../auth/key-service.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { hasCalendarDayPrefix } from '../../dates/calendar-day.ts';
import { ApiError, type FieldError } from '../../errors.ts';
import type { EventExtras, ProcessEvent } from '../../ingest/pipeline.ts';
import { MemoryRateLimiter, type RateLimiter } from '../../limits/rate-limiter.ts';
import type { SiteDirectory } from '../../sites/site-directory.ts';
import type { MetadataStore } from '../../store/types.ts';
import { createClientIpResolver, normalizeIp } from '../client-ip.ts';

/** Most events one batch request may carry. */
export const batchMaxEvents = 1_000;

/** A batch event's `timestamp` may run this far ahead of the server clock (sender clock skew). */
const maxFutureSkewMs = 5 * 60_000;

export interface BatchIngestDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly sites: SiteDirectory;
  readonly metadata: MetadataStore;
  readonly processEvent: ProcessEvent;
  /** Per API key; by default in memory with `config.batchIngestLimits`. */
  readonly batchLimiter?: RateLimiter;
}

/** One entry of the per-event result list; `index` is the event's position in the request. */
export interface BatchEventResult {
  index: number;
  ok: boolean;
  code: string | null;
  duplicate: boolean;
  /** The status `/e/{code}` would have answered for this event alone. */
  status: number;
  message?: string;
  fields?: FieldError[];
}

/**
 * `POST /api/v1/events`: authenticated batch ingest for backends. An API key with the `ingest`
 * permission for the site sends up to 1,000 events in the `/e/{code}` shape, each through the same
 * pipeline as the public endpoint, and gets one result per event, so one bad event never sinks the
 * batch. Because the sender is authenticated, an event may carry the end user's `client_ip` (used
 * for location and the visitor hash, then dropped) and a past `timestamp`.
 */
export function registerBatchIngestRoute(app: FastifyInstance, deps: BatchIngestDeps): void {
  decorateApiKey(app);
  const limiter = deps.batchLimiter ?? new MemoryRateLimiter(deps.config.batchIngestLimits);
  const guard = apiKeyGuard(
    { keys: new ApiKeyService(deps.metadata, deps.clock), limiter, clock: deps.clock },
    'ingest',
  );
  const connectingIp = createClientIpResolver(deps.config.trustedProxyCidrs);

  app.post(
    '/api/v1/events',
    { onRequest: guard, bodyLimit: deps.config.batchMaxBodyBytes },
    async (request, reply) => {
      const { trackingCode, events } = readEnvelope(request.body);
      const site = deps.sites.byTrackingCode(trackingCode);
      if (!site) throw new ApiError('UNKNOWN_TRACKING_CODE');
      request.zvSite = site;
      if (!canSeeSite(request.zvApiKey!, site.id)) throw new ApiError('FORBIDDEN');
      const senderIp = connectingIp(request.socket.remoteAddress, request.headers['x-forwarded-for']);
      const nowMs = deps.clock.now();

      // All at once: the writer's group commit stores the whole batch in one or a few commits.
      const results = await Promise.all(
        events.map(async (event, index): Promise<BatchEventResult> => {
          try {
            if (event === null || typeof event !== 'object' || Array.isArray(event)) {
              throw new ApiError('NOT_AN_OBJECT');
            }
            const body = event as Record<string, unknown>;
            const { clientIp, extras } = readSenderFields(body, nowMs, deps.config.batchMaxPastMs);
            const accepted = await deps.processEvent(site, body, clientIp ?? senderIp, extras);
            return { index, ok: true, code: null, duplicate: accepted.duplicate, status: 202 };
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            const result: BatchEventResult = {
              index,
              ok: false,
              code: error.code,
              duplicate: false,
              status: error.status,
              message: error.message,
            };
            if (error.fields && error.fields.length > 0) result.fields = [...error.fields];
            return result;
          }
        }),
      );
      const accepted = results.filter((result) => result.ok).length;
      return reply.code(200).send({
        accepted,
        duplicates: results.filter((result) => result.duplicate).length,
        refused: results.length - accepted,
        results,
      });
    },
  );
}

function readEnvelope(body: unknown): { trackingCode: string; events: unknown[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('NOT_AN_OBJECT');
  const { tracking_code: trackingCode, events } = body as { tracking_code?: unknown; events?: unknown };
  const fields: FieldError[] = [];
  if (typeof trackingCode !== 'string' || trackingCode === '') {
    fields.push({ field: 'tracking_code', reason: 'is required: the tracking code of the site' });
  }
  if (!Array.isArray(events)) fields.push({ field: 'events', reason: 'must be an array of events' });
  else if (events.length === 0 || events.length > batchMaxEvents) {
    fields.push({ field: 'events', reason: `must hold 1 to ${batchMaxEvents} events` });
  }
  if (fields.length > 0) throw new ApiError('VALIDATION_ERROR', fields);
  return { trackingCode: trackingCode as string, events: events as unknown[] };
}

/** The fields only an authenticated sender may set; checked here, reported by the pipeline. */
function readSenderFields(
  body: Record<string, unknown>,
  nowMs: number,
  maxPastMs: number,
): { clientIp: string | null; extras: EventExtras } {
  const fieldErrors: FieldError[] = [];
  const rawIp = Object.hasOwn(body, 'client_ip') ? body.client_ip : undefined;
  let clientIp: string | null = null;
  if (rawIp !== undefined && rawIp !== null) {
    if (typeof rawIp === 'string' && ipaddr.isValid(rawIp.trim())) clientIp = normalizeIp(rawIp.trim());
    else fieldErrors.push({ field: 'client_ip', reason: 'must be an IPv4 or IPv6 address' });
  }
  const rawTimestamp = Object.hasOwn(body, 'timestamp') ? body.timestamp : undefined;
  let timestampMs: number | undefined;
  if (rawTimestamp !== undefined && rawTimestamp !== null) {
    // Date.parse rolls 2026-02-30 over to 2 March, so the day is checked first.
    const at =
      typeof rawTimestamp === 'number'
        ? rawTimestamp
        : typeof rawTimestamp === 'string' && hasCalendarDayPrefix(rawTimestamp)
          ? Date.parse(rawTimestamp)
          : Number.NaN;
    const hours = Math.round(maxPastMs / 3_600_000);
    if (!Number.isFinite(at)) {
      fieldErrors.push({ field: 'timestamp', reason: 'must be an ISO 8601 date-time or epoch milliseconds' });
    } else if (at < nowMs - maxPastMs || at > nowMs + maxFutureSkewMs) {
      fieldErrors.push({ field: 'timestamp', reason: `must lie within the last ${hours} hours` });
    } else timestampMs = Math.floor(at);
  }
  return { clientIp, extras: { timestampMs, fieldErrors } };
}

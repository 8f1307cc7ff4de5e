import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.ts';
import { ApiError } from '../../errors.ts';
import type { AcceptedEvent, ProcessEvent } from '../../ingest/pipeline.ts';
import type { RateDecision, RateLimiter } from '../../limits/rate-limiter.ts';
import type { SiteDirectory } from '../../sites/site-directory.ts';
import { type ClientIpResolver, rateLimitKey } from '../client-ip.ts';
import { originAllowed } from '../origin.ts';
import { sendApiError } from '../reply-error.ts';

export interface IngestRouteDeps {
  readonly sites: SiteDirectory;
  readonly clientIp: ClientIpResolver;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly processEvent: ProcessEvent;
  readonly countRefusal: (siteId: string, code: ApiError['code']) => void;
}

export const jsonType = 'application/json; charset=utf-8';
const acceptedBody = JSON.stringify({ ok: true, duplicate: false });
const acceptedDuplicateBody = JSON.stringify({ ok: true, duplicate: true });

interface IngestParams {
  trackingCode: string;
}

/**
 * `POST /e/{trackingCode}`: the public ingest endpoint shared by the browser tracker and servers.
 * Site, origin and rate limit are checked before the body is read, so refused traffic costs little.
 * CORS headers and the preflight answer are the whole `/e/` prefix's, in http/cors.ts.
 */
export function registerIngestRoutes(app: FastifyInstance, deps: IngestRouteDeps): void {
  const admit = async (request: FastifyRequest<{ Params: IngestParams }>, reply: FastifyReply) => {
    const site = deps.sites.byTrackingCode(request.params.trackingCode);
    if (!site) {
      deps.countRefusal('', 'UNKNOWN_TRACKING_CODE');
      return sendApiError(reply, new ApiError('UNKNOWN_TRACKING_CODE'));
    }
    request.zvSite = site;
    const origin = request.headers.origin;
    if (!originAllowed(site, origin)) {
      deps.countRefusal(site.id, 'ORIGIN_NOT_ALLOWED');
      return sendApiError(reply, new ApiError('ORIGIN_NOT_ALLOWED'));
    }
    // Already set when a valid first-party proxy key named the visitor (proxy/proxy-gate.ts).
    request.zvClientIp ||= deps.clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    return undefined;
  };

  // A GET pixel or a PUT is a sender's mistake worth naming, rather than "nothing at this path".
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/e/:trackingCode',
    handler: async (_request, reply) =>
      sendApiError(reply.header('Allow', 'POST, OPTIONS'), new ApiError('METHOD_NOT_ALLOWED')),
  });

  app.post<{ Params: IngestParams }>(
    '/e/:trackingCode',
    {
      onRequest: async (request, reply) => {
        await admit(request, reply);
        if (reply.sent) return reply;
        const decision = await deps.limiter.consume(rateLimitKey(request.zvClientIp), deps.clock.now());
        setRateHeaders(reply, decision);
        if (!decision.allowed) {
          deps.countRefusal(request.zvSite!.id, 'RATE_LIMIT_EXCEEDED');
          return sendApiError(reply, rateLimitRefusal(decision));
        }
        return undefined;
      },
    },
    async (request, reply) => {
      const body = eventObject(request.body);
      try {
        const accepted = await deps.processEvent(request.zvSite!, body, request.zvClientIp);
        return reply.code(202).type(jsonType).send(acceptedAnswer(accepted));
      } catch (error) {
        // The pipeline has counted its own refusals; send them without counting again.
        if (error instanceof ApiError) return sendApiError(reply, error);
        throw error;
      }
    },
  );
}

function setRateHeaders(reply: FastifyReply, decision: RateDecision): void {
  reply.header('X-RateLimit-Limit', String(decision.limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  reply.header('X-RateLimit-Reset', rateLimitReset(decision));
}

/*
 * The pieces below are shared with the node:http fast path (http/ingest-fast-path.ts), so both
 * ways into `POST /e/{code}` answer alike.
 */

/** `X-RateLimit-Reset`: whole seconds until the closest rule's window resets. */
export function rateLimitReset(decision: RateDecision): string {
  return String(Math.max(0, Math.ceil(decision.resetMs / 1000)));
}

export function rateLimitRefusal(decision: RateDecision): ApiError {
  const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  return new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter });
}

/** The parsed body as the pipeline takes it, or NOT_AN_OBJECT. */
export function eventObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('NOT_AN_OBJECT');
  return body as Record<string, unknown>;
}

/**
 * The 202's body. The common answers are constant: sent pre-serialised instead of stringifying an
 * object per request (this is the hottest path of the service).
 */
export function acceptedAnswer(accepted: AcceptedEvent): string {
  if (accepted.sessionId === undefined) return accepted.duplicate ? acceptedDuplicateBody : acceptedBody;
  return JSON.stringify({ ok: true, duplicate: accepted.duplicate, session_id: accepted.sessionId });
}

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.ts';
import { ApiError } from '../../errors.ts';
import type { ProcessHeartbeat } from '../../ingest/heartbeat-pipeline.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import type { SiteDirectory } from '../../sites/site-directory.ts';
import { type ClientIpResolver, rateLimitKey } from '../client-ip.ts';
import { originAllowed } from '../origin.ts';
import { sendApiError } from '../reply-error.ts';

export interface HeartbeatRouteDeps {
  readonly sites: SiteDirectory;
  readonly clientIp: ClientIpResolver;
  /** The heartbeat budget per client address (config `heartbeatLimits`), apart from the event one. */
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly processHeartbeat: ProcessHeartbeat;
  readonly countRefusal: (siteId: string, code: ApiError['code']) => void;
}

const acceptedBody = JSON.stringify({ ok: true });

interface HeartbeatParams {
  trackingCode: string;
}

/**
 * `POST /e/heartbeat/{trackingCode}` (issue 15, docs/engagement.md): a pageview's engaged time and
 * scroll depth so far. The ingest rules of `POST /e/{code}` in the same order — tracking code,
 * Origin, the rate limit (its own budget), then validation, bot filter and the durable write —
 * and the same refusal codes; `202 {"ok":true}` once the heartbeat is in the fsync'd log.
 */
export function registerHeartbeatRoute(app: FastifyInstance, deps: HeartbeatRouteDeps): void {
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/e/heartbeat/:trackingCode',
    handler: async (_request, reply) =>
      sendApiError(reply.header('Allow', 'POST, OPTIONS'), new ApiError('METHOD_NOT_ALLOWED')),
  });

  app.post<{ Params: HeartbeatParams }>(
    '/e/heartbeat/:trackingCode',
    {
      onRequest: async (request, reply) => {
        const site = deps.sites.byTrackingCode(request.params.trackingCode);
        if (!site) {
          deps.countRefusal('', 'UNKNOWN_TRACKING_CODE');
          return sendApiError(reply, new ApiError('UNKNOWN_TRACKING_CODE'));
        }
        request.zvSite = site;
        if (!originAllowed(site, request.headers.origin)) {
          deps.countRefusal(site.id, 'ORIGIN_NOT_ALLOWED');
          return sendApiError(reply, new ApiError('ORIGIN_NOT_ALLOWED'));
        }
        // Already set when a valid first-party proxy key named the visitor (proxy/proxy-gate.ts).
        request.zvClientIp ||= deps.clientIp(
          request.socket.remoteAddress,
          request.headers['x-forwarded-for'],
        );
        const decision = await deps.limiter.consume(rateLimitKey(request.zvClientIp), deps.clock.now());
        reply.header('X-RateLimit-Limit', String(decision.limit));
        reply.header('X-RateLimit-Remaining', String(decision.remaining));
        reply.header('X-RateLimit-Reset', String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
        if (!decision.allowed) {
          deps.countRefusal(site.id, 'RATE_LIMIT_EXCEEDED');
          const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
          return sendApiError(
            reply,
            new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter }),
          );
        }
        return undefined;
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new ApiError('NOT_AN_OBJECT');
      try {
        await deps.processHeartbeat(request.zvSite!, body as Record<string, unknown>, request.zvClientIp);
        return reply.code(202).type('application/json; charset=utf-8').send(acceptedBody);
      } catch (error) {
        // The pipeline has counted its own refusals; send them without counting again.
        if (error instanceof ApiError) return sendApiError(reply, error);
        throw error;
      }
    },
  );
}

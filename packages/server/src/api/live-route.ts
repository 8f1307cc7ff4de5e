import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError } from '../errors.ts';
import { sendApiError } from '../http/reply-error.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { type LiveCounter, liveCacheMs } from './live-counter.ts';

export interface LiveRouteDeps {
  readonly sites: SiteDirectory;
  readonly counter: LiveCounter;
  readonly clock: Clock;
}

/**
 * `GET /e/live/{trackingCode}` → `{"liveCount":n,"timestamp":…}`. Public like the tracking code
 * itself (a count reveals nobody), readable from any origin so a site can show it in a widget
 * (the CORS headers and preflight of the whole `/e/` prefix: http/cors.ts).
 */
export function registerLiveRoute(app: FastifyInstance, deps: LiveRouteDeps): void {
  app.get<{ Params: { trackingCode: string } }>('/e/live/:trackingCode', async (request, reply) => {
    const site = deps.sites.byTrackingCode(request.params.trackingCode);
    if (!site) return sendApiError(reply, new ApiError('UNKNOWN_TRACKING_CODE'));
    const liveCount = await deps.counter.count(site.id);
    reply.header('Cache-Control', `public, max-age=${liveCacheMs / 1000}`);
    return { liveCount, timestamp: new Date(deps.clock.now()).toISOString() };
  });
}

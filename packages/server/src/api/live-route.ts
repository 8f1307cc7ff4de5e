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
 * itself (a count reveals nobody), readable from any origin so a site can show it in a widget.
 */
export function registerLiveRoute(app: FastifyInstance, deps: LiveRouteDeps): void {
  app.options('/e/live/:trackingCode', async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Origin', '*')
      .header('Access-Control-Allow-Methods', 'GET, OPTIONS')
      .header('Access-Control-Max-Age', '86400')
      .send(),
  );

  app.get<{ Params: { trackingCode: string } }>('/e/live/:trackingCode', async (request, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
    const site = deps.sites.byTrackingCode(request.params.trackingCode);
    if (!site) return sendApiError(reply, new ApiError('UNKNOWN_TRACKING_CODE'));
    const liveCount = await deps.counter.count(site.id);
    reply.header('Cache-Control', `public, max-age=${liveCacheMs / 1000}`);
    return { liveCount, timestamp: new Date(deps.clock.now()).toISOString() };
  });
}

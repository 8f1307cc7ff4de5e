import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError, type ErrorCode } from '../errors.ts';
import { type ClientIpResolver, rateLimitKey } from '../http/client-ip.ts';
import { sendApiError } from '../http/reply-error.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { proxyKeyHeader } from './proxy-key.ts';
import type { ProxyKeyRegistry } from './proxy-key-registry.ts';
import { proxiedAddresses } from './visitor-address.ts';

export interface ProxyGateDeps {
  readonly keys: ProxyKeyRegistry;
  readonly sites: SiteDirectory;
  readonly clientIp: ClientIpResolver;
  /** Counts per proxy address, with `config.proxyIngestLimits`. */
  readonly proxyLimiter: RateLimiter;
  readonly clock: Clock;
  readonly log: Logger;
  readonly countRefusal: (siteId: string, code: ErrorCode) => void;
}

const ingestRoute = '/e/:trackingCode';
/** Heartbeats name the visitor the same way: their visit is the one of the pageview's address. */
const heartbeatRoute = '/e/heartbeat/:trackingCode';
const scriptRoute = '/z.js';

/**
 * First-party proxy requests: `/e/{code}` or `/z.js` carrying `X-Zenovay-Proxy-Key`. Runs before
 * the routes' own hooks. A key that is not active for the path's site is refused (401), never
 * ignored, so a misconfigured proxy shows at once instead of geolocating every visitor to itself.
 * With a valid key on `/e/`, the visitor's address (the hop the proxy added to X-Forwarded-For)
 * becomes the request's client address, so per-IP limits and geolocation apply to the visitor;
 * the proxy's own address spends from its own, higher budget. Requests without the header pass
 * untouched: the connecting address rules, as for everyone.
 */
export function installProxyGate(app: FastifyInstance, deps: ProxyGateDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    const presented = request.headers[proxyKeyHeader];
    if (presented === undefined) return;
    const route = request.routeOptions.url;
    if (route === ingestRoute || route === heartbeatRoute)
      return admitIngest(deps, request, reply, String(presented));
    if (route === scriptRoute) return admitScript(deps, request, reply, String(presented));
  });
}

async function admitIngest(
  deps: ProxyGateDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  presented: string,
): Promise<FastifyReply | undefined> {
  const code = (request.params as { trackingCode?: string }).trackingCode ?? '';
  const site = deps.sites.byTrackingCode(code);
  if (!site) return undefined; // the route answers UNKNOWN_TRACKING_CODE as usual
  const key = deps.keys.match(presented);
  if (key === undefined || key.siteId !== site.id) return refuse(deps, reply, site.id, 'INVALID_PROXY_KEY');
  const addresses = proxiedAddresses(
    deps.clientIp,
    request.socket.remoteAddress,
    request.headers['x-forwarded-for'],
  );
  if (!addresses) return refuse(deps, reply, site.id, 'INVALID_FORWARDED_FOR');
  if (request.method === 'POST') {
    const decision = await deps.proxyLimiter.consume(
      `proxy:${rateLimitKey(addresses.proxy)}`,
      deps.clock.now(),
    );
    if (!decision.allowed) {
      deps.log.warn('proxy rate limit reached', { site: site.id, key: key.prefix });
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      deps.countRefusal(site.id, 'RATE_LIMIT_EXCEEDED');
      return sendApiError(
        reply,
        new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter }),
      );
    }
  }
  // The ingest route takes this as the client address instead of resolving the connecting one.
  request.zvClientIp = addresses.visitor;
  return undefined;
}

/** The script is the same for every site: any active key is accepted, and it is always served. */
function admitScript(
  deps: ProxyGateDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  presented: string,
): FastifyReply | undefined {
  const key = deps.keys.match(presented);
  if (key === undefined) return refuse(deps, reply, '', 'INVALID_PROXY_KEY', false);
  deps.log.debug('script served through a proxy', {
    site: key.siteId,
    key: key.prefix,
    method: request.method,
  });
  return undefined;
}

function refuse(
  deps: ProxyGateDeps,
  reply: FastifyReply,
  siteId: string,
  code: ErrorCode,
  count = true,
): FastifyReply {
  if (count) deps.countRefusal(siteId, code);
  return sendApiError(reply, new ApiError(code));
}

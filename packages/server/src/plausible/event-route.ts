/**
 * `POST /api/event`: Plausible's Events API, so Plausible's tracker script and server libraries
 * work when pointed at this server. The site is found by `domain`; then the event goes through
 * the same checks as `POST /e/{code}`: Origin, the per-address rate limit, and the one pipeline
 * (validation, bot filter, geo, visitor hash, durable write) with the same refusal codes.
 * The visitor's address is the connection's, or X-Forwarded-For from a trusted proxy only
 * (http/client-ip.ts): never a header any sender can set.
 *
 * Answers: 202 with the text `ok` (Plausible's; an `engagement` event is acknowledged and not
 * stored, see below); refusals `{"error": sentence, "code": CODE}`
 * with our status for the code (a Plausible client reads neither; a person debugging reads both).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError, type ErrorCode } from '../errors.ts';
import { type ClientIpResolver, rateLimitKey } from '../http/client-ip.ts';
import { originAllowed } from '../http/origin.ts';
import type { ProcessEvent } from '../ingest/pipeline.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import { PlausibleError } from './errors.ts';
import { plausibleFieldName, plausiblePayload } from './event-body.ts';

export interface PlausibleEventDeps {
  readonly sites: SiteDirectory;
  readonly clientIp: ClientIpResolver;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly processEvent: ProcessEvent;
  readonly countRefusal: (siteId: string, code: ErrorCode) => void;
}

/** Sites one event may be recorded for (Plausible's comma-separated `domain`). */
const maxDomains = 10;

/** Set on an answer whose event was acknowledged but not stored, with why. */
export const droppedHeader = 'X-Zenovay-Dropped';

/** Our refusal as a Plausible-style one: the sentence names the payload's own field names. */
function asPlausible(error: ApiError): PlausibleError {
  const fields = error.fields ?? [];
  const sentence =
    fields.length > 0
      ? `${fields.map((f) => `${plausibleFieldName(f.field)}: ${f.reason}`).join('; ')}.`
      : error.message;
  return new PlausibleError(error.code, sentence, error.status, error.headers ?? {});
}

function allowCors(reply: FastifyReply): void {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header(
    'Access-Control-Expose-Headers',
    'Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
  );
}

export function registerPlausibleEventRoute(app: FastifyInstance, deps: PlausibleEventDeps): void {
  // The script posts text/plain cross-origin (no preflight); server libraries send JSON. Every
  // answer, refusals included, is readable by the page, as under /e/.
  app.addHook('onSend', (_request, reply, payload, done) => {
    allowCors(reply);
    done(null, payload);
  });
  app.options('/api/event', async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
      .header('Access-Control-Allow-Headers', 'Content-Type')
      .header('Access-Control-Max-Age', '86400')
      .send(),
  );

  app.post<{ Body: unknown }>('/api/event', async (request, reply) => {
    const raw = request.body;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new PlausibleError('NOT_AN_OBJECT', 'The request body must be one JSON object (the event).', 400);
    }
    const userAgent = request.headers['user-agent'] ?? '';
    const { domains, body } = plausiblePayload(raw as Record<string, unknown>, userAgent);
    const name = body.event_type === 'pageview' ? 'pageview' : body.event_name;
    if (typeof name !== 'string' || name === '') {
      throw new PlausibleError(
        'VALIDATION_ERROR',
        'name: is required (e.g. "pageview" or a custom event name).',
        400,
      );
    }
    if (domains.length > maxDomains) {
      throw new PlausibleError(
        'VALIDATION_ERROR',
        `domain: ${domains.length} domains listed; at most ${maxDomains} (one event is recorded per site).`,
        400,
      );
    }
    if (domains.length === 0) {
      throw new PlausibleError(
        'VALIDATION_ERROR',
        'domain: is required (the domain of a site on this server).',
        400,
      );
    }
    const sites = domains.map((domain) => deps.sites.byDomain(domain));
    const unknown = domains.find((_, i) => sites[i] === undefined);
    if (unknown !== undefined) {
      deps.countRefusal('', 'UNKNOWN_DOMAIN');
      throw new PlausibleError(
        'UNKNOWN_DOMAIN',
        `domain: no site has the domain ${JSON.stringify(unknown)}; add it first (zenovay sites add ${unknown}).`,
        404,
      );
    }
    // Plausible's script reports time on page and scroll depth as an `engagement` event when a
    // page is left. Stored as a custom event it would end every bounce; our engagement metrics
    // come from z.engagement.js heartbeats, so it is acknowledged and not stored.
    if (name === 'engagement') {
      return reply.code(202).header(droppedHeader, 'engagement').type('text/plain; charset=utf-8').send('ok');
    }
    const clientIp = deps.clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    for (const site of sites) {
      if (!site) continue;
      if (!originAllowed(site, request.headers.origin)) {
        deps.countRefusal(site.id, 'ORIGIN_NOT_ALLOWED');
        throw asPlausible(new ApiError('ORIGIN_NOT_ALLOWED'));
      }
    }
    const decision = await deps.limiter.consume(rateLimitKey(clientIp), deps.clock.now());
    if (!decision.allowed) {
      deps.countRefusal(sites[0]?.id ?? '', 'RATE_LIMIT_EXCEEDED');
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw asPlausible(new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter }));
    }
    try {
      // One event per named site, as Plausible records a roll-up domain list.
      for (const site of sites) if (site) await deps.processEvent(site, { ...body }, clientIp);
    } catch (error) {
      // The pipeline has counted its refusals.
      if (error instanceof ApiError) throw asPlausible(error);
      throw error;
    }
    return reply.code(202).type('text/plain; charset=utf-8').send('ok');
  });
}

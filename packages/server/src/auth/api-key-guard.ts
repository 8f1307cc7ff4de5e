import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError } from '../errors.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { ApiKeyRecord, ApiPermission } from '../store/types.ts';
import { presentedApiKey } from './credentials.ts';
import { type ApiKeyService, hasPermission } from './key-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated this request; set by the API key guard. */
    zvApiKey: ApiKeyRecord | null;
  }
}

export interface ApiKeyGuardDeps {
  readonly keys: ApiKeyService;
  /** Counts per key, separately from the per-address ingest limiter. */
  readonly limiter: RateLimiter;
  readonly clock: Clock;
}

/** Declares `request.zvApiKey` once per Fastify context that uses the guard. */
export function decorateApiKey(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('zvApiKey')) app.decorateRequest('zvApiKey', null);
}

/**
 * An `onRequest` hook: authenticate, then spend one unit of the key's rate limit, then check the
 * permission. Refusals are thrown as `ApiError`s so each context renders them in its own shape.
 * Authentication comes first on purpose: a request without a valid key spends nobody's limit,
 * so strangers cannot exhaust a customer's quota by sending a guessed prefix.
 */
export function apiKeyGuard(deps: ApiKeyGuardDeps, permission: ApiPermission) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = await deps.keys.authenticate(presentedApiKey(request.headers));
    if (key === null) throw new ApiError('UNAUTHORIZED', undefined, { 'WWW-Authenticate': 'Bearer' });
    request.zvApiKey = key;
    const decision = await deps.limiter.consume(`api-key:${key.prefix}`, deps.clock.now());
    reply.header('X-RateLimit-Limit', String(decision.limit));
    reply.header('X-RateLimit-Remaining', String(decision.remaining));
    reply.header('X-RateLimit-Reset', String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter });
    }
    if (!hasPermission(key, permission)) throw new ApiError('FORBIDDEN');
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError } from '../errors.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { ApiKeyRecord, ApiPermission } from '../store/types.ts';
import { presentedApiKey } from './credentials.ts';
import { type ApiKeyService, hasPermission } from './key-service.ts';
import type { MonthlyDecision, MonthlyQuota } from './monthly-quota.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated this request; set by the API key guard. */
    zvApiKey: ApiKeyRecord | null;
    /** The key's monthly quota after this request (GET /usage reports it); null where none applies. */
    zvMonthlyQuota: MonthlyDecision | null;
  }
}

export interface ApiKeyGuardDeps {
  readonly keys: ApiKeyService;
  /** Counts per key, separately from the per-address ingest limiter. */
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  /** Requests per key per calendar month (UTC); omitted where no monthly quota applies (batch ingest). */
  readonly monthly?: MonthlyQuota;
}

/** Declares `request.zvApiKey` and `request.zvMonthlyQuota` once per Fastify context that uses the guard. */
export function decorateApiKey(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('zvApiKey')) app.decorateRequest('zvApiKey', null);
  if (!app.hasRequestDecorator('zvMonthlyQuota')) app.decorateRequest('zvMonthlyQuota', null);
}

/**
 * An `onRequest` hook: authenticate, then spend one unit of the key's per-minute limit, then one of
 * its monthly quota (if any), then check the permission. Refusals are thrown as `ApiError`s so each
 * context renders them in its own shape. Authentication comes first on purpose: a request without a
 * valid key spends nobody's limit, so strangers cannot exhaust a customer's quota by sending a
 * guessed prefix. The per-minute limit comes before the monthly quota so a client hammering past
 * its per-minute limit does not burn its month.
 */
export function apiKeyGuard(deps: ApiKeyGuardDeps, permission: ApiPermission) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = await deps.keys.authenticate(presentedApiKey(request.headers));
    if (key === null) throw new ApiError('UNAUTHORIZED', undefined, { 'WWW-Authenticate': 'Bearer' });
    request.zvApiKey = key;
    const nowMs = deps.clock.now();
    const decision = await deps.limiter.consume(`api-key:${key.prefix}`, nowMs);
    reply.header('X-RateLimit-Limit', String(decision.limit));
    reply.header('X-RateLimit-Remaining', String(decision.remaining));
    reply.header('X-RateLimit-Reset', String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': retryAfter });
    }
    if (deps.monthly) await spendMonthly(deps.monthly, key.prefix, nowMs, request, reply);
    if (!hasPermission(key, permission)) throw new ApiError('FORBIDDEN');
  };
}

/** One request of the key's monthly quota; over it, 429 until the next calendar month (UTC). */
async function spendMonthly(
  quota: MonthlyQuota,
  prefix: string,
  nowMs: number,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const month = await quota.consume(prefix, nowMs);
  request.zvMonthlyQuota = month;
  const resetSeconds = String(Math.max(1, Math.ceil(month.resetMs / 1000)));
  reply.header('X-RateLimit-Monthly-Limit', String(month.limit));
  reply.header('X-RateLimit-Monthly-Remaining', String(month.remaining));
  reply.header('X-RateLimit-Monthly-Reset', resetSeconds);
  if (!month.allowed) throw new ApiError('RATE_LIMIT_EXCEEDED', undefined, { 'Retry-After': resetSeconds });
}

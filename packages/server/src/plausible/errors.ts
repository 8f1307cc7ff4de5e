/**
 * Refusals on the Plausible surface: Plausible's body `{"error": "<sentence>"}` and its statuses
 * (400 invalid query, 401 missing or invalid key or a site the key cannot read, 429 over the
 * limit). Our stable code travels in the `X-Zenovay-Error-Code` header, where a Plausible client
 * does not look and a person debugging does.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, type ErrorCode, errorRegistry } from '../errors.ts';
import type { Logger } from '../log.ts';
import { filterToWire } from '../stats/echo.ts';
import type { StatsFieldError, StatsQuery } from '../stats/types.ts';

export const errorCodeHeader = 'X-Zenovay-Error-Code';

/** A refusal with Plausible's sentence, and our code for the header and counters. */
export class PlausibleError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = errorRegistry[code].status,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const invalidKeyOrSite =
  "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.";
export const missingKey =
  'Missing API key. Please use a valid API key as a Bearer Token (Authorization: Bearer <key>).';

/** Plausible's sentence for one of our refusals (the guard's, the body parser's). */
function fromApiError(error: ApiError): PlausibleError {
  const headers = error.headers ?? {};
  switch (error.code) {
    case 'UNAUTHORIZED':
      return new PlausibleError(error.code, invalidKeyOrSite, 401, headers);
    case 'FORBIDDEN':
      return new PlausibleError(
        error.code,
        'This API key may not read stats (it lacks the read permission).',
        403,
        headers,
      );
    case 'RATE_LIMIT_EXCEEDED':
      return new PlausibleError(
        error.code,
        'Too many API requests with this key; retry after the time in Retry-After.',
        429,
        headers,
      );
    case 'INVALID_JSON':
    case 'NOT_AN_OBJECT':
      return new PlausibleError(error.code, 'Invalid request body: send one JSON object.', 400, headers);
    default:
      return new PlausibleError(error.code, error.message, error.status, headers);
  }
}

export function sendPlausibleError(
  reply: FastifyReply,
  error: PlausibleError,
  extra: Record<string, unknown> = {},
): FastifyReply {
  reply.headers(error.headers);
  return reply
    .code(error.status)
    .header(errorCodeHeader, error.code)
    .type('application/json; charset=utf-8')
    .send({ error: error.message, ...extra });
}

/** Every error of the context in Plausible's shape; `withCode` adds our code to the body too. */
export function installPlausibleErrors(app: FastifyInstance, log: Logger, withCode = false): void {
  const send = (reply: FastifyReply, error: PlausibleError) =>
    sendPlausibleError(reply, error, withCode ? { code: error.code } : {});
  app.setErrorHandler((raw: FastifyError | ApiError | PlausibleError, request, reply) => {
    if (raw instanceof PlausibleError) return send(reply, raw);
    if (raw instanceof ApiError) return send(reply, fromApiError(raw));
    if (raw.statusCode === 413) return send(reply, fromApiError(new ApiError('PAYLOAD_TOO_LARGE')));
    if (raw.statusCode === 415) return send(reply, fromApiError(new ApiError('UNSUPPORTED_MEDIA_TYPE')));
    if (raw.statusCode !== undefined && raw.statusCode >= 400 && raw.statusCode < 500) {
      return send(reply, fromApiError(new ApiError('INVALID_JSON')));
    }
    log.error('plausible api request failed', { error: raw.message, route: request.routeOptions.url });
    return send(
      reply,
      new PlausibleError('INTERNAL_ERROR', 'Internal server error; nothing was answered.', 500),
    );
  });
}

/** The value a field path names in the translated query (`metrics[1]`, `filters[0][2][0]`). */
function valueAt(query: StatsQuery, field: string): unknown {
  const wire: Record<string, unknown> = {
    metrics: query.metrics,
    dimensions: query.dimensions,
    filters: query.filters.map(filterToWire),
    order_by: query.orderBy.map((o) => [o.key, o.direction]),
    pagination: { limit: query.limit, offset: query.offset },
  };
  let value: unknown = wire;
  for (const part of field.match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value === wire ? undefined : value;
}

/** Our engine's findings as Plausible's one sentence: the first problem, its field and value. */
export function engineRefusal(query: StatsQuery, fields: readonly StatsFieldError[]): PlausibleError {
  const first = fields[0];
  if (!first) return new PlausibleError('VALIDATION_ERROR', 'Invalid query.', 400);
  const value = valueAt(query, first.field);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return new PlausibleError('VALIDATION_ERROR', `Invalid ${first.field}${shown}: ${first.reason}`, 400);
}

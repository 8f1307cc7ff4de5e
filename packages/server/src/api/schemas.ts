/**
 * JSON schemas of the REST API. The same objects validate requests (Fastify/Ajv), shape responses
 * (fast-json-stringify drops anything not listed) and become the OpenAPI document, so the three
 * cannot drift apart.
 */

export const analyticsRanges = ['24h', '7d', '30d', '90d', '1y'] as const;
export type AnalyticsRange = (typeof analyticsRanges)[number];

export const siteIdParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, description: 'The website id.' } },
} as const;

export const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    range: { type: 'string', enum: analyticsRanges, default: '30d', description: 'Period up to now.' },
  },
} as const;

export const isoDateTime = { type: 'string', format: 'date-time' } as const;
export const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

const errorEnvelope = {
  type: 'object',
  required: ['success', 'error'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, RATE_LIMIT_EXCEEDED, …',
        },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'reason'],
            properties: { field: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

const integerHeader = (description: string) => ({ type: 'integer', description });

/** Sent with every authenticated answer (success or refusal after authentication). */
export const rateLimitHeaders = {
  'X-RateLimit-Limit': integerHeader('Requests this key may make per window.'),
  'X-RateLimit-Remaining': integerHeader('Requests left in the current window.'),
  'X-RateLimit-Reset': integerHeader('Seconds until the window resets.'),
  'X-RateLimit-Monthly-Limit': integerHeader('Requests this key may make per calendar month (UTC).'),
  'X-RateLimit-Monthly-Remaining': integerHeader('Requests left this calendar month.'),
  'X-RateLimit-Monthly-Reset': integerHeader('Seconds until the next calendar month (UTC) begins.'),
  'x-request-id': { type: 'string', description: 'Identifies this request in the server log.' },
};

/** The success envelope around `data`, plus the error envelope for every refusal status. */
export function responses(data: object, description: string) {
  return {
    200: {
      description,
      headers: rateLimitHeaders,
      type: 'object',
      required: ['success', 'data', 'timestamp'],
      properties: { success: { type: 'boolean', enum: [true] }, data, timestamp: isoDateTime },
    },
    ...errorResponses,
  };
}

export const errorResponses = {
  400: { description: 'VALIDATION_ERROR: see error.fields', ...errorEnvelope },
  401: { description: 'UNAUTHORIZED: missing, malformed, unknown or revoked key', ...errorEnvelope },
  403: { description: 'FORBIDDEN: the key lacks the permission', ...errorEnvelope },
  404: { description: 'NOT_FOUND: no such website for this key', ...errorEnvelope },
  429: {
    description:
      'RATE_LIMIT_EXCEEDED: the per-minute limit or the monthly quota (X-RateLimit-Monthly-Remaining: 0) is spent; retry after Retry-After seconds',
    headers: { ...rateLimitHeaders, 'Retry-After': integerHeader('Seconds to wait before retrying.') },
    ...errorEnvelope,
  },
};

export const websiteSchema = {
  type: 'object',
  required: ['id', 'domain', 'name', 'tracking_code', 'timezone', 'created_at'],
  properties: {
    id: { type: 'string' },
    domain: { type: 'string' },
    name: { type: 'string' },
    tracking_code: { type: 'string' },
    timezone: { type: 'string' },
    created_at: isoDateTime,
  },
} as const;

export const dateRangeSchema = {
  type: 'object',
  required: ['start', 'end'],
  properties: { start: isoDate, end: isoDate },
} as const;

/** A list of `{<name>: string, visitors: number, …}` rows. */
export function breakdownRows(properties: Record<string, object>) {
  return {
    type: 'array',
    items: { type: 'object', required: Object.keys(properties), properties },
  } as const;
}

import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import { datePresets, metricNames, parseStatsQuery, StatsQueryError } from '../../stats/index.ts';
import type { Site } from '../../store/types.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { isoDate, responses } from '../schemas.ts';
import { visibleSites } from '../site-access.ts';

/**
 * The Plausible Stats API v2 request. Deliberately shallow: it documents the shape and stops
 * wrong types early, while `parseStatsQuery` does the exact checks (and reports unknown fields,
 * which is why `additionalProperties` is left open here rather than silently stripped).
 */
const statsQueryBody = {
  type: 'object',
  required: ['site_id', 'metrics', 'date_range'],
  properties: {
    site_id: { type: 'string', minLength: 1, maxLength: 253, description: 'Website id (or its domain).' },
    date_range: {
      description: `One of ${datePresets.join(', ')}, or ["YYYY-MM-DD", "YYYY-MM-DD"] (site time zone).`,
      anyOf: [
        { type: 'string', enum: datePresets },
        { type: 'array', items: isoDate, minItems: 2, maxItems: 2 },
      ],
    },
    metrics: { type: 'array', minItems: 1, items: { type: 'string', enum: metricNames } },
    dimensions: {
      type: 'array',
      items: { type: 'string' },
      description: 'time:hour|day|week|month, event:page, event:name, visit:source, visit:country, …',
    },
    filters: {
      type: 'array',
      items: { type: 'array' },
      description:
        '[operator, dimension, [values]] with is, is_not, contains, contains_not; and/or/not nest.',
    },
    order_by: {
      type: 'array',
      items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string' } },
    },
    pagination: {
      type: 'object',
      properties: { limit: { type: 'integer', minimum: 1 }, offset: { type: 'integer', minimum: 0 } },
    },
    include: {
      type: 'object',
      properties: {
        comparisons: { type: 'object', properties: { mode: { type: 'string', enum: ['previous_period'] } } },
      },
    },
  },
} as const;

const statsResponse = {
  type: 'object',
  required: ['results', 'meta', 'query'],
  additionalProperties: true,
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { dimensions: { type: 'array', items: { type: 'string' } }, metrics: { type: 'array' } },
      },
    },
    meta: { type: 'object', additionalProperties: true },
    query: { type: 'object', additionalProperties: true },
  },
} as const;

/** `POST /stats/query`: Plausible v2 queries, answered by the stats engine. */
export function registerStatsQueryRoute(app: FastifyInstance, context: ApiRouteContext): void {
  app.post<{ Body: Record<string, unknown> }>(
    '/stats/query',
    {
      schema: {
        summary: 'Run a query in the shape of Plausible’s Stats API v2',
        tags: ['stats'],
        body: statsQueryBody,
        response: responses(statsResponse, 'results, meta and the query as understood'),
      },
    },
    async (request) => {
      const key = request.zvApiKey!;
      const sites = await visibleSites(context.metadata, key);
      const body = { ...request.body, site_id: siteIdFor(String(request.body.site_id), sites) };
      const parsed = await parseStatsQuery(body, (id) => sites.find((site) => site.id === id));
      if (!parsed.ok) {
        // A site the key cannot see answers like one that does not exist: 404, as elsewhere.
        if (
          parsed.errors.some((error) => error.field === 'site_id') &&
          !sites.some((s) => s.id === body.site_id)
        ) {
          throw new ApiError('NOT_FOUND');
        }
        throw new ApiError('VALIDATION_ERROR', [...parsed.errors]);
      }
      try {
        return success(
          await context.engine.query(parsed.query, parsed.site, context.clock.now()),
          context.clock,
        );
      } catch (error) {
        if (error instanceof StatsQueryError) throw new ApiError('VALIDATION_ERROR', [...error.fields]);
        throw error;
      }
    },
  );
}

/** Plausible clients name the site by domain: accept that when exactly one visible site has it. */
function siteIdFor(given: string, sites: readonly Site[]): string {
  if (sites.some((site) => site.id === given)) return given;
  const byDomain = sites.filter((site) => site.domain === given.toLowerCase());
  return byDomain.length === 1 ? byDomain[0]!.id : given;
}

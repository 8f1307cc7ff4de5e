import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import { datePresets, metricNames, parseStatsQuery, StatsQueryError } from '../../stats/index.ts';
import type { Site } from '../../store/types.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { isoDate, responses } from '../schemas.ts';
import { visibleSites } from '../site-access.ts';

/**
 * The Plausible Stats API v2 request, for the OpenAPI document only: the route does not let Ajv
 * validate with it (see `documentOnly`). `parseStatsQuery` is the one validator, so a request
 * learns every problem at once, in the envelope's field list, in our words: Ajv stops at the
 * first error, words it as "must be equal to one of the allowed values", and would coerce
 * `"10"` into 10 or strip fields before they could be named.
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

/** Accepts any body as it is: the schema above documents, `parseStatsQuery` validates. */
const documentOnly = () => () => true;

/** `POST /stats/query`: Plausible v2 queries, answered by the stats engine. */
export function registerStatsQueryRoute(app: FastifyInstance, context: ApiRouteContext): void {
  app.post<{ Body: unknown }>(
    '/stats/query',
    {
      validatorCompiler: documentOnly,
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
      const body = withSiteId(request.body, sites);
      const parsed = await parseStatsQuery(body, (id) => sites.find((site) => site.id === id));
      if (!parsed.ok) {
        // A site the key cannot see answers like one that does not exist: 404, as elsewhere.
        if (parsed.unknownSite) throw new ApiError('NOT_FOUND');
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

/** The body with a site named by its domain renamed to its id; anything else goes on unchanged. */
function withSiteId(body: unknown, sites: readonly Site[]): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const given = (body as { site_id?: unknown }).site_id;
  return typeof given === 'string' ? { ...body, site_id: siteIdFor(given, sites) } : body;
}

/** Plausible clients name the site by domain: accept that when exactly one visible site has it. */
function siteIdFor(given: string, sites: readonly Site[]): string {
  if (sites.some((site) => site.id === given)) return given;
  const byDomain = sites.filter((site) => site.domain === given.toLowerCase());
  return byDomain.length === 1 ? byDomain[0]!.id : given;
}

import type { FastifyInstance } from 'fastify';
import { resolveDateRange } from '../../stats/index.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { readRows, tsFromMs } from '../read-rows.ts';
import { type AnalyticsRange, isoDateTime, rangeQuery, responses, siteIdParams } from '../schemas.ts';
import { siteForKey } from '../site-access.ts';

interface VisitorsRequest {
  Params: { id: string };
  Querystring: { range: AnalyticsRange; page: number; limit: number };
}

const visitorsQuery = {
  ...rangeQuery,
  properties: {
    ...rangeQuery.properties,
    page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;

const visitSchema = {
  type: 'object',
  required: [
    'visitor_id',
    'session_id',
    'started_at',
    'last_seen_at',
    'duration_seconds',
    'pageviews',
    'events',
  ],
  properties: {
    visitor_id: {
      type: 'string',
      description: 'Pseudonymous: a daily-salted hash unless your app sent one.',
    },
    session_id: { type: 'string' },
    started_at: isoDateTime,
    last_seen_at: isoDateTime,
    duration_seconds: { type: 'integer' },
    pageviews: { type: 'integer' },
    events: { type: 'integer' },
    entry_page: { type: 'string' },
    exit_page: { type: 'string' },
    referrer_host: { type: 'string' },
    country_code: { type: 'string' },
    region: { type: 'string' },
    city: { type: 'string' },
    device: { type: 'string' },
    browser: { type: 'string' },
    os: { type: 'string' },
  },
} as const;

const visitorsSchema = {
  type: 'object',
  required: ['visitors', 'pagination'],
  properties: {
    visitors: { type: 'array', items: visitSchema },
    pagination: {
      type: 'object',
      required: ['page', 'limit', 'total'],
      properties: { page: { type: 'integer' }, limit: { type: 'integer' }, total: { type: 'integer' } },
    },
  },
} as const;

/**
 * `GET /analytics/{id}/visitors`: recent visits (a visit is a session_id, as in the stats engine),
 * newest activity first, paged.
 * Only what was stored is shown, and no IP address is ever stored.
 */
export function registerVisitorsRoute(app: FastifyInstance, context: ApiRouteContext): void {
  app.get<VisitorsRequest>(
    '/analytics/:id/visitors',
    {
      schema: {
        summary: 'Recent visits, newest first',
        tags: ['analytics'],
        params: siteIdParams,
        querystring: visitorsQuery,
        response: responses(visitorsSchema, 'A page of visits'),
      },
    },
    async (request) => {
      const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
      const { range, page, limit } = request.query;
      const resolved = resolveDateRange(
        { kind: 'preset', preset: range },
        site.timezone,
        context.clock.now(),
      );
      const rows = await readRows(
        context.duckdb,
        `WITH visits AS (
           SELECT session_id, arg_min(visitor_id, ts) AS visitor_id,
             CAST(epoch_ms(min(ts)) AS DOUBLE) AS started_ms, CAST(epoch_ms(max(ts)) AS DOUBLE) AS last_ms,
             count(*) FILTER (WHERE event_type = 'pageview') AS pageviews, count(*) AS events,
             arg_min(pathname, ts) FILTER (WHERE event_type = 'pageview') AS entry_page,
             arg_max(pathname, ts) FILTER (WHERE event_type = 'pageview') AS exit_page,
             arg_min(referrer_host, ts) AS referrer_host, arg_min(country, ts) AS country,
             arg_min(region, ts) AS region, arg_min(city, ts) AS city, arg_min(device_type, ts) AS device,
             arg_min(browser, ts) AS browser, arg_min(os, ts) AS os
           FROM events
           WHERE site_id = $1 AND ts >= ${tsFromMs('$2')} AND ts < ${tsFromMs('$3')}
           GROUP BY session_id)
         SELECT *, count(*) OVER () AS total FROM visits
         ORDER BY last_ms DESC, session_id LIMIT $4 OFFSET $5`,
        [site.id, resolved.startMs, resolved.endMs, limit, (page - 1) * limit],
      );
      const visitors = rows.map((row) => ({
        visitor_id: String(row.visitor_id),
        session_id: String(row.session_id),
        started_at: new Date(Number(row.started_ms)).toISOString(),
        last_seen_at: new Date(Number(row.last_ms)).toISOString(),
        duration_seconds: Math.round((Number(row.last_ms) - Number(row.started_ms)) / 1000),
        pageviews: Number(row.pageviews),
        events: Number(row.events),
        entry_page: String(row.entry_page ?? ''),
        exit_page: String(row.exit_page ?? ''),
        referrer_host: String(row.referrer_host),
        country_code: String(row.country),
        region: String(row.region),
        city: String(row.city),
        device: String(row.device),
        browser: String(row.browser),
        os: String(row.os),
      }));
      const total = rows.length > 0 ? Number(rows[0]!.total) : await countVisits(context, site.id, resolved);
      return success({ visitors, pagination: { page, limit, total } }, context.clock);
    },
  );
}

/** When the page is past the end there is no row to carry the total; count separately. */
async function countVisits(
  context: ApiRouteContext,
  siteId: string,
  range: { startMs: number; endMs: number },
) {
  const rows = await readRows(
    context.duckdb,
    `SELECT count(DISTINCT session_id) AS total FROM events
     WHERE site_id = $1 AND ts >= ${tsFromMs('$2')} AND ts < ${tsFromMs('$3')}`,
    [siteId, range.startMs, range.endMs],
  );
  return Number(rows[0]?.total ?? 0);
}

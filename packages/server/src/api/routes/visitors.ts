import type { FastifyInstance } from 'fastify';
import { resolveDateRange } from '../../stats/index.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
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
      const { visits, total } = await context.events.recentVisits(site.id, resolved.startMs, resolved.endMs, {
        limit,
        offset: (page - 1) * limit,
      });
      const visitors = visits.map((visit) => ({
        visitor_id: visit.visitorId,
        session_id: visit.sessionId,
        started_at: new Date(visit.startedMs).toISOString(),
        last_seen_at: new Date(visit.lastMs).toISOString(),
        duration_seconds: Math.round((visit.lastMs - visit.startedMs) / 1000),
        pageviews: visit.pageviews,
        events: visit.events,
        entry_page: visit.entryPage,
        exit_page: visit.exitPage,
        referrer_host: visit.referrerHost,
        country_code: visit.country,
        region: visit.region,
        city: visit.city,
        device: visit.device,
        browser: visit.browser,
        os: visit.os,
      }));
      return success({ visitors, pagination: { page, limit, total } }, context.clock);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { dateRangeSchema, responses } from '../schemas.ts';
import { visibleSites } from '../site-access.ts';

const usageSchema = {
  type: 'object',
  required: [
    'period',
    'total_events',
    'total_pageviews',
    'websites',
    'api_key',
    'rate_limit',
    'requests_this_month',
    'retention_days',
  ],
  properties: {
    period: dateRangeSchema,
    total_events: { type: 'integer' },
    total_pageviews: { type: 'integer' },
    websites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'domain', 'events', 'pageviews'],
        properties: {
          id: { type: 'string' },
          domain: { type: 'string' },
          events: { type: 'integer' },
          pageviews: { type: 'integer' },
        },
      },
    },
    api_key: {
      type: 'object',
      required: ['prefix', 'name', 'site_id', 'permissions'],
      properties: {
        prefix: { type: 'string' },
        name: { type: 'string' },
        site_id: { type: ['string', 'null'] },
        permissions: { type: 'array', items: { type: 'string', enum: ['read', 'ingest', 'write'] } },
      },
    },
    rate_limit: {
      type: 'object',
      required: ['per_minute', 'per_month'],
      properties: {
        per_minute: { type: 'integer', description: 'Requests this key may make per minute.' },
        per_month: { type: 'integer', description: 'Requests this key may make per calendar month (UTC).' },
      },
    },
    requests_this_month: {
      type: 'integer',
      description: 'Requests this key made this calendar month (UTC), this one included.',
    },
    retention_days: {
      type: 'integer',
      description: 'Events older than this many whole UTC days are deleted; 0: kept forever.',
    },
  },
} as const;

/**
 * `GET /usage`: events stored this calendar month (UTC) per website the key sees, the key's limits
 * and its requests this month (as the guard counted them for this very request).
 */
export function registerUsageRoute(app: FastifyInstance, context: ApiRouteContext): void {
  app.get(
    '/usage',
    {
      schema: {
        summary: 'Events stored this month (UTC), this key’s limits and its requests this month',
        tags: ['usage'],
        response: responses(usageSchema, 'Usage of the current month'),
      },
    },
    async (request) => {
      const key = request.zvApiKey!;
      const now = new Date(context.clock.now());
      const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      const endMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      const sites = await visibleSites(context.metadata, key);
      const rows = await context.events.usage(startMs, endMs);
      const counts = new Map(rows.map((row) => [row.siteId, row]));
      const websites = sites.map((site) => ({
        id: site.id,
        domain: site.domain,
        events: Number(counts.get(site.id)?.events ?? 0),
        pageviews: Number(counts.get(site.id)?.pageviews ?? 0),
      }));
      return success(
        {
          period: {
            start: new Date(startMs).toISOString().slice(0, 10),
            end: new Date(endMs - 1).toISOString().slice(0, 10),
          },
          total_events: websites.reduce((sum, site) => sum + site.events, 0),
          total_pageviews: websites.reduce((sum, site) => sum + site.pageviews, 0),
          websites,
          api_key: { prefix: key.prefix, name: key.name, site_id: key.siteId, permissions: key.permissions },
          rate_limit: {
            per_minute: context.config.apiRateLimitPerMinute,
            per_month: request.zvMonthlyQuota?.limit ?? context.config.apiMonthlyLimit,
          },
          requests_this_month: request.zvMonthlyQuota?.used ?? 0,
          retention_days: context.config.retentionDays,
        },
        context.clock,
      );
    },
  );
}

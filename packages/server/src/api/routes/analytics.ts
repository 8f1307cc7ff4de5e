import type { FastifyInstance, FastifyRequest } from 'fastify';
import { countryJson, SiteAnalytics } from '../analytics-queries.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import {
  type AnalyticsRange,
  breakdownRows,
  dateRangeSchema,
  rangeQuery,
  responses,
  siteIdParams,
} from '../schemas.ts';
import { siteForKey } from '../site-access.ts';

interface RangeRequest {
  Params: { id: string };
  Querystring: { range: AnalyticsRange; limit: number };
}

const breakdownQuery = {
  ...rangeQuery,
  properties: {
    ...rangeQuery.properties,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'Rows per list.' },
  },
} as const;

const overviewSchema = {
  type: 'object',
  required: ['website', 'time_range', 'date_range', 'summary', 'daily_stats'],
  properties: {
    website: {
      type: 'object',
      required: ['id', 'domain', 'name'],
      properties: { id: { type: 'string' }, domain: { type: 'string' }, name: { type: 'string' } },
    },
    time_range: { type: 'string' },
    date_range: dateRangeSchema,
    summary: {
      type: 'object',
      required: [
        'total_visitors',
        'unique_visitors',
        'total_page_views',
        'total_visits',
        'bounce_rate',
        'avg_visit_duration',
      ],
      properties: {
        total_visitors: { type: 'integer', description: 'Sum of each day’s unique visitors.' },
        unique_visitors: { type: 'integer', description: 'Distinct visitors over the whole range.' },
        total_page_views: { type: 'integer' },
        total_visits: { type: 'integer' },
        bounce_rate: {
          type: 'number',
          description:
            'Percent of visits with one pageview and no interactive custom event (one sent with `interactive: false` does not end a bounce).',
        },
        avg_visit_duration: {
          type: 'number',
          description:
            'Seconds, from the first event of a visit to its last event or last engaged moment (heartbeats).',
        },
      },
    },
    daily_stats: breakdownRows({
      date: { type: 'string' },
      visitors: { type: 'integer' },
      visits: { type: 'integer' },
      page_views: { type: 'integer' },
    }),
  },
} as const;

/** `GET /analytics/{id}` and its `pages`, `countries`, `technology` breakdowns. */
export function registerAnalyticsRoutes(app: FastifyInstance, context: ApiRouteContext): void {
  const analyticsFor = async (request: FastifyRequest<RangeRequest>) => {
    const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
    const { range, limit } = request.query;
    return { site, analytics: new SiteAnalytics(context.engine, context.clock, site, range, limit) };
  };

  app.get<RangeRequest>(
    '/analytics/:id',
    {
      schema: {
        summary: 'Overview: totals and a daily series',
        tags: ['analytics'],
        params: siteIdParams,
        querystring: rangeQuery,
        response: responses(overviewSchema, 'Totals and one row per day (site time zone)'),
      },
    },
    async (request) => {
      const { site, analytics } = await analyticsFor(request);
      const [top, series] = await Promise.all([analytics.run('top_stats'), analytics.run('timeseries')]);
      const totals = top.results[0]?.metrics ?? [];
      const metric = (index: number) => Number(totals[index] ?? 0);
      const byDay = new Map(series.results.map((row) => [row.dimensions[0], row.metrics.map(Number)]));
      const days = series.meta.time_labels ?? [...byDay.keys()];
      const daily = days.map((date) => {
        const [visitors = 0, visits = 0, pageViews = 0] = byDay.get(date) ?? [];
        return { date: String(date), visitors, visits, page_views: pageViews };
      });
      return success(
        {
          website: { id: site.id, domain: site.domain, name: site.name },
          time_range: request.query.range,
          date_range: top.meta.date_range,
          // top_stats metrics: visitors, visits, pageviews, views_per_visit, bounce_rate, visit_duration
          summary: {
            total_visitors: daily.reduce((sum, day) => sum + day.visitors, 0),
            unique_visitors: metric(0),
            total_page_views: metric(2),
            total_visits: metric(1),
            bounce_rate: metric(4),
            avg_visit_duration: metric(5),
          },
          daily_stats: daily,
        },
        context.clock,
      );
    },
  );

  app.get<RangeRequest>(
    '/analytics/:id/pages',
    {
      schema: {
        summary: 'Top pages',
        description:
          'Pages by the visitors who viewed them. Only pageviews count: a page that saw nothing but custom events is not listed.',
        tags: ['analytics'],
        params: siteIdParams,
        querystring: breakdownQuery,
        response: responses(
          {
            type: 'object',
            required: ['pages'],
            properties: {
              pages: breakdownRows({
                page: { type: 'string' },
                visitors: { type: 'integer' },
                pageviews: { type: 'integer' },
                time_on_page: {
                  type: ['number', 'null'],
                  description:
                    'Mean engaged seconds per pageview that sent heartbeats (z.engagement.js); null without any.',
                },
                scroll_depth: {
                  type: ['number', 'null'],
                  description:
                    "Mean of each visitor's deepest scroll of the page, in percent; null without heartbeats.",
                },
              }),
            },
          },
          'Pages by visitors (pageviews only)',
        ),
      },
    },
    async (request) => {
      const { analytics } = await analyticsFor(request);
      return success({ pages: await analytics.breakdown('pages', 'page') }, context.clock);
    },
  );

  app.get<RangeRequest>(
    '/analytics/:id/countries',
    {
      schema: {
        summary: 'Visitors by country',
        tags: ['analytics'],
        params: siteIdParams,
        querystring: breakdownQuery,
        response: responses(
          {
            type: 'object',
            required: ['countries'],
            properties: {
              countries: breakdownRows({
                country_code: { type: 'string', description: 'ISO 3166-1 alpha-2; empty when unknown' },
                country_name: { type: 'string' },
                visitors: { type: 'integer' },
              }),
            },
          },
          'Countries by visitors',
        ),
      },
    },
    async (request) => {
      const { analytics } = await analyticsFor(request);
      const rows = await analytics.breakdown('countries', 'country');
      const countries = rows.map((row) => ({ ...countryJson(row.country), visitors: Number(row.visitors) }));
      return success({ countries }, context.clock);
    },
  );

  const visitorsBy = (name: string) =>
    breakdownRows({ [name]: { type: 'string' }, visitors: { type: 'integer' } });
  app.get<RangeRequest>(
    '/analytics/:id/technology',
    {
      schema: {
        summary: 'Visitors by browser, operating system and device type',
        tags: ['analytics'],
        params: siteIdParams,
        querystring: breakdownQuery,
        response: responses(
          {
            type: 'object',
            required: ['browsers', 'operating_systems', 'devices'],
            properties: {
              browsers: visitorsBy('browser'),
              operating_systems: visitorsBy('os'),
              devices: visitorsBy('device'),
            },
          },
          'Technology breakdowns',
        ),
      },
    },
    async (request) => {
      const { analytics } = await analyticsFor(request);
      const [browsers, operatingSystems, devices] = await Promise.all([
        analytics.breakdown('browsers', 'browser'),
        analytics.breakdown('operating_systems', 'os'),
        analytics.breakdown('devices', 'device'),
      ]);
      return success({ browsers, operating_systems: operatingSystems, devices }, context.clock);
    },
  );
}

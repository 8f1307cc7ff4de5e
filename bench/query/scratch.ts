import { DuckDBInstance } from '@duckdb/node-api';
import type { EventRow } from '../../packages/server/src/ingest/types.ts';
import { createDuckDbStatsEngine } from '../../packages/server/src/stats/index.ts';
import { DuckDbEventStore } from '../../packages/server/src/store/duckdb/event-store.ts';
import { migrate } from '../../packages/server/src/store/duckdb/migrations.ts';

const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await migrate(c);
const store = await DuckDbEventStore.open(inst);
const base: EventRow = {
  ts: Date.parse('2026-03-09T10:00:00Z'),
  siteId: 's1',
  eventType: 'pageview',
  eventName: 'pageview',
  hostname: 'example.com',
  pathname: '/',
  query: '',
  utmSource: '',
  utmMedium: '',
  utmCampaign: '',
  utmTerm: '',
  utmContent: '',
  referrer: '',
  referrerHost: '',
  sessionId: 'a',
  visitorId: 'va',
  deviceType: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  country: 'DE',
  region: '',
  city: '',
  propKeys: [],
  propValues: [],
  eventId: '',
};
await store.append([
  base,
  { ...base, ts: base.ts + 60000, pathname: '/b' },
  {
    ...base,
    ts: base.ts + 90000,
    eventType: 'custom',
    eventName: 'Signup',
    propKeys: ['value', 'currency', "it's"],
    propValues: ['12.5', 'eur', 'x'],
  },
  { ...base, sessionId: 'b', visitorId: 'vb', referrerHost: 'google.de', query: 'gclid=1', country: 'FR' },
]);
const engine = createDuckDbStatsEngine(inst);
const site = {
  id: 's1',
  domain: 'example.com',
  name: 'x',
  trackingCode: 't',
  timezone: 'Europe/Berlin',
  createdAt: '',
};
const q = (o: object) =>
  engine.query(
    {
      siteId: 's1',
      dateRange: { kind: 'preset', preset: '7d' },
      metrics: [
        'visitors',
        'visits',
        'pageviews',
        'bounce_rate',
        'visit_duration',
        'views_per_visit',
        'events',
      ],
      dimensions: [],
      filters: [],
      orderBy: [],
      limit: 100,
      page: 0,
      compare: 'previous_period',
      ...o,
    } as never,
    site,
    Date.parse('2026-03-10T12:00:00Z'),
  );
console.log(JSON.stringify(await q({}), null, 1));
console.log(JSON.stringify((await q({ dimensions: ['visit:source', 'visit:channel'] })).results));
console.log(
  JSON.stringify(
    (await q({ dimensions: ['event:name'], metrics: ['visitors', 'conversion_rate', 'revenue'] })).results,
  ),
);
console.log(
  JSON.stringify(
    (
      await q({
        dimensions: ['time:day', "event:props:it's"],
        filters: [{ op: 'contains', dimension: 'visit:country', values: ['d'] }],
      })
    ).results,
  ),
);

/**
 * Engagement metrics (issue 15) on one hand-computed fixture, answered identically by DuckDB (one
 * query at a time and in a coalesced batch), by a real ClickHouse 18.16 server and by ClickHouse 26
 * in process (chdb): time on page,
 * scroll depth, and the visit duration that runs to the last engaged moment. Heartbeats are stored
 * through the real event stores, as the log's loader stores them (folded with max()).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HeartbeatRow, LogRow } from '../packages/server/src/ingest/heartbeat-types.ts';
import {
  createClickHouseStatsEngine,
  createDuckDbStatsEngine,
  type StatsEngine,
  type StatsQuery,
} from '../packages/server/src/stats/index.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { event } from './stats-fixture-events.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';

const site: Site = {
  id: 'site-eng',
  domain: 'example.com',
  name: 'Engaged',
  trackingCode: 'code-eng',
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const nowMs = Date.parse('2026-03-12T00:00:00Z');

function beat(
  session: string,
  visitor: string,
  pageview: string,
  path: string,
  at: string,
  engagedMs: number,
  scroll: number,
): HeartbeatRow {
  return {
    kind: 'heartbeat',
    ts: Date.parse(at),
    siteId: site.id,
    sessionId: session,
    visitorId: visitor,
    eventId: '',
    hostname: 'example.com',
    pathname: path,
    pageviewKey: pageview,
    engagedMs,
    scrollMax: scroll,
  };
}

const pv = (session: string, visitor: string, path: string, at: string, country: string) =>
  event({ site: site.id, session, visitor, path, at, geo: [country, '', ''] });

/**
 * Day 2026-03-10 (UTC):
 * - A (visitor vA, DE): /article 10:00, /pricing 10:02; /article engaged 100 s (90 %, sent twice:
 *   a retry), /pricing engaged 120 s (30 %) until 10:05. Duration 300 s (events alone: 120 s).
 * - B (vB, FR): /article 11:00, engaged 20 s (100 %) until 11:00:20. Bounce; duration 20 s.
 * - C (vC, FR): /article 12:00, no heartbeats. Bounce; duration 0.
 * - D (vA again, DE): /article 15:00, engaged 10 s (60 %) until 15:00:12. Bounce; duration 12 s.
 * - E (vE) on 2026-03-09, with a heartbeat: outside the range.
 */
const rows: LogRow[] = [
  pv('A', 'vA', '/article', '2026-03-10T10:00:00Z', 'DE'),
  pv('A', 'vA', '/pricing', '2026-03-10T10:02:00Z', 'DE'),
  pv('B', 'vB', '/article', '2026-03-10T11:00:00Z', 'FR'),
  pv('C', 'vC', '/article', '2026-03-10T12:00:00Z', 'FR'),
  pv('D', 'vA', '/article', '2026-03-10T15:00:00Z', 'DE'),
  pv('E', 'vE', '/article', '2026-03-09T09:00:00Z', 'FR'),
  beat('A', 'vA', 'a1', '/article', '2026-03-10T10:00:30Z', 30_000, 40),
  beat('A', 'vA', 'a1', '/article', '2026-03-10T10:01:50Z', 100_000, 90),
  beat('A', 'vA', 'a1', '/article', '2026-03-10T10:01:55Z', 100_000, 90),
  beat('A', 'vA', 'a2', '/pricing', '2026-03-10T10:05:00Z', 120_000, 30),
  beat('B', 'vB', 'b1', '/article', '2026-03-10T11:00:20Z', 20_000, 100),
  beat('D', 'vA', 'd1', '/article', '2026-03-10T15:00:12Z', 10_000, 60),
  beat('E', 'vE', 'e1', '/article', '2026-03-09T09:05:00Z', 300_000, 100),
];

function q(overrides: Partial<StatsQuery>): StatsQuery {
  return {
    siteId: site.id,
    dateRange: { kind: 'custom', start: '2026-03-10', end: '2026-03-10' },
    metrics: ['pageviews'],
    dimensions: [],
    filters: [],
    orderBy: [],
    limit: 100,
    page: 0,
    compare: null,
    ...overrides,
  };
}

const questions = {
  totals: q({ metrics: ['pageviews', 'bounce_rate', 'visit_duration', 'time_on_page', 'scroll_depth'] }),
  pages: q({ metrics: ['pageviews', 'time_on_page', 'scroll_depth'], dimensions: ['event:page'] }),
  france: q({
    metrics: ['visitors', 'time_on_page', 'scroll_depth'],
    dimensions: ['event:page'],
    filters: [{ op: 'is', dimension: 'visit:country', values: ['FR'] }],
  }),
  onePage: q({
    metrics: ['time_on_page', 'scroll_depth'],
    filters: [{ op: 'is', dimension: 'event:page', values: ['/pricing'] }],
  }),
};

/** The hand-computed answers (see the fixture's comment). */
const expected = {
  // 5 pageviews; 3 of 4 visits bounce; (300 + 20 + 0 + 12) / 4 = 83 s; (100 + 120 + 20 + 10) / 4
  // = 62.5 -> 63 s per engaged pageview; visitors' deepest: vA 90, vB 100 -> 95 %.
  totals: [{ dimensions: [], metrics: [5, 75, 83, 63, 95] }],
  // /article: (100 + 20 + 10) / 3 = 43.3 -> 43 s; vA max(90, 60) = 90, vB 100 -> 95 %.
  pages: [
    { dimensions: ['/article'], metrics: [4, 43, 95] },
    { dimensions: ['/pricing'], metrics: [1, 120, 30] },
  ],
  // FR visits are B and C: /article 20 s, 100 % (C sent no heartbeats).
  france: [{ dimensions: ['/article'], metrics: [2, 20, 100] }],
  onePage: [{ dimensions: [], metrics: [120, 30] }],
};

function contract(
  open: () => Promise<{ engine: StatsEngine; batched?: StatsEngine; close(): Promise<void> }>,
) {
  let backend: Awaited<ReturnType<typeof open>>;
  before(async () => {
    backend = await open();
  });
  after(() => backend.close());

  for (const [name, query] of Object.entries(questions)) {
    it(`${name}: hand-computed engagement metrics`, async () => {
      const answer = await backend.engine.query(query, site, nowMs);
      assert.deepEqual(
        answer.results.map((row) => ({ dimensions: row.dimensions, metrics: row.metrics })),
        expected[name as keyof typeof expected],
      );
    });
  }

  it('the same answers in one coalesced batch', async (t) => {
    if (!backend.batched) return t.skip('one query at a time only');
    const answers = await Promise.all(
      Object.values(questions).map((query) => backend.batched!.query(query, site, nowMs)),
    );
    assert.deepEqual(
      answers.map((answer) =>
        answer.results.map((row) => ({ dimensions: row.dimensions, metrics: row.metrics })),
      ),
      Object.values(expected),
    );
  });
}

describe('DuckDB', () => {
  contract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-engagement-'));
    const instance = await openDuckDb(dir);
    const store = await DuckDbEventStore.open(instance);
    // Two appends, as two loader batches: the second merges into the first's rows.
    await store.append(rows.slice(0, 9));
    await store.append(rows.slice(9));
    const goals = async () => [];
    return {
      engine: createDuckDbStatsEngine(instance, { coalesce: false, goals }),
      batched: createDuckDbStatsEngine(instance, { coalesce: true, goals }),
      async close() {
        store.close();
        instance.closeSync();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

const skip = missingService('clickhouse');
describe('ClickHouse', { skip }, () => {
  let server: RunningService;
  contract(async () => {
    server = await startService('clickhouse');
    const target = { shardUrls: [server.url], database: 'engagement_1' };
    const store = await ClickHouseEventStore.open(target);
    assert.equal(store.serverVersion?.major, 18, `Debian's server reports ${store.serverVersion?.text}`);
    await store.append(rows.slice(0, 9));
    await store.append(rows.slice(9));
    // A batch replayed after a crash: stored twice, answered once (max() per pageview).
    await store.append(rows.slice(6));
    const goals = async () => [];
    return {
      engine: createClickHouseStatsEngine(target, { coalesce: false, goals }),
      batched: createClickHouseStatsEngine(target, { coalesce: true, goals }),
      async close() {
        await new ClickHouseHttp(server.url).exec('DROP DATABASE IF EXISTS engagement_1');
        await server.destroy();
      },
    };
  });
});

const chdbSkip = missingChdb();
describe('ClickHouse 26 in process (chdb)', { skip: chdbSkip }, () => {
  let chdb: ChdbServer;
  contract(async () => {
    chdb = new ChdbServer();
    const target = chdb.target('engagement_1');
    const store = await ClickHouseEventStore.open(target);
    // The server's release, as the store asked it at connect (store/clickhouse/server-version.ts).
    assert.ok((store.serverVersion?.major ?? 0) >= 24, `chdb reports ${store.serverVersion?.text}`);
    await store.append(rows.slice(0, 9));
    await store.append(rows.slice(9));
    await store.append(rows.slice(6));
    const goals = async () => [];
    return {
      engine: createClickHouseStatsEngine(target, { coalesce: false, goals }),
      batched: createClickHouseStatsEngine(target, { coalesce: true, goals }),
      async close() {
        await chdb.close();
      },
    };
  });
});

describe('validation', () => {
  it('engagement metrics are refused with other event dimensions and event filters, naming the field', async () => {
    const { validateStatsQuery } = await import('../packages/server/src/stats/validate.ts');
    assert.deepEqual(
      validateStatsQuery(
        q({
          metrics: ['time_on_page'],
          dimensions: ['event:name'],
          filters: [{ op: 'is', dimension: 'event:goal', values: ['Signup'] }],
        }),
      ),
      [
        {
          field: 'dimensions[0]',
          reason: 'time_on_page and scroll_depth are answered in totals or by the event:page dimension only',
        },
        {
          field: 'filters[0]',
          reason:
            'time_on_page and scroll_depth can be filtered by event:page, event:hostname, event:name and visit dimensions only',
        },
      ],
    );
    assert.deepEqual(validateStatsQuery(questions.france), []);
  });
});

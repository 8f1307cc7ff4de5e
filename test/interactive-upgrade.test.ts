/**
 * Data from before Plausible's `interactive` flag (issue 20) keeps its answers, and new
 * non-interactive events count from the upgrade on: a DuckDB file at migration 16 (events without
 * `interactive`, visits without `quiet_customs`), a ClickHouse database whose events, visit
 * buckets and materialized view predate the flag (18.16 and 26 in process), and an append-log
 * record written without the field. Expected numbers are worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeRecords, encodeRecords } from '../packages/server/src/event-log/records.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { createLogger } from '../packages/server/src/log.ts';
import {
  createClickHouseStatsEngine,
  createDuckDbStatsEngine,
  type StatsEngine,
  type StatsQuery,
} from '../packages/server/src/stats/index.ts';
import type { ClickHouseClient } from '../packages/server/src/store/clickhouse/client.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import type { ClickHouseTarget } from '../packages/server/src/store/clickhouse/target.ts';
import { visitBucketStatements } from '../packages/server/src/store/clickhouse/visit-buckets.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { buildVisitRollup } from '../packages/server/src/store/duckdb/visit-rollup.ts';
import { event, q, siteAUtc } from './stats-fixture.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { freePortPair, missingService, type RunningService, startService } from './support/services.ts';

/**
 * Before the upgrade, 2026-03-04: s1 = pageview /a + custom Signup (not a bounce), s2 = pageview
 * /b (a bounce). After it, 2026-03-05: s3 = pageview /c + a non-interactive custom (a bounce).
 */
const before: EventRow[] = [
  event({ session: 's1', visitor: 'v1', at: '2026-03-04T10:00:00Z', path: '/a' }),
  event({ session: 's1', visitor: 'v1', at: '2026-03-04T10:01:00Z', path: '/a', name: 'Signup' }),
  event({ session: 's2', visitor: 'v2', at: '2026-03-04T11:00:00Z', path: '/b' }),
];
const later: EventRow[] = [
  event({ session: 's3', visitor: 'v3', at: '2026-03-05T09:00:00Z', path: '/c' }),
  {
    ...event({ session: 's3', visitor: 'v3', at: '2026-03-05T09:01:00Z', path: '/c', name: 'Video' }),
    interactive: false,
  },
];

const metrics: StatsQuery['metrics'] = ['visits', 'events', 'bounce_rate'];
const now = Date.parse('2026-03-10T12:00:00Z');
const ranges = [
  { kind: 'custom', start: '2026-03-04', end: '2026-03-04' },
  { kind: 'custom', start: '2026-03-05', end: '2026-03-05' },
  { kind: 'custom', start: '2026-03-04', end: '2026-03-05' },
] as const;

/** The three days' totals: [visits, events, bounce rate] each. */
async function answers(engine: StatsEngine): Promise<unknown[]> {
  const all = await Promise.all(
    ranges.map((dateRange) => engine.query(q({ dateRange, metrics }), siteAUtc, now)),
  );
  return all.map((answer) => answer.results[0]?.metrics ?? null);
}

// The 4th: 2 visits, 3 events, s2 bounces: 50 %. Nothing on the 5th yet.
const beforeAnswers = [
  [2, 3, 50],
  [0, 0, 0],
  [2, 3, 50],
];
// The 5th: s3 (2 events) bounces: 100 %. Both days: s2 and s3 of 3: 67 %, 5 events.
const afterAnswers = [
  [2, 3, 50],
  [1, 2, 100],
  [3, 5, 67],
];

describe('a DuckDB file at migration 16', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-interactive-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades: old events read as interactive, old visits as 0 non-interactive, answers kept', async () => {
    // The file as release 16 left it: the rows loaded, then the flag's columns and step taken away.
    let instance = await openDuckDb(dir);
    let store = await DuckDbEventStore.open(instance);
    await store.append(before);
    store.close();
    let connection = await instance.connect();
    for (const sql of [
      'ALTER TABLE events DROP COLUMN interactive',
      'ALTER TABLE visits DROP COLUMN quiet_customs',
      'ALTER TABLE visit_batch DROP COLUMN quiet_customs',
      'DELETE FROM schema_migrations WHERE version = 17',
    ]) {
      await connection.run(sql);
    }
    const columns = await connection.runAndReadAll(
      "SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE column_name IN ('interactive', 'quiet_customs')",
    );
    assert.equal(columns.getRowObjectsJS()[0]?.n, 0);
    connection.closeSync();
    instance.closeSync();

    instance = await openDuckDb(dir);
    connection = await instance.connect();
    const stored = await connection.runAndReadAll(
      'SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE interactive)::INTEGER AS loud FROM events',
    );
    assert.deepEqual(stored.getRowObjectsJS(), [{ n: 3, loud: 3 }]);
    const visits = await connection.runAndReadAll(
      'SELECT session_id, customs::INTEGER AS customs, quiet_customs::INTEGER AS quiet FROM visits ORDER BY session_id',
    );
    assert.deepEqual(visits.getRowObjectsJS(), [
      { session_id: 's1', customs: 1, quiet: 0 },
      { session_id: 's2', customs: 0, quiet: 0 },
    ]);
    const engine = createDuckDbStatsEngine(instance, { coalesce: false });
    assert.deepEqual(await answers(engine), beforeAnswers);

    store = await DuckDbEventStore.open(instance);
    await store.append(later);
    assert.deepEqual(await answers(engine), afterAnswers);
    // The rollup built again from the events (an interrupted upgrade does it) says the same.
    await connection.run("DELETE FROM visits; UPDATE rollup_state SET built = false WHERE name = 'visits'");
    await buildVisitRollup(connection, createLogger('silent'));
    const rebuilt = await connection.runAndReadAll(
      'SELECT session_id, quiet_customs::INTEGER AS quiet FROM visits ORDER BY session_id',
    );
    assert.deepEqual(rebuilt.getRowObjectsJS(), [
      { session_id: 's1', quiet: 0 },
      { session_id: 's2', quiet: 0 },
      { session_id: 's3', quiet: 1 },
    ]);
    assert.deepEqual(await answers(createDuckDbStatsEngine(instance, { coalesce: false })), afterAnswers);
    store.close();
    connection.closeSync();
    instance.closeSync();
  });

  it('an append-log record written without the flag loads as interactive', async () => {
    const old = { ...later[1]! } as Partial<EventRow>;
    delete old.interactive;
    const encoded = encodeRecords([{ key: 'k1', row: old as EventRow }]);
    const decoded = decodeRecords(encoded);
    assert.equal(decoded.rows.length, 1);
    assert.equal(Object.hasOwn(decoded.rows[0]!.row, 'interactive'), false);
    const instance = await openDuckDb(path.join(dir, 'log'));
    const store = await DuckDbEventStore.open(instance);
    await store.load(decoded.rows, {
      logId: 'old-log',
      sequence: 1,
      from: 0,
      to: encoded.length,
      replay: false,
    });
    const connection = await instance.connect();
    const rows = await connection.runAndReadAll(
      'SELECT e.interactive, v.customs::INTEGER AS customs, v.quiet_customs::INTEGER AS quiet FROM events e JOIN visits v USING (site_id, session_id)',
    );
    assert.deepEqual(rows.getRowObjectsJS(), [{ interactive: true, customs: 1, quiet: 0 }]);
    connection.closeSync();
    store.close();
    instance.closeSync();
  });
});

/**
 * The ClickHouse database as a release before the flag left it, on every shard: events without
 * `interactive`, buckets without `quiet_customs` (the Distributed tables too, with shards), and
 * the view that filled them (the view of today's statement without the new column).
 */
async function downgrade(shards: readonly ClickHouseClient[], db: string): Promise<void> {
  const sharded = shards.length > 1;
  const view = visitBucketStatements(db, shards.length, 'zenovay')[1]!;
  const oldView = view.replace(/,\n {2}sumState\([^\n]*\) AS quiet_customs/, '');
  assert.notEqual(oldView, view);
  for (const shard of shards) {
    await shard.exec(`DROP TABLE ${db}.visit_buckets_mv`);
    const buckets = sharded ? ['visit_buckets_local', 'visit_buckets'] : ['visit_buckets'];
    for (const table of buckets) await shard.exec(`ALTER TABLE ${db}.${table} DROP COLUMN quiet_customs`);
    const events = sharded ? ['events_local', 'events'] : ['events'];
    for (const table of events) await shard.exec(`ALTER TABLE ${db}.${table} DROP COLUMN interactive`);
    await shard.exec(oldView);
  }
}

function clickHouseContract(
  open: () => Promise<{ target: ClickHouseTarget; shards: ClickHouseClient[] }>,
): void {
  it('adds the columns, makes the view anew, keeps the old answers and counts the new flag', async () => {
    const { target, shards } = await open();
    const db = target.database;
    const http = shards[0]!;
    const table = (name: string) => `${db}.${name}`;
    const store = await ClickHouseEventStore.open(target);
    await store.rollupBuilt();
    await store.append(before);
    await downgrade(shards, db);

    const upgraded = await ClickHouseEventStore.open(target, { log: createLogger('error') });
    await upgraded.rollupBuilt();
    // The old buckets read an empty state, 0 non-interactive events: the answers are the old ones.
    assert.deepEqual(await answers(createClickHouseStatsEngine(target, { coalesce: false })), beforeAnswers);
    await upgraded.append(later);
    const flags = await http.rows<{ n: string; quiet: string }>(
      `SELECT count() AS n, countIf(interactive = 0) AS quiet FROM ${table('events')}`,
    );
    assert.deepEqual(
      flags.map((row) => [Number(row.n), Number(row.quiet)]),
      [[5, 1]],
    );
    const buckets = await http.rows<{ session: string; quiet: string }>(
      `SELECT session, sumMerge(quiet_customs) AS quiet FROM ${table('visit_buckets')} GROUP BY session ORDER BY quiet, session`,
    );
    assert.deepEqual(
      buckets.map((row) => Number(row.quiet)),
      [0, 0, 1],
    );
    assert.deepEqual(await answers(createClickHouseStatsEngine(target, { coalesce: false })), afterAnswers);
  });
}

const clickHouseSkip = missingService('clickhouse');
describe('a ClickHouse 18.16 database from before the flag', { skip: clickHouseSkip }, () => {
  let server: RunningService | undefined;
  clickHouseContract(async () => {
    server = await startService('clickhouse');
    return {
      target: { shardUrls: [server.url], database: 'quiet_upgrade' },
      shards: [new ClickHouseHttp(server.url)],
    };
  });
  after(async () => {
    await server?.destroy();
  });
});

const chdbSkip = missingChdb();
describe('a ClickHouse 26 (chdb) database from before the flag', { skip: chdbSkip }, () => {
  let chdb: ChdbServer | undefined;
  clickHouseContract(async () => {
    chdb = new ChdbServer();
    return { target: chdb.target('quiet_upgrade'), shards: [chdb.client()] };
  });
  after(async () => {
    await chdb?.close();
  });
});

describe('a two-shard ClickHouse 18.16 database from before the flag', { skip: clickHouseSkip }, () => {
  const servers: RunningService[] = [];
  clickHouseContract(async () => {
    const ports = [await freePortPair()];
    while (ports.length < 2) {
      const port = await freePortPair();
      if (Math.abs(port - ports[0]!) >= 2) ports.push(port);
    }
    const env = { CLICKHOUSE_SHARD_PORTS: ports.map((port) => port + 1).join(',') };
    for (const port of ports) servers.push(await startService('clickhouse', { port, env }));
    return {
      target: { shardUrls: servers.map((server) => server.url), database: 'quiet_upgrade' },
      shards: servers.map((server) => new ClickHouseHttp(server.url)),
    };
  });
  after(async () => {
    for (const server of servers) await server.destroy();
  });
});

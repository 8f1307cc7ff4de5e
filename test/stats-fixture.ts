/**
 * The stats engine over the fixed visits of stats-fixture-events.ts, stored through the real event
 * store of DuckDB or of ClickHouse, and the query the stats tests start from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Goal } from '../packages/server/src/goals/types.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { createClickHouseDialect } from '../packages/server/src/stats/clickhouse-dialect.ts';
import { ClickHouseRunner } from '../packages/server/src/stats/clickhouse-engine.ts';
import type { SqlDialect } from '../packages/server/src/stats/dialect.ts';
import { duckDbDialect } from '../packages/server/src/stats/duckdb-dialect.ts';
import { type SqlRunner, SqlStatsEngine } from '../packages/server/src/stats/engine.ts';
import {
  createClickHouseStatsEngine,
  createDuckDbStatsEngine,
  type StatsEngine,
  type StatsQuery,
} from '../packages/server/src/stats/index.ts';
import type { SqlRow } from '../packages/server/src/stats/results.ts';
import type { SqlParam } from '../packages/server/src/stats/sql-params.ts';
import { connectClickHouse } from '../packages/server/src/store/clickhouse/connect.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { sqlString } from '../packages/server/src/store/clickhouse/sql.ts';
import type { ClickHouseTarget } from '../packages/server/src/store/clickhouse/target.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { fixtureEvents, siteA, week } from './stats-fixture-events.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';

export { event, fixtureEvents, nowMs, siteA, siteAUtc, siteB, week } from './stats-fixture-events.ts';

/** The stats engine over the fixture's events, on either backend. */
export interface StatsFixture {
  readonly backend: 'duckdb' | 'clickhouse';
  readonly engine: StatsEngine;
  /** An engine on the same events whose runner counts the statements it sends. */
  countingEngine(): { engine: SqlStatsEngine; statements: () => number };
  /** On ClickHouse: runs a statement in the fixture's database (named `database`). */
  readonly clickHouse?: { readonly database: string; exec(sql: string): Promise<void> };
  close(): Promise<void>;
}

/** The fixture on the embedded DuckDB file (also used outside the stats tests). */
export interface Fixture extends StatsFixture {
  readonly instance: DuckDBInstance;
  readonly store: DuckDbEventStore;
}

/** One exchange rate row as the fx import stores it: units of `currency` per 1 EUR on `day`. */
export interface FxRow {
  readonly day: string;
  readonly currency: string;
  readonly perEur: number;
}

/** What a fixture's engine knows besides the events: the site's goals and the exchange rates. */
export interface FixtureExtras {
  readonly goals?: readonly Goal[];
  readonly fx?: readonly FxRow[];
}

/** Opens the stats engine over a store holding `events` (the fixture's by default). */
export type OpenFixture = (events?: readonly EventRow[], extras?: FixtureExtras) => Promise<StatsFixture>;

const goalSource = (extras: FixtureExtras) => async (siteId: string) =>
  (extras.goals ?? []).filter((goal) => goal.siteId === siteId);

function counting(dialect: SqlDialect, all: SqlRunner['all']) {
  let statements = 0;
  const engine = new SqlStatsEngine(dialect, {
    all: (sql: string, params: readonly SqlParam[]) => {
      statements += 1;
      return all(sql, params);
    },
  });
  return { engine, statements: () => statements };
}

export async function openFixture(
  events: readonly EventRow[] = fixtureEvents,
  extras: FixtureExtras = {},
): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-stats-'));
  const instance = await openDuckDb(dir);
  const store = await DuckDbEventStore.open(instance);
  await store.append(events);
  if (extras.fx && extras.fx.length > 0) {
    const connection = await instance.connect();
    for (const row of extras.fx) {
      await connection.run('INSERT INTO fx_rates VALUES ($1, $2, $3, $1)', [
        row.day,
        row.currency,
        row.perEur,
      ]);
    }
    connection.closeSync();
  }
  return {
    backend: 'duckdb',
    // Not coalescing: these tests compare one-by-one answers with batches (stats-coalescing.test.ts
    // covers the coalescing engine).
    engine: createDuckDbStatsEngine(instance, { coalesce: false, goals: goalSource(extras) }),
    instance,
    store,
    countingEngine() {
      const connection = instance.connect();
      return counting(duckDbDialect, async (sql, params) => {
        const reader = await (await connection).runAndReadAll(sql, [...params]);
        return reader.getRowObjectsJS() as SqlRow[];
      });
    },
    async close() {
      store.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fixtures on one throwaway ClickHouse server per test file (started on first use, destroyed by
 * `stop`), each in a database of its own, written through the real ClickHouse event store.
 */
export function clickHouseFixtures(): {
  open: OpenFixture;
  stop: () => Promise<void>;
  skip: string | undefined;
} {
  const skip = missingService('clickhouse');
  let server: Promise<RunningService> | null = null;
  let databases = 0;
  return {
    skip,
    async open(events = fixtureEvents, extras: FixtureExtras = {}) {
      server ??= startService('clickhouse');
      const { url } = await server;
      databases += 1;
      return openOnClickHouse({ shardUrls: [url], database: `stats_${databases}` }, events, extras);
    },
    async stop() {
      if (server) await (await server).destroy();
    },
  };
}

/**
 * The same fixtures on ClickHouse in process (chdb, a current release; test/support/chdb-client.ts):
 * the same event store, engine and statements as on 18.16, through the same client interface.
 */
export function chdbFixtures(): {
  open: OpenFixture;
  stop: () => Promise<void>;
  skip: string | undefined;
} {
  const skip = missingChdb();
  let server: ChdbServer | null = null;
  let databases = 0;
  return {
    skip,
    async open(events = fixtureEvents, extras: FixtureExtras = {}) {
      server ??= new ChdbServer();
      databases += 1;
      return openOnClickHouse(server.target(`stats_${databases}`), events, extras);
    },
    async stop() {
      await server?.close();
    },
  };
}

/**
 * Runs one engine contract on every engine: DuckDB, ClickHouse 18.16 (a throwaway server, skipped
 * where it is not installed) and current ClickHouse in process (chdb). `title` prefixes the suites'
 * names (`"<title> on DuckDB"`, …).
 */
export function describeOnEveryEngine(title: string, contract: (open: OpenFixture) => void): void {
  const named = (engine: string) => (title === '' ? `on ${engine}` : `${title}, on ${engine}`);
  describe(named('DuckDB'), () => contract(openFixture));
  const clickhouse = clickHouseFixtures();
  describe(named('ClickHouse 18.16'), { skip: clickhouse.skip }, () => {
    contract(clickhouse.open);
    after(() => clickhouse.stop());
  });
  const chdb = chdbFixtures();
  describe(named('ClickHouse 26 in process (chdb)'), { skip: chdb.skip }, () => {
    contract(chdb.open);
    after(() => chdb.stop());
  });
}

async function openOnClickHouse(
  target: ClickHouseTarget,
  events: readonly EventRow[],
  extras: FixtureExtras,
): Promise<StatsFixture> {
  await ClickHouseEventStore.open(target).then((store) => store.append(events));
  const http = connectClickHouse(target, target.shardUrls[0]!);
  if (extras.fx && extras.fx.length > 0) {
    // The fx import's table (store/clickhouse/schema.ts, created with the events), filled directly.
    const values = extras.fx.map(
      (row) =>
        `(${sqlString(row.day)}, ${sqlString(row.currency)}, ${row.perEur}, ${row.day.replaceAll('-', '')})`,
    );
    await http.exec(
      `INSERT INTO ${target.database}.fx_rates (day, currency, per_eur, source_version) VALUES ${values.join(',')}`,
    );
  }
  return {
    backend: 'clickhouse',
    engine: createClickHouseStatsEngine(target, { coalesce: false, goals: goalSource(extras) }),
    clickHouse: {
      database: target.database,
      exec: async (sql) => {
        await http.exec(sql);
      },
    },
    countingEngine: () => {
      const runner = new ClickHouseRunner(http);
      return counting(createClickHouseDialect(target.database), (sql, params) => runner.all(sql, params));
    },
    async close() {
      await http.exec(`DROP DATABASE IF EXISTS ${target.database}`);
    },
  };
}

/** A query over site A's main week with everything else defaulted. */
export function q(overrides: Partial<StatsQuery> = {}): StatsQuery {
  return {
    siteId: siteA.id,
    dateRange: week,
    metrics: ['visitors'],
    dimensions: [],
    filters: [],
    orderBy: [],
    limit: 100,
    page: 0,
    compare: null,
    ...overrides,
  };
}

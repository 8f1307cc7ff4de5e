/**
 * Background compaction of closed days (store/duckdb/event-compaction.ts): rows are moved into
 * (site_id, ts) order without changing any row or any stats answer; open days are left alone;
 * a day that gets a late event is compacted again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { overviewQueries } from '../packages/server/src/stats/index.ts';
import {
  compactClosedDays,
  compactDay,
  daysToCompact,
} from '../packages/server/src/store/duckdb/event-compaction.ts';
import {
  event,
  type Fixture,
  fixtureEvents,
  nowMs,
  openFixture,
  siteA,
  siteB,
  week,
} from './stats-fixture.ts';

const day = 86_400_000;
// Arrival order mixes the sites within each day, as ingest writes them.
const mixed = [0, 1, 2, 3, 4, 5].map((i) =>
  event({
    at: `2026-03-0${3 + (i % 2)}T0${i}:15:00Z`,
    session: `mix${i}`,
    visitor: `mu${i}`,
    site: i % 3 === 0 ? siteB.id : siteA.id,
    path: `/mix/${i}`,
  }),
);

let fx: Fixture;
let connection: DuckDBConnection;
before(async () => {
  fx = await openFixture([...fixtureEvents, ...mixed]);
  connection = await fx.instance.connect();
});
after(() => {
  connection.closeSync();
  fx.close();
});

const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
const allRows = () =>
  rows(
    'SELECT * EXCLUDE (prop_keys, prop_values), prop_keys::VARCHAR AS k, prop_values::VARCHAR AS v FROM events ORDER BY ALL',
  );
const overview = async () => [
  await fx.engine.queryMany(
    Object.values(overviewQueries(siteA.id, week, [], { panelLimit: 100 })),
    siteA,
    nowMs,
  ),
  await fx.engine.queryMany(
    Object.values(overviewQueries(siteB.id, week, [], { panelLimit: 100 })),
    siteB,
    nowMs,
  ),
];

describe('compacting closed days', () => {
  it('moves rows into (site, time) order per closed day without changing rows or answers', async () => {
    const rowsBefore = await allRows();
    const visitsBefore = await rows('SELECT * FROM visits ORDER BY ALL');
    const answersBefore = await overview();
    const mixedDay = Date.parse('2026-03-03T00:00:00Z');
    const order = `SELECT site_id, ts FROM events WHERE ts >= make_timestamp(${mixedDay}::BIGINT * 1000) AND ts < make_timestamp(${mixedDay + day}::BIGINT * 1000)`;
    const arrival = await rows(`${order} ORDER BY rowid`);
    const sorted = await rows(`${order} ORDER BY site_id, ts`);
    assert.notDeepEqual(arrival, sorted); // the test data starts out of order

    const done = await compactClosedDays(connection, nowMs);
    assert.ok(done.days > 0 && done.rows > 0);
    assert.deepEqual(await rows(`${order} ORDER BY rowid`), sorted);
    assert.deepEqual(await allRows(), rowsBefore);
    // The visit rollup's rows of that day are moved into site order too, unchanged.
    const visitOrder = `SELECT site_id, first_ts FROM visits WHERE first_ts >= make_timestamp(${mixedDay}::BIGINT * 1000) AND first_ts < make_timestamp(${mixedDay + day}::BIGINT * 1000)`;
    assert.deepEqual(
      await rows(`${visitOrder} ORDER BY rowid`),
      await rows(`${visitOrder} ORDER BY site_id, first_ts`),
    );
    assert.deepEqual(await rows('SELECT * FROM visits ORDER BY ALL'), visitsBefore);
    assert.deepEqual(await overview(), answersBefore);
  });

  it('leaves days that can still receive events alone, and skips days already done', async () => {
    // now = March 10 12:00 UTC; the 47 h past limit (+1 h) keeps March 8 onwards open.
    const compacted = await rows('SELECT CAST(epoch_ms(day) AS DOUBLE) AS d FROM compacted_days');
    const latest = Math.max(...compacted.map((r) => Number(r.d)));
    assert.equal(new Date(latest).toISOString().slice(0, 10), '2026-03-07');
    assert.deepEqual(await daysToCompact(connection, nowMs), []);
  });

  it('compacts a day again after a late event lands in it', async () => {
    await fx.store.append([
      event({ at: '2026-03-04T00:01:00Z', session: 'late', visitor: 'lu', site: siteB.id }),
    ]);
    assert.deepEqual(await daysToCompact(connection, nowMs), [Date.parse('2026-03-04T00:00:00Z')]);
    const done = await compactClosedDays(connection, nowMs);
    assert.equal(done.days, 1);
    const day4 = Date.parse('2026-03-04T00:00:00Z');
    const order = `SELECT site_id, ts FROM events WHERE ts >= make_timestamp(${day4}::BIGINT * 1000) AND ts < make_timestamp(${day4 + day}::BIGINT * 1000)`;
    assert.deepEqual(await rows(`${order} ORDER BY rowid`), await rows(`${order} ORDER BY site_id, ts`));
  });

  it('loses no row appended while a day is being compacted', async () => {
    const day3 = Date.parse('2026-03-03T00:00:00Z');
    const count = async () => Number((await rows('SELECT count(*) AS n FROM events'))[0]?.n);
    const before = await count();
    const late = [1, 2, 3, 4].map((i) =>
      event({ at: `2026-03-03T1${i}:00:00Z`, session: `c${i}`, visitor: `cu${i}`, site: siteB.id }),
    );
    // The store's own connection appends while the compaction's transaction runs on another.
    await Promise.all([compactDay(connection, day3), ...late.map((row) => fx.store.append([row]))]);
    assert.equal(await count(), before + late.length);
    await compactClosedDays(connection, nowMs); // a row that missed the snapshot is picked up now
    assert.equal(await count(), before + late.length);
    assert.deepEqual(await daysToCompact(connection, nowMs), []);
  });
});

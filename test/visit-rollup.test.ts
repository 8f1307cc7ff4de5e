/**
 * The visit rollup (issue 16) on a real DuckDB file: the loader folds each batch into one row per
 * visit in the same transaction as the events, and the rows stay exactly what the visit's events
 * say whatever order and batching they arrive in (late events included); an upgraded file builds
 * its rollup from its events.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { buildVisitRollup, visitsFromEventsSql } from '../packages/server/src/store/duckdb/visit-rollup.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { tempDataDir } from './support/test-server.ts';

let dataDir: string;
let instance: DuckDBInstance;
let store: DuckDbEventStore;
let connection: DuckDBConnection;

before(async () => {
  dataDir = tempDataDir('zenovay-rollup-');
  instance = await openDuckDb(dataDir);
  store = await DuckDbEventStore.open(instance);
  connection = await instance.connect();
});
after(() => {
  connection.closeSync();
  store.close();
  instance.closeSync();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const visitColumns =
  "site_id, session_id, strftime(first_ts, '%H:%M:%S') AS first_at, strftime(last_ts, '%H:%M:%S') AS last_at, visitor_id, referrer_host, utm_source, country, device_type, entry_page, exit_page, pageviews::INTEGER AS pageviews, customs::INTEGER AS customs";

async function visitsOf(siteId: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(
    `SELECT ${visitColumns} FROM visits WHERE site_id = $1 ORDER BY session_id`,
    [siteId],
  );
  return reader.getRowObjectsJS();
}

async function recomputedVisitsOf(siteId: string): Promise<Record<string, unknown>[]> {
  const names =
    'site_id, session_id, first_ts, last_ts, visitor_id, referrer_host, hostname, query, utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, region, city, device_type, browser, os, entry_pv_ts, entry_page, exit_pv_ts, exit_page, pageviews, customs';
  const reader = await connection.runAndReadAll(
    `SELECT ${visitColumns} FROM (SELECT * FROM (${visitsFromEventsSql('(SELECT * FROM events WHERE site_id = $1)')}) t(${names})) v ORDER BY session_id`,
    [siteId],
  );
  return reader.getRowObjectsJS();
}

const at = (clock: string) => Date.parse(`2026-03-10T${clock}Z`);

describe('visit rollup maintained by the loader', () => {
  test('one visit sent out of order over three batches: a hand-computed row', async () => {
    const siteId = 'rollup-hand';
    const base = { siteId, sessionId: 's1', visitorId: 'v1' };
    // The visit's real order: landing from Google on /pricing, a signup, then /checkout.
    const landing = eventRow({
      ...base,
      ts: at('10:00:00'),
      pathname: '/pricing',
      referrerHost: 'google.com',
      utmSource: 'spring',
      country: 'DE',
      deviceType: 'mobile',
    });
    const signup = eventRow({
      ...base,
      ts: at('10:02:00'),
      eventType: 'custom',
      eventName: 'signup',
      pathname: '/pricing',
      country: 'FR',
    });
    const checkout = eventRow({
      ...base,
      ts: at('10:05:30'),
      pathname: '/checkout',
      referrerHost: 'example.com',
      country: 'FR',
    });
    await store.append([checkout]);
    await store.append([signup]);
    await store.append([landing]); // the first event arrives last (a late batch)
    assert.deepEqual(await visitsOf(siteId), [
      {
        site_id: siteId,
        session_id: 's1',
        first_at: '10:00:00',
        last_at: '10:05:30',
        visitor_id: 'v1',
        referrer_host: 'google.com',
        utm_source: 'spring',
        country: 'DE',
        device_type: 'mobile',
        entry_page: '/pricing',
        exit_page: '/checkout',
        pageviews: 2,
        customs: 1,
      },
    ]);
  });

  test('a visit with custom events only has no entry or exit page', async () => {
    const siteId = 'rollup-custom';
    await store.append([
      eventRow({ siteId, sessionId: 'srv', ts: at('09:00:00'), eventType: 'custom', eventName: 'purchase' }),
    ]);
    const [visit] = await visitsOf(siteId);
    assert.deepEqual(
      [visit?.entry_page, visit?.exit_page, visit?.pageviews, visit?.customs],
      [null, null, 0, 1],
    );
  });

  test('any order, any batching: the rollup equals the visits recomputed from the stored events', async () => {
    let run = 0;
    const eventArb = fc.record({
      session: fc.integer({ min: 0, max: 5 }),
      second: fc.integer({ min: 0, max: 7_200 }),
      pageview: fc.boolean(),
      page: fc.constantFrom('/', '/a', '/b', '/c/d'),
      ref: fc.constantFrom('', 'google.com', 'news.example'),
      country: fc.constantFrom('DE', 'US', ''),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(eventArb, {
          minLength: 1,
          maxLength: 40,
          selector: (e) => `${e.session}/${e.second}`,
        }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        async (events, batchSizes) => {
          const siteId = `rollup-prop-${++run}`;
          const rows: EventRow[] = events.map((e) =>
            eventRow({
              siteId,
              sessionId: `s${e.session}`,
              visitorId: `v${e.session}`,
              ts: t0 + e.second * 1_000,
              eventType: e.pageview ? 'pageview' : 'custom',
              eventName: e.pageview ? 'pageview' : 'signup',
              pathname: e.page,
              referrerHost: e.ref,
              country: e.country,
            }),
          );
          // The generated order is the arrival order (not time order); cut into batches.
          let start = 0;
          for (let i = 0; start < rows.length; i++) {
            const size = batchSizes[i % batchSizes.length]!;
            await store.append(rows.slice(start, start + size));
            start += size;
          }
          assert.deepEqual(await visitsOf(siteId), await recomputedVisitsOf(siteId));
        },
      ),
      { numRuns: 40 },
    );
  });

  test('an upgraded file (events, no rollup) builds it from its events, one site at a time', async () => {
    const siteId = 'rollup-upgrade';
    await store.append([
      eventRow({ siteId, sessionId: 'u1', ts: at('08:00:00'), pathname: '/x' }),
      eventRow({ siteId, sessionId: 'u1', ts: at('08:01:00'), pathname: '/y' }),
      eventRow({ siteId, sessionId: 'u2', ts: at('08:02:00'), pathname: '/z' }),
    ]);
    const expected = await visitsOf(siteId);
    // What an earlier version's file looks like after the migration: events, an empty rollup.
    await connection.run('DELETE FROM visits');
    await connection.run("UPDATE rollup_state SET built = false WHERE name = 'visits'");
    const lines: string[] = [];
    const log = { ...createLogger('silent'), info: (message: string) => lines.push(message) };
    await buildVisitRollup(connection, log);
    assert.deepEqual(await visitsOf(siteId), expected);
    assert.deepEqual(
      (await visitsOf('rollup-hand')).map((row) => [row.entry_page, row.exit_page, row.pageviews]),
      [['/pricing', '/checkout', 2]],
    );
    assert.ok(lines.includes('visit rollup progress'), lines.join('\n'));
    const state = await connection.runAndReadAll("SELECT built FROM rollup_state WHERE name = 'visits'");
    assert.equal(state.getRowObjectsJS()[0]?.built, true);
  });
});

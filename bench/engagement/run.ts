/**
 * Storage per 1M heartbeats (issue 15), on both stores, through the real write path's sinks:
 * heartbeats are generated as readers send them (every 15 s while a page is read, cumulative),
 * in time order, and loaded in batches as the log's loader hands them over, so a pageview's
 * heartbeats span several batches. Printed for docs/engagement.md:
 * - the append log's bytes per heartbeat (checksummed JSON lines, deleted once loaded);
 * - DuckDB: `engagement` rows and the file's growth after CHECKPOINT;
 * - ClickHouse: rows and bytes on disk of the active parts, before and after the engine's merge
 *   (OPTIMIZE … FINAL), when a ClickHouse server is installed.
 *
 *   node --import tsx bench/engagement/run.ts [--heartbeats 1000000] [--batch 5000] [--no-clickhouse]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeRecords } from '../../packages/server/src/event-log/records.ts';
import type { HeartbeatRow } from '../../packages/server/src/ingest/heartbeat-types.ts';
import type { EventRow } from '../../packages/server/src/ingest/types.ts';
import { ClickHouseEventStore } from '../../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';
import { DuckDbEventStore } from '../../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../../packages/server/src/store/duckdb/open.ts';
import { missingService, startService } from '../../test/support/services.ts';

const { values } = parseArgs({
  options: {
    heartbeats: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '5000' },
    'no-clickhouse': { type: 'boolean', default: false },
  },
});
const total = Number(values.heartbeats);
const batchSize = Number(values.batch);

/**
 * Readers: each pageview sends 2–20 heartbeats 15 s apart (a median read of ~2.5 minutes); one
 * visit in three reads a second page. 200 pages, 3 sites. Deterministic (a fixed LCG).
 */
function generate(count: number): HeartbeatRow[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const start = Date.parse('2026-03-10T00:00:00Z');
  const rows: HeartbeatRow[] = [];
  let pageview = 0;
  while (rows.length < count) {
    const visit = Math.floor(pageview / 1.33);
    const beats = 2 + Math.floor(random() * 19);
    const begin = start + Math.floor(random() * 86_400_000);
    const path = `/articles/${Math.floor(random() * 200)}`;
    for (let i = 1; i <= beats && rows.length < count; i++) {
      rows.push({
        kind: 'heartbeat',
        ts: begin + i * 15_000,
        siteId: `site-${visit % 3}`,
        sessionId: `zs_${visit.toString(36).padStart(16, '0')}`,
        visitorId: `v${(visit * 7).toString(36).padStart(21, '0')}`,
        eventId: '',
        hostname: 'example.com',
        pathname: path,
        pageviewKey: `${begin}${random()}`,
        engagedMs: i * 15_000,
        scrollMax: Math.min(100, i * 7),
      });
    }
    // The same key for all beats of one pageview.
    const key = rows.at(-1)!.pageviewKey;
    for (let i = rows.length - Math.min(beats, rows.length); i < rows.length; i++) {
      rows[i] = { ...rows[i]!, pageviewKey: key };
    }
    pageview++;
  }
  return rows.sort((a, b) => a.ts - b.ts);
}

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const perBeat = (bytes: number) => `${(bytes / total).toFixed(1)} B/heartbeat`;

const rows = generate(total);
const pageviews = new Set(rows.map((row) => `${row.siteId} ${row.sessionId} ${row.pageviewKey}`)).size;
console.log(
  `${total.toLocaleString('en')} heartbeats of ${pageviews.toLocaleString('en')} pageviews, batches of ${batchSize}`,
);

const logBytes = encodeRecords(rows.slice(0, 10_000).map((row, i) => ({ key: `u:${i}`, row }))).length;
console.log(`append log: ~${(logBytes / 10_000).toFixed(0)} B per heartbeat while unloaded`);

// DuckDB: the growth of the file after a checkpoint.
{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-bench-engagement-'));
  const instance = await openDuckDb(dir);
  const connection = await instance.connect();
  const file = path.join(dir, 'zenovay.duckdb');
  await connection.run('CHECKPOINT');
  const before = fs.statSync(file).size;
  const store = await DuckDbEventStore.open(instance);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batchSize) await store.append(rows.slice(i, i + batchSize));
  const loadMs = performance.now() - started;
  await connection.run('CHECKPOINT');
  const grown = fs.statSync(file).size - before;
  const count = Number(
    (await connection.runAndReadAll('SELECT count(*) AS n FROM engagement')).getRowObjectsJS()[0]!.n,
  );
  const events = Number(
    (await connection.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjectsJS()[0]!.n,
  );
  console.log(
    `DuckDB: ${count.toLocaleString('en')} engagement rows, ${events} event rows; file +${mib(grown)} (${perBeat(grown)}); loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );
  store.close();
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
}

// For comparison: the same heartbeats stored as one event row each (a custom event carrying the
// two values as properties), what the design avoids.
{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-bench-engagement-events-'));
  const instance = await openDuckDb(dir);
  const connection = await instance.connect();
  const file = path.join(dir, 'zenovay.duckdb');
  await connection.run('CHECKPOINT');
  const before = fs.statSync(file).size;
  const store = await DuckDbEventStore.open(instance);
  const asEvents: EventRow[] = rows.map((row) => ({
    ts: row.ts,
    siteId: row.siteId,
    eventType: 'custom',
    eventName: 'engagement',
    hostname: row.hostname,
    pathname: row.pathname,
    query: '',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    referrer: '',
    referrerHost: '',
    sessionId: row.sessionId,
    visitorId: row.visitorId,
    deviceType: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: 'DE',
    region: '',
    city: '',
    propKeys: ['engaged_ms', 'scroll_depth'],
    propValues: [String(row.engagedMs), String(row.scrollMax)],
    eventId: '',
    revenueE4: '0',
    revenueCurrency: '',
  }));
  for (let i = 0; i < asEvents.length; i += batchSize) await store.append(asEvents.slice(i, i + batchSize));
  await connection.run('CHECKPOINT');
  const grown = fs.statSync(file).size - before;
  console.log(`DuckDB, as one event row each instead: file +${mib(grown)} (${perBeat(grown)})`);
  store.close();
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
}

// ClickHouse: active parts of the engagement table, before and after the engine folds them.
const skip = values['no-clickhouse'] ? 'skipped (--no-clickhouse)' : missingService('clickhouse');
if (skip) console.log(`ClickHouse: ${skip}`);
else {
  const server = await startService('clickhouse');
  try {
    const target = { shardUrls: [server.url], database: 'bench_engagement' };
    const store = await ClickHouseEventStore.open(target);
    for (let i = 0; i < rows.length; i += batchSize) await store.append(rows.slice(i, i + batchSize));
    const http = new ClickHouseHttp(server.url);
    const parts = async () =>
      (
        await http.rows<{ rows: string; bytes: string; parts: string }>(
          `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes, count() AS parts FROM system.parts WHERE database = 'bench_engagement' AND table = 'engagement' AND active`,
        )
      )[0]!;
    const loaded = await parts();
    const keys = await http.rows<{ n: string }>(
      'SELECT count() AS n FROM (SELECT 1 FROM bench_engagement.engagement GROUP BY site_id, session_id, pageview_key)',
    );
    console.log(`ClickHouse: ${keys[0]!.n} distinct pageviews stored`);
    await http.exec('OPTIMIZE TABLE bench_engagement.engagement FINAL');
    const merged = await parts();
    console.log(
      `ClickHouse: as loaded ${Number(loaded.rows).toLocaleString('en')} rows, ${mib(Number(loaded.bytes))} (${perBeat(Number(loaded.bytes))}); merged (${merged.parts} part) ${Number(merged.rows).toLocaleString('en')} rows, ${mib(Number(merged.bytes))} (${perBeat(Number(merged.bytes))})`,
    );
  } finally {
    await server.destroy();
  }
}

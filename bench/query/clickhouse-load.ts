/**
 * A `bench:query` dataset (a DuckDB file, datasets.ts) copied into ClickHouse, into the server's
 * own schema: `ClickHouseEventStore.open` creates the database as a node does at its first start
 * (store/clickhouse/schema.ts, with the visit rollup's table and materialized view,
 * store/clickhouse/visit-buckets.ts, marked built while still empty), then the events go in as
 * TabSeparated, 1M rows per INSERT, every column as the loader writes it (event-store.ts
 * `valuesTuple`: ts, ts_ms, a content key `h:…` as row_key, precedence 10^13 - ts_ms), so the
 * materialized view fills the rollup from the insert's blocks as it does from the loader's
 * batches. Then `OPTIMIZE … FINAL` on both tables: the merged state background merges reach.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ClickHouseEventStore } from '../../packages/server/src/store/clickhouse/event-store.ts';
import type { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';
import { eventColumns } from '../../packages/server/src/store/clickhouse/schema.ts';
import { visitBucketsBuilt } from '../../packages/server/src/store/clickhouse/visit-buckets.ts';

/** Rows per INSERT statement. */
const insertSlice = 1_000_000;

/** Earlier rows get a larger precedence (as event-store.ts). */
const precedenceBase = 10_000_000_000_000;

/** Each ClickHouse column from the DuckDB events table, as text in TabSeparated. */
function exportExpression(column: string, duckColumns: ReadonlySet<string>): string {
  const array = (name: string) =>
    `'[' || coalesce(array_to_string(list_transform(${name}, x -> '''' || x || ''''), ','), '') || ']'`;
  switch (column) {
    case 'ts':
      return "strftime(ts, '%Y-%m-%d %H:%M:%S')";
    case 'ts_ms':
      return 'epoch_ms(ts)';
    case 'row_key':
      return `'h:' || md5(CAST(rowid AS VARCHAR))`;
    case 'precedence':
      return `${precedenceBase} - epoch_ms(ts)`;
    case 'prop_keys':
    case 'prop_values':
      return array(column);
    case 'interactive':
      return duckColumns.has('interactive') ? 'CAST(interactive AS INTEGER)' : '1';
    default:
      return column;
  }
}

function postFile(baseUrl: string, query: string, file: string): Promise<void> {
  const url = new URL(baseUrl);
  url.searchParams.set('query', query);
  // Smaller blocks than the default 1M rows: each is sorted, and folded by the rollup's view.
  url.searchParams.set('max_insert_block_size', '262144');
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => {
        if (response.statusCode === 200) resolve();
        else reject(new Error(`ClickHouse ${response.statusCode}: ${body.trim().slice(0, 500)}`));
      });
    });
    request.on('error', reject);
    fs.createReadStream(file).on('error', reject).pipe(request);
  });
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Fills `database` from the DuckDB events unless it already holds as many events with a built
 * rollup (then it is reused as it is).
 */
export async function loadIntoClickHouse(
  duck: DuckDBConnection,
  clickhouse: ClickHouseHttp,
  url: string,
  database: string,
  label: string,
): Promise<void> {
  const count = async (sql: string) => Number((await duck.runAndReadAll(sql)).getRowObjectsJS()[0]?.n);
  const events = await count('SELECT count(*) AS n FROM events');
  const held = await clickhouse
    .rows<{ n: string }>(`SELECT count() AS n FROM ${database}.events`)
    .then((rows) => Number(rows[0]?.n ?? 0))
    .catch(() => -1);
  if (held === events && (await visitBucketsBuilt(clickhouse, database).catch(() => false))) {
    console.log(
      `${label} ClickHouse database ${database} already holds its ${events.toLocaleString('en')} events`,
    );
    return;
  }
  await clickhouse.exec(`DROP DATABASE IF EXISTS ${database}`);
  const store = await ClickHouseEventStore.open({ shardUrls: [url], database });
  await store.rollupBuilt();
  store.close();

  const duckColumns = new Set(
    (await duck.runAndReadAll("SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'"))
      .getRowObjectsJS()
      .map((row) => String(row.column_name)),
  );
  const names = eventColumns.map(([name]) => name);
  const select = names.map((name) => exportExpression(name, duckColumns)).join(', ');
  const insert = `INSERT INTO ${database}.events (${names.join(', ')}) FORMAT TabSeparated`;
  const file = path.join(os.tmpdir(), `zenovay-bench-query-${database}-${process.pid}.tsv`);
  // In slices of rowids: one INSERT of 10M rows goes over 18.16's 2 GB per-query memory limit.
  const range = (
    await duck.runAndReadAll('SELECT min(rowid) AS lo, max(rowid) AS hi FROM events')
  ).getRowObjectsJS()[0];
  const [lo, hi] = [Number(range?.lo ?? 0), Number(range?.hi ?? -1)];
  const started = performance.now();
  let exporting = 0;
  try {
    for (let from = lo; from <= hi; from += insertSlice) {
      const sliceStarted = performance.now();
      await duck.run(
        `COPY (SELECT ${select} FROM events WHERE rowid >= ${from} AND rowid < ${from + insertSlice})
         TO '${file}' (FORMAT CSV, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '', NULLSTR '\\N')`,
      );
      exporting += performance.now() - sliceStarted;
      await postFile(url, insert, file);
    }
    console.log(
      `${label} ClickHouse: ${events.toLocaleString('en')} events inserted (with the rollup's view) in ${seconds(started)}, ${(exporting / 1000).toFixed(1)} s of it exporting from DuckDB`,
    );
  } finally {
    fs.rmSync(file, { force: true });
  }
  const optimized = performance.now();
  await clickhouse.exec(`OPTIMIZE TABLE ${database}.events FINAL`);
  await clickhouse.exec(`OPTIMIZE TABLE ${database}.visit_buckets FINAL`);
  console.log(`${label} ClickHouse: OPTIMIZE … FINAL of events and visit_buckets in ${seconds(optimized)}`);
  const stored = Number(
    (await clickhouse.rows<{ n: string }>(`SELECT count() AS n FROM ${database}.events`))[0]?.n ?? 0,
  );
  if (stored !== events) throw new Error(`ClickHouse holds ${stored} events of ${events}`);
}

/**
 * `npm run bench:query [-- --events 10M --sites 200 --days 90 --runs 5 --reuse --arrival-order]`
 * Generates a synthetic dataset into a temp DuckDB file, compacts its closed days as the server
 * does in the background (store/duckdb/event-compaction.ts), then times the full 30-day dashboard
 * overview (every panel's query, with the previous-period comparison) for the largest site:
 * the wall time of the whole page (one `queryMany` batch, as the dashboard asks) and each query
 * alone (`query`, which scans the events itself).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { createLogger } from '../../packages/server/src/log.ts';
import { createDuckDbStatsEngine, overviewQueries } from '../../packages/server/src/stats/index.ts';
import { compactClosedDays } from '../../packages/server/src/store/duckdb/event-compaction.ts';
import { migrate } from '../../packages/server/src/store/duckdb/migrations.ts';
import { buildVisitRollup } from '../../packages/server/src/store/duckdb/visit-rollup.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { generateEvents, siteId } from './generate.ts';
import { benchGoals, fillFxRates, goalsPanelQuery } from './goals.ts';

function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!match) throw new Error(`not a count: ${text} (e.g. 1M, 10M, 500k)`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2] ?? ''] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1M' },
    sites: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '5' },
    timezone: { type: 'string', default: 'Europe/Berlin' },
    site: { type: 'string', default: siteId(0) },
    db: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    /** Skip the compaction of closed days: time the layout ingest alone produces. */
    'arrival-order': { type: 'boolean', default: false },
  },
});

const events = parseCount(values.events);
const runs = Number(values.runs);
const endMs = Date.parse('2026-03-10T12:00:00Z');
const dbPath = values.db ?? path.join(os.tmpdir(), `zenovay-bench-query-${events}.duckdb`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  const exists = fs.existsSync(dbPath);
  if (exists && !values.reuse) fs.rmSync(dbPath);
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  await migrate(connection);
  const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowObjectsJS()[0]?.n);
  if (!(exists && values.reuse) || (await count('SELECT count(*) AS n FROM events')) !== events) {
    await connection.run('DELETE FROM events');
    await connection.run('DELETE FROM visits');
    await connection.run("UPDATE rollup_state SET built = false WHERE name = 'visits'");
    const started = performance.now();
    await generateEvents(connection, {
      events,
      sites: Number(values.sites),
      days: Number(values.days),
      endMs,
    });
    await connection.run('CHECKPOINT');
    console.log(
      `generated ${events.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${dbPath}`,
    );
  }
  // The server rewrites each closed day ordered by site in the background (event-compaction.ts);
  // do here what it would have done by `endMs`. Days still open stay in arrival order.
  const compactStarted = performance.now();
  const compacted = values['arrival-order']
    ? { days: 0, rows: 0 }
    : await compactClosedDays(connection, endMs);
  if (compacted.days > 0) {
    await connection.run('CHECKPOINT');
    console.log(
      `compacted ${compacted.days} closed days (${compacted.rows.toLocaleString('en')} rows) in ${((performance.now() - compactStarted) / 1000).toFixed(1)} s`,
    );
  }
  // The visit rollup the loader maintains as it loads (store/duckdb/visit-rollup.ts), built here
  // from the generated events as an upgraded file's is on its first start.
  const rollupStarted = performance.now();
  await buildVisitRollup(connection, createLogger('warn'));
  const visitRows = await count('SELECT count(*) AS n FROM visits');
  console.log(
    `visit rollup: ${visitRows.toLocaleString('en')} visits (${((performance.now() - rollupStarted) / 1000).toFixed(1)} s if built now)`,
  );
  const siteEvents = await count(
    `SELECT count(*) AS n FROM events WHERE site_id = '${values.site}' AND ts >= make_timestamp(${endMs - 30 * 86_400_000} * 1000)`,
  );
  console.log(
    `dataset: ${(await count('SELECT count(*) AS n FROM events')).toLocaleString('en')} events, ` +
      `${await count('SELECT count(DISTINCT site_id) AS n FROM events')} sites; ` +
      `${values.site} has ${siteEvents.toLocaleString('en')} events in the last 30 days`,
  );

  const site: Site = {
    id: values.site,
    domain: `${values.site}.example`,
    name: values.site,
    trackingCode: values.site,
    timezone: values.timezone,
    createdAt: new Date(0).toISOString(),
  };
  const engine = createDuckDbStatsEngine(instance, { goals: async () => benchGoals(site.id) });
  await fillFxRates(connection, endMs);
  const queries = overviewQueries(site.id, { kind: 'preset', preset: '30d' });
  const panels = Object.entries(queries);
  const nowMs = endMs - 1;

  // The page as one batch (`queryMany`: one statement, one scan of the range's events), and as
  // the dashboard sends it: one request per panel, all at once, which the engine coalesces.
  const page = async () => engine.queryMany(Object.values(queries), site, nowMs);
  const panelRequests = async () =>
    Promise.all(Object.values(queries).map((query) => engine.query(query, site, nowMs)));
  // CPU time of this process (DuckDB's worker threads included) does not grow when other
  // processes compete for the cores, unlike wall time: wall time on an idle machine lies between
  // cpu / cores and cpu.
  /** Wall and CPU time (all threads) of one run, added to the two lists. */
  const measure = async (work: () => Promise<unknown>, wall: number[], cpuMs: number[]) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await work();
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    wall.push(performance.now() - started);
  };
  const timed = async (work: () => Promise<unknown>) => {
    await work(); // warm-up: first touch of the file's blocks
    const wall: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < runs; i++) await measure(work, wall, cpuMs);
    return { wall, cpuMs };
  };
  const { wall: pageTimes, cpuMs: pageCpu } = await timed(page);
  // The same page with the Goals panel (every goal, conversions, conversion rate and revenue in
  // the goal's currency), timed in alternation with the page without it so both see the same load.
  const withGoals = [...Object.values(queries), goalsPanelQuery(site.id)];
  const plain: number[] = [];
  const goalsPage: number[] = [];
  const plainCpu: number[] = [];
  const goalsCpu: number[] = [];
  await engine.queryMany(withGoals, site, nowMs);
  // Which of the pair runs first alternates too: the first of a pair pays for what the previous
  // run left behind (evicted blocks, garbage), which would otherwise count against one side.
  const withPanel = () => measure(() => engine.queryMany(withGoals, site, nowMs), goalsPage, goalsCpu);
  const without = () => measure(page, plain, plainCpu);
  for (let i = 0; i < runs * 2; i++) {
    if (i % 2 === 0) {
      await without();
      await withPanel();
    } else {
      await withPanel();
      await without();
    }
  }
  // The page with visits rebuilt from the events of the range (what the stats engine does while
  // the rollup is not built yet, and did before issue 16), alternating with the rollup page.
  const setBuilt = (built: boolean) =>
    connection.run(`UPDATE rollup_state SET built = ${built} WHERE name = 'visits'`);
  const rollupWall: number[] = [];
  const rollupCpu: number[] = [];
  const rebuiltWall: number[] = [];
  const rebuiltCpu: number[] = [];
  for (let i = 0; i < runs * 2; i++) {
    const rebuilt = async () => {
      await setBuilt(false);
      await measure(page, rebuiltWall, rebuiltCpu);
      await setBuilt(true);
    };
    const rollup = () => measure(page, rollupWall, rollupCpu);
    if (i % 2 === 0) {
      await rollup();
      await rebuilt();
    } else {
      await rebuilt();
      await rollup();
    }
  }
  const concurrent = await timed(panelRequests);
  const single: Array<[string, number, number]> = [];
  for (const [name, q] of panels) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await engine.query(q, site, nowMs);
      times.push(performance.now() - started);
    }
    single.push([name, median(times), Math.min(...times)]);
  }
  console.log(
    `\n30-day dashboard overview, ${panels.length} queries, tz ${site.timezone}; ${runs} runs: median / best`,
  );
  for (const [name, t, best] of single) console.log(`  ${name.padEnd(20)} ${ms(t)} / ${ms(best)}`);
  const sum = (i: 1 | 2) => single.reduce((a, row) => a + row[i], 0);
  console.log(`  ${'sum, one by one'.padEnd(20)} ${ms(sum(1))} / ${ms(sum(2))}`);
  const pageLine = `${ms(median(pageTimes))} / ${ms(Math.min(...pageTimes))}`;
  console.log(`  ${'whole page (batch)'.padEnd(20)} ${pageLine}   <- one queryMany`);
  console.log(
    `  ${'  its CPU time'.padEnd(20)} ${ms(median(pageCpu))} / ${ms(Math.min(...pageCpu))}   (all threads)`,
  );
  console.log(
    `  ${'page + goals panel'.padEnd(20)} ${ms(median(goalsPage))} / ${ms(Math.min(...goalsPage))}   vs ${ms(median(plain)).trim()} without (alternating runs): ${((median(goalsPage) / median(plain) - 1) * 100).toFixed(0)}% more`,
  );
  console.log(
    `  ${'  its CPU time'.padEnd(20)} ${ms(median(goalsCpu))} / ${ms(Math.min(...goalsCpu))}   vs ${ms(median(plainCpu)).trim()} without: ${((median(goalsCpu) / median(plainCpu) - 1) * 100).toFixed(0)}% more`,
  );
  console.log(
    `  ${'page, visit rollup'.padEnd(20)} ${ms(median(rollupWall))} / ${ms(Math.min(...rollupWall))}   vs ${ms(median(rebuiltWall)).trim()} with visits rebuilt from events (alternating runs): ${(median(rebuiltWall) / median(rollupWall)).toFixed(2)}x`,
  );
  console.log(
    `  ${'  its CPU time'.padEnd(20)} ${ms(median(rollupCpu))} / ${ms(Math.min(...rollupCpu))}   vs ${ms(median(rebuiltCpu)).trim()} rebuilt: ${(median(rebuiltCpu) / median(rollupCpu)).toFixed(2)}x`,
  );
  console.log(
    `  ${'panels as requests'.padEnd(20)} ${ms(median(concurrent.wall))} / ${ms(Math.min(...concurrent.wall))}   (concurrent query() calls, coalesced)`,
  );
  console.log(
    `  ${'  its CPU time'.padEnd(20)} ${ms(median(concurrent.cpuMs))} / ${ms(Math.min(...concurrent.cpuMs))}`,
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  connection.closeSync();
}

await main();

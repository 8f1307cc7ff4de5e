/**
 * `npm run bench:query -- --details`: the DuckDB page of one site taken apart (the output
 * `bench:query` printed before it timed both engines): the whole page as one `queryMany` batch, with
 * the Goals panel, with visits rebuilt from events instead of the rollup, as concurrent panel
 * requests, and each query alone; wall and CPU time.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbStatsEngine, overviewQueries } from '../../packages/server/src/stats/index.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { benchGoals, fillFxRates, goalsPanelQuery } from './goals.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;

export async function duckDbDetails(
  instance: DuckDBInstance,
  connection: DuckDBConnection,
  options: { site: string; timezone: string; runs: number; endMs: number },
): Promise<void> {
  const runs = options.runs;
  const endMs = options.endMs;
  const site: Site = {
    id: options.site,
    domain: `${options.site}.example`,
    name: options.site,
    trackingCode: options.site,
    timezone: options.timezone,
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
}

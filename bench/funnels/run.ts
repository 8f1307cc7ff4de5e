/**
 * The two DuckDB formulations of the funnel chain (funnels/chain-duckdb.ts) on the query bench's
 * dataset: a COPY of bench/query's generated file (one process may open a DuckDB file), site-0
 * over the last 30 days. Each funnel runs with both methods; the answers must be equal, and the
 * wall and CPU times (median of --runs) are printed for docs/funnels.md.
 *
 *   npm run bench:query -- --events 10M     (once: generates /tmp/zenovay-bench-query-10000000.duckdb)
 *   node --import tsx bench/funnels/run.ts [--events 10000000] [--runs 5] [--site site-0]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDbChainMethod } from '../../packages/server/src/funnels/chain-duckdb.ts';
import { createDuckDbFunnelEngine } from '../../packages/server/src/funnels/engines.ts';
import type { FunnelQuery } from '../../packages/server/src/funnels/funnel-engine.ts';
import type { FunnelDefinition } from '../../packages/server/src/funnels/types.ts';
import { migrate } from '../../packages/server/src/store/duckdb/migrations.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { benchGoals, fillFxRates } from '../query/goals.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    site: { type: 'string', default: 'site-0' },
  },
});
const runs = Number(values.runs);
const source = path.join(os.tmpdir(), `zenovay-bench-query-${values.events}.duckdb`);
const endMs = Date.parse('2026-03-10T12:00:00Z');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const funnels: Record<string, FunnelDefinition> = {
  'home → product → Signup → Purchase, 24h': {
    steps: [
      { kind: 'page', pagePath: '/', label: null },
      { kind: 'page', pagePath: '/p/1*', label: null },
      { kind: 'goal', goalId: 'g1', label: null },
      { kind: 'goal', goalId: 'g2', label: null },
    ],
    windowMs: 86_400_000,
    order: 'sequential',
  },
  'the same, strict': {
    steps: [
      { kind: 'page', pagePath: '/', label: null },
      { kind: 'page', pagePath: '/p/1*', label: null },
      { kind: 'goal', goalId: 'g1', label: null },
      { kind: 'goal', goalId: 'g2', label: null },
    ],
    windowMs: 86_400_000,
    order: 'strict',
  },
  '8 steps (pages and events), 7d': {
    steps: [
      { kind: 'page', pagePath: '/', label: null },
      { kind: 'page', pagePath: '/p/*', label: null },
      { kind: 'event', eventName: 'Download', properties: [], label: null },
      { kind: 'page', pagePath: '/p/1*', label: null },
      { kind: 'goal', goalId: 'g4', label: null },
      { kind: 'page', pagePath: '/p/2*', label: null },
      { kind: 'goal', goalId: 'g1', label: null },
      { kind: 'goal', goalId: 'g2', label: null },
    ],
    windowMs: 7 * 86_400_000,
    order: 'sequential',
  },
};

async function main(): Promise<void> {
  if (!fs.existsSync(source))
    throw new Error(`${source} is missing: run npm run bench:query -- --events ${values.events} first`);
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-bench-funnels-')), 'bench.duckdb');
  fs.copyFileSync(source, copy);
  const instance = await DuckDBInstance.create(copy);
  try {
    const connection = await instance.connect();
    await migrate(connection);
    await fillFxRates(connection, endMs);
    const siteEvents = Number(
      (
        await connection.runAndReadAll(
          `SELECT count(*) AS n FROM events WHERE site_id = '${values.site}' AND ts >= make_timestamp(${endMs - 30 * 86_400_000} * 1000)`,
        )
      ).getRowObjectsJS()[0]?.n,
    );
    connection.closeSync();
    console.log(
      `${values.site}: ${siteEvents.toLocaleString('en')} events in the last 30 days (of ${values.events})`,
    );
    const site: Site = {
      id: values.site,
      domain: `${values.site}.example`,
      name: values.site,
      trackingCode: values.site,
      timezone: 'UTC',
      createdAt: new Date(0).toISOString(),
    };
    const goals = async () => benchGoals(site.id);
    const engines = {
      window: createDuckDbFunnelEngine(instance, { goals, method: 'window' }),
      range: createDuckDbFunnelEngine(instance, { goals, method: 'range' }),
    };
    for (const [name, definition] of Object.entries(funnels)) {
      const query: FunnelQuery = {
        siteId: site.id,
        dateRange: { kind: 'preset', preset: '30d' },
        filters: [],
        definition,
        funnel: null,
        breakdown: null,
      };
      const answers: Record<string, string> = {};
      const line: string[] = [];
      for (const method of ['window', 'range'] as DuckDbChainMethod[]) {
        const run = () => engines[method].query(query, site, endMs - 1);
        answers[method] = JSON.stringify((await run()).steps); // warm-up, and the answer
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < runs; i++) {
          const started = performance.now();
          const used = process.cpuUsage();
          await run();
          const spent = process.cpuUsage(used);
          wall.push(performance.now() - started);
          cpu.push((spent.user + spent.system) / 1000);
        }
        line.push(`${method}: ${median(wall).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU`);
      }
      if (answers.window !== answers.range)
        throw new Error(`${name}: the methods disagree\n${answers.window}\n${answers.range}`);
      const visitors = (JSON.parse(answers.window!) as Array<{ visitors: number }>).map((s) => s.visitors);
      console.log(`${name} [${visitors.join(' → ')}]\n  ${line.join('   ')}`);
    }
  } finally {
    instance.closeSync();
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench:query [-- --events 10M --big-events 10M --sites 200 --days 90 --runs 5
 *   --shapes typical,big --engines duckdb,clickhouse --clickhouse URL --reuse --arrival-order
 *   --timezone Europe/Berlin --site site-0 --db FILE --details]`
 *
 * Issue 16's acceptance bench: the dashboard page (every panel of `overviewQueries` with the
 * previous-period comparison, as one `queryMany` page through the server's stats engine, as the
 * dashboard asks; bench/scale/query-data.ts `dashboardPage`), warm (median of `--runs` after one
 * run that warms the caches), on two dataset shapes (datasets.ts) and on both engines:
 * - typical: `--events` events of 200 long-tailed sites over `--days` days;
 * - big: one site with `--big-events` events in its last 30 days, plus `--events` more of 199
 *   other sites.
 * For each: the 30-day and the 12-month page of the largest site (`--site` names another for the
 * typical shape) and the 30-day page of a typical (median-sized) site. Prints one table, rows =
 * shape × engine, each time with its target. DuckDB: the shape's temp file, closed days compacted,
 * visit rollup built, as the embedded server has them. ClickHouse: the same rows copied into the
 * server's schema (clickhouse-load.ts), on `--clickhouse URL` (its databases are reused while they
 * hold the shape's events) or on a ClickHouse (Debian's 18.16) started for the run and removed
 * after, as `bench:scale` does. `--details` also takes the typical shape's DuckDB page apart
 * (details.ts).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ClickHouseStatsEngine } from '../../packages/server/src/stats/clickhouse-engine.ts';
import { createDuckDbStatsEngine, type StatsEngine } from '../../packages/server/src/stats/index.ts';
import { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { type RunningService, startService } from '../../test/support/services.ts';
import { dashboardPage } from '../scale/query-data.ts';
import { loadIntoClickHouse } from './clickhouse-load.ts';
import { type Dataset, eventsOf, largestSite, openDataset, type ShapeName, typicalSite } from './datasets.ts';
import { duckDbDetails } from './details.ts';

function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!match) throw new Error(`not a count: ${text} (e.g. 1M, 10M, 500k)`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2] ?? ''] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10M' },
    'big-events': { type: 'string', default: '10M' },
    sites: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '5' },
    timezone: { type: 'string', default: 'Europe/Berlin' },
    /** The typical shape's "largest" site (default: the one with most events in 30 days). */
    site: { type: 'string' },
    /** The typical shape's DuckDB file. */
    db: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    /** Skip the compaction of closed days: time the layout ingest alone produces (typical shape). */
    'arrival-order': { type: 'boolean', default: false },
    shapes: { type: 'string', default: 'typical,big' },
    engines: { type: 'string', default: 'duckdb,clickhouse' },
    clickhouse: { type: 'string' },
    details: { type: 'boolean', default: false },
  },
});

const list = <T extends string>(text: string, allowed: readonly T[]): T[] => {
  const items = text.split(',').map((item) => item.trim());
  for (const item of items)
    if (!allowed.includes(item as T)) throw new Error(`unknown ${item}; one of ${allowed.join(', ')}`);
  return items as T[];
};
const shapes = list<ShapeName>(values.shapes, ['typical', 'big']);
type EngineName = 'duckdb' | 'clickhouse';
const engines = list<EngineName>(values.engines, ['duckdb', 'clickhouse']);
const events = parseCount(values.events);
const bigEvents = parseCount(values['big-events']);
const runs = Number(values.runs);
/** The datasets end here; pages are asked at "now" = just before. */
const endMs = Date.parse('2026-03-10T12:00:00Z');
const nowMs = endMs - 1;

const targets = { days30: 300, months12: 1000, typical: 50 } as const;
type Column = keyof typeof targets;

interface Row {
  shape: ShapeName;
  engine: EngineName;
  times: Record<Column, number>;
  answers: Record<Column, string>;
  /** Why a page failed, when it did. */
  errors: Partial<Record<Column, string>>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Median wall time of `runs` runs after one that warms the caches; its answer as JSON. */
async function warm(page: () => Promise<unknown>): Promise<{ ms: number; answer: string }> {
  const answer = JSON.stringify(await page());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await page();
    times.push(performance.now() - started);
  }
  return { ms: median(times), answer };
}

function siteRecord(id: string): Site {
  return {
    id,
    domain: `${id}.example`,
    name: id,
    trackingCode: id,
    timezone: values.timezone,
    createdAt: new Date(0).toISOString(),
  };
}

async function timePages(
  engine: StatsEngine,
  biggest: string,
  typical: string,
): Promise<Pick<Row, 'times' | 'answers' | 'errors'>> {
  const pages: Record<Column, () => Promise<unknown>> = {
    days30: dashboardPage(engine, { site: siteRecord(biggest), nowMs, preset: '30d' }),
    months12: dashboardPage(engine, { site: siteRecord(biggest), nowMs, preset: '12mo' }),
    typical: dashboardPage(engine, { site: siteRecord(typical), nowMs, preset: '30d' }),
  };
  const times = {} as Record<Column, number>;
  const answers = {} as Record<Column, string>;
  const errors: Partial<Record<Column, string>> = {};
  for (const column of Object.keys(pages) as Column[]) {
    try {
      const result = await warm(pages[column]);
      times[column] = result.ms;
      answers[column] = result.answer;
    } catch (error) {
      // A page the engine cannot answer (e.g. over ClickHouse's per-query memory limit) is a
      // result too: the table says why, and the other pages are still timed.
      const message = error instanceof Error ? error.message : String(error);
      times[column] = Number.NaN;
      answers[column] = '';
      errors[column] = /Memory limit/.test(message) ? 'memory limit' : message.slice(0, 60);
      console.log(`  ${column}: failed: ${message.slice(0, 300)}`);
    }
  }
  return { times, answers, errors };
}

function describe(dataset: Dataset, biggest: string, typical: string): string {
  const n = (x: number) => x.toLocaleString('en');
  return (
    `${dataset.name}: ${n(dataset.events)} events, ${dataset.sites} sites; ` +
    `largest ${biggest} ${n(eventsOf(dataset, biggest))} events in the last 30 days, ` +
    `typical (median) ${typical} ${n(eventsOf(dataset, typical))}`
  );
}

function table(rows: readonly Row[]): string {
  const cell = (column: Column, ms: number, error?: string) => {
    if (error !== undefined) return `failed: ${error} (not met)`;
    const target = targets[column];
    const shown = ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
    return `${shown} (${ms <= target ? 'met' : 'not met'})`;
  };
  const lines = [
    `| shape | engine | 30-day page, largest site (≤ ${targets.days30} ms) | 12-month page, largest site (≤ ${targets.months12 / 1000} s) | 30-day page, typical site (≤ ${targets.typical} ms) |`,
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.shape} | ${row.engine} | ${cell('days30', row.times.days30, row.errors.days30)} | ${cell('months12', row.times.months12, row.errors.months12)} | ${cell('typical', row.times.typical, row.errors.typical)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const started = performance.now();
  const services: RunningService[] = [];
  const rows: Row[] = [];
  const notes: string[] = [];
  let clickhouseVersion = '';
  try {
    let clickhouseUrl = values.clickhouse;
    if (engines.includes('clickhouse') && clickhouseUrl === undefined) {
      const service = await startService('clickhouse');
      services.push(service);
      clickhouseUrl = service.url;
    }
    // Long enough for a big site's page on ClickHouse 18.16 on a small box.
    const http = clickhouseUrl ? new ClickHouseHttp(clickhouseUrl, {}, 1_800_000) : undefined;
    if (http) {
      const [row] = await http.rows<{ v: string }>('SELECT version() AS v');
      clickhouseVersion = `; ClickHouse ${row?.v}`;
    }
    for (const shape of shapes) {
      const dataset = await openDataset({
        name: shape,
        events,
        bigEvents,
        sites: Number(values.sites),
        days: Number(values.days),
        endMs,
        reuse: values.reuse,
        arrivalOrder: shape === 'typical' && values['arrival-order'],
        ...(shape === 'typical' && values.db !== undefined ? { db: values.db } : {}),
      });
      try {
        const biggest = largestSite(dataset, shape === 'typical' ? values.site : undefined);
        const typical = typicalSite(dataset);
        notes.push(describe(dataset, biggest, typical));
        console.log(notes.at(-1));
        if (engines.includes('duckdb')) {
          const engine = createDuckDbStatsEngine(dataset.instance, { coalesce: false });
          rows.push({ shape, engine: 'duckdb', ...(await timePages(engine, biggest, typical)) });
          console.log(`${shape}: duckdb ${JSON.stringify(rows.at(-1)?.times)}`);
          if (values.details && shape === 'typical') {
            await duckDbDetails(dataset.instance, dataset.connection, {
              site: biggest,
              timezone: values.timezone,
              runs,
              endMs,
            });
          }
        }
        if (http && clickhouseUrl) {
          const database =
            shape === 'typical'
              ? `zenovay_bench_typical_${events}`
              : `zenovay_bench_big_${bigEvents}_${events}`;
          await loadIntoClickHouse(dataset.connection, http, clickhouseUrl, database, `${shape}:`);
          const engine = new ClickHouseStatsEngine(database, http);
          rows.push({ shape, engine: 'clickhouse', ...(await timePages(engine, biggest, typical)) });
          console.log(`${shape}: clickhouse ${JSON.stringify(rows.at(-1)?.times)}`);
        }
        const [duck, click] = [rows.find((r) => r.shape === shape && r.engine === 'duckdb'), rows.at(-1)];
        if (duck && click && click.engine === 'clickhouse') {
          const same = (Object.keys(targets) as Column[]).filter(
            (c) => duck.answers[c] !== '' && duck.answers[c] === click.answers[c],
          );
          console.log(
            `${shape}: same answers on both engines: ${same.length === 3 ? 'yes' : `only ${same.join(', ') || 'none'}`}`,
          );
        }
      } finally {
        dataset.close();
      }
    }
  } finally {
    for (const service of services) await service.destroy();
  }
  console.log(
    `\nDashboard page, warm: median of ${runs} runs after one warm-up; every panel with the previous-period comparison, tz ${values.timezone}${clickhouseVersion}`,
  );
  for (const note of notes) console.log(`  ${note}`);
  console.log(`\n${table(rows)}\n`);
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), node ${process.version}; ` +
      `load average ${loadBefore} before / ${loadAverage()} after; ${((performance.now() - started) / 60_000).toFixed(1)} min in all`,
  );
}

await main();

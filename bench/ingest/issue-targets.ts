import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../test/support/ports.ts';
import { loopDashboardQuery, probeFreshness, quantile } from './probes.ts';
import type { LoadResult } from './protocol.ts';
import { startBareTarget, startFullTarget } from './targets.ts';

/**
 * Issue 17's ingest targets beyond the full/bare ratio, each on a fresh full server:
 * - p99 at half the full pipeline's measured rate (open loop), target <= 10 ms, and the bare
 *   server's p99 on the same schedule beside it (the box's own floor at that rate);
 * - p99 at that rate on a server holding the 10M-event dataset, idle and then while the dashboard
 *   overview of its largest site loops beside it, target <= 2x idle;
 * - freshness: 202 to visible in the stats, p99, at full (closed-loop) load, target <= 2 s.
 */

export type Drive = (
  target: { port: number; path: string },
  firstAddress: number,
  ratePerSecond?: number,
) => Promise<LoadResult>;

export interface TargetSettings {
  readonly drive: Drive;
  /** The full pipeline's req/s in the A/B rounds (median). */
  readonly fullRate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly entry: string;
  /** The bare server's entry (run.ts's `--bare-entry`). */
  readonly bareEntry: string;
  /** DuckDB file of `npm run bench:query -- --events 10M`; null or missing: that row is skipped. */
  readonly dataset: string | null;
}

interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | null;
  readonly note: string;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (load: LoadResult) => load.requests / (load.durationMs / 1000);
/** Source-address ranges past those of the A/B rounds (run.ts uses 250 000 per run). */
const addressBase = 40 * 250_000;

export async function runIssueTargets(settings: TargetSettings): Promise<Row[]> {
  const rows: Row[] = [];
  const half = Math.max(1, Math.round(settings.fullRate / 2));
  const start = async (dataset?: string) =>
    startFullTarget({
      port: await freePort(),
      cpuProfDir: null,
      keepData: false,
      entry: settings.entry,
      ...(dataset ? { dataset } : {}),
    });

  process.stderr.write(`targets: half rate (${half} req/s, open loop) ...\n`);
  {
    const target = await start();
    try {
      const load = await settings.drive(target, addressBase, half);
      rows.push({
        measure: `p99 at half the full rate (${half} req/s)`,
        value: ms(load.p99Ms),
        target: '<= 10 ms',
        met: load.p99Ms <= 10,
        note: `p50 ${ms(load.p50Ms)}, ${rate(load).toFixed(0)} req/s sent`,
      });
    } finally {
      await target.stop();
    }
  }
  // The box's own floor at that rate: what a server doing nothing useful gets, same schedule.
  {
    const target = await startBareTarget(await freePort(), settings.bareEntry);
    try {
      const load = await settings.drive(target, addressBase + 1_500_000, half);
      rows.push({
        measure: `bare node:http at ${half} req/s, for comparison`,
        value: ms(load.p99Ms),
        target: '',
        met: null,
        note: `p50 ${ms(load.p50Ms)}: what this box gives a server doing nothing at that rate`,
      });
    } finally {
      await target.stop();
    }
  }

  process.stderr.write('targets: freshness at full load ...\n');
  {
    const target = await start();
    try {
      const until = performance.now() + settings.warmupMs + settings.durationMs;
      const [load, delays] = await Promise.all([
        settings.drive(target, addressBase + 250_000),
        probeFreshness({
          port: target.port,
          apiKey: target.apiKey,
          site: target.freshSite,
          untilMs: until,
          everyMs: 100,
          firstAddress: addressBase + 500_000,
        }),
      ]);
      const p99 = quantile(delays, 0.99);
      rows.push({
        measure: 'freshness: 202 to visible in stats, p99',
        value: ms(p99),
        target: '<= 2000 ms',
        met: delays.length > 0 && p99 <= 2000,
        note: `${delays.length} probes, p50 ${ms(quantile(delays, 0.5))}, max ${ms(quantile(delays, 1))}; load ${rate(load).toFixed(0)} req/s`,
      });
    } finally {
      await target.stop();
    }
  }

  if (settings.dataset === null || !fs.existsSync(settings.dataset)) {
    rows.push({
      measure: 'p99 beside a 10M-event dashboard query',
      value: 'skipped',
      target: '<= 2x idle p99',
      met: null,
      note: `no dataset at ${settings.dataset}: run npm run bench:query -- --events 10M first`,
    });
    return rows;
  }
  process.stderr.write(`targets: ${settings.dataset} copied in; waiting for the server to load it ...\n`);
  const target = await start(settings.dataset);
  try {
    // An older file builds its visit rollup first; the loader (and so the stats) waits for it.
    // One event through to the stats, and one dashboard query, mean the server is ready.
    await probeFreshness({
      port: target.port,
      apiKey: target.apiKey,
      site: target.freshSite,
      untilMs: 0,
      everyMs: 0,
      firstAddress: addressBase + 750_000,
      giveUpMs: 30 * 60_000,
    });
    const dashboard = (untilMs: number) =>
      loopDashboardQuery({ port: target.port, apiKey: target.apiKey, siteId: target.querySiteId!, untilMs });
    await dashboard(performance.now() + 1); // first touch of the file's blocks
    const [firstQuery] = await dashboard(performance.now() + 1);
    process.stderr.write(`targets: idle ingest at ${half} req/s ...\n`);
    const idle = await settings.drive(target, addressBase + 1_000_000, half);
    process.stderr.write(`targets: ingest at ${half} req/s beside the dashboard query loop ...\n`);
    const until = performance.now() + settings.warmupMs + settings.durationMs;
    const [busy, queries] = await Promise.all([
      settings.drive(target, addressBase + 1_250_000, half),
      dashboard(until),
    ]);
    const ratio = busy.p99Ms / Math.max(idle.p99Ms, 1e-9);
    rows.push({
      measure: `p99 at ${half} req/s, 10M-event store, idle`,
      value: ms(idle.p99Ms),
      target: '',
      met: null,
      note: `p50 ${ms(idle.p50Ms)}`,
    });
    rows.push({
      measure: `p99 at ${half} req/s beside the dashboard query loop`,
      value: `${ms(busy.p99Ms)} (${ratio.toFixed(2)}x idle)`,
      target: '<= 2x idle p99',
      met: ratio <= 2,
      note:
        `${queries.length} dashboard queries (overview, pages, countries, technology of ${target.querySiteId}, range 1y), ` +
        `median ${ms(quantile(queries, 0.5))}; a query alone took ${ms(firstQuery ?? 0)}`,
    });
  } finally {
    await target.stop();
  }
  return rows;
}

/** The targets' table, after the A/B table. */
export function printTargets(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((row) => row.measure.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  console.log(
    `\n${'issue 17 target'.padEnd(width)}  ${'measured'.padEnd(valueWidth)}  ${'target'.padEnd(15)} met`,
  );
  for (const row of rows) {
    const met = row.met === null ? '-' : row.met ? 'yes' : 'NO';
    console.log(
      `${row.measure.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target.padEnd(15)} ${met.padEnd(4)} ${row.note}`,
    );
  }
}

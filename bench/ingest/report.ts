import os from 'node:os';
import type { LoadResult } from './protocol.ts';

export type TargetKind = 'bare' | 'full' | 'no-rollup';

/** One target measured once. */
export interface Measured {
  /** `no-rollup`: the full service with `ZENOVAY_VISIT_ROLLUP=off` (issue 16's ingest target). */
  readonly kind: TargetKind;
  readonly round: number;
  readonly load: LoadResult;
  /** Events in the DuckDB file after the server drained and exited (full target only). */
  readonly stored: number | null;
  /** Server CPU (all threads) over the measured window, in ms; null where /proc is missing. */
  readonly serverCpuMs: number | null;
  /** Share of the window in which some task waited for a CPU (Linux PSI); null where unavailable. */
  readonly cpuPressure: number | null;
}

export interface RunSettings {
  readonly connections: number;
  readonly requestsPerAddress: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly rounds: number;
  readonly loadBefore: number;
}

const targetRatio = 0.6;
/** Issue 16: ingest with the visit rollup maintained, at least this share of ingest without it. */
const rollupTargetRatio = 0.9;
const headings = [
  'target',
  'round',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'srv µs/req',
  'gen µs/req',
  'cpu wait',
  'responses',
  'by status',
];

const fixed = (value: number, digits: number) => value.toFixed(digits);
const rate = (m: Measured) => m.load.requests / (m.load.durationMs / 1000);
const perRequestUs = (cpuMs: number | null, m: Measured) =>
  cpuMs === null || m.load.requests === 0 ? 'n/a' : fixed((cpuMs * 1000) / m.load.requests, 0);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Prints the table, the full/bare ratio per round (and its spread), and the durability check.
 * Returns false when some 2xx response has no stored event: the one result that is a bug, not
 * a measurement.
 */
export function printReport(results: readonly Measured[], settings: RunSettings): boolean {
  const cell = (text: string, i: number) => (i === 0 ? text.padEnd(9) : text.padStart(10));
  console.log(`\n${headings.map((h, i) => (i === headings.length - 1 ? ` ${h}` : cell(h, i))).join(' ')}`);
  for (const m of results) {
    const statuses = Object.entries(m.load.statuses)
      .map(([status, count]) => `${status}:${count}`)
      .join(' ');
    const cells = [
      m.kind,
      String(m.round + 1),
      fixed(rate(m), 0),
      fixed(m.load.p50Ms, 2),
      fixed(m.load.p90Ms, 2),
      fixed(m.load.p99Ms, 2),
      fixed(m.load.maxMs, 1),
      perRequestUs(m.serverCpuMs, m),
      perRequestUs(m.load.generatorCpuMs, m),
      m.cpuPressure === null ? 'n/a' : `${fixed(100 * m.cpuPressure, 0)}%`,
      String(m.load.requests),
    ];
    console.log(`${cells.map(cell).join(' ')}  ${statuses}`);
  }

  console.log('');
  const ratios: number[] = [];
  const rollupRatios: number[] = [];
  let durable = true;
  for (let round = 0; round < settings.rounds; round++) {
    const bare = results.find((m) => m.kind === 'bare' && m.round === round);
    const full = results.find((m) => m.kind === 'full' && m.round === round);
    if (bare && full) {
      const ratio = rate(full) / rate(bare);
      ratios.push(ratio);
      console.log(
        `round ${round + 1}: full/bare req/s = ${fixed(ratio, 2)} ` +
          `(target >= ${targetRatio}: ${ratio >= targetRatio ? 'met' : 'not met'})`,
      );
    }
    const noRollup = results.find((m) => m.kind === 'no-rollup' && m.round === round);
    if (full && noRollup) {
      const ratio = rate(full) / rate(noRollup);
      rollupRatios.push(ratio);
      console.log(
        `round ${round + 1}: full/no-rollup req/s = ${fixed(ratio, 2)} ` +
          `(target >= ${rollupTargetRatio}: ${ratio >= rollupTargetRatio ? 'met' : 'not met'})`,
      );
    }
    for (const stored of [full, noRollup]) {
      if (!stored) continue;
      // Stored may exceed the 2xx count only by answers still in flight when the client stopped.
      const everyAcceptedStored = stored.stored !== null && stored.stored >= stored.load.accepted2xxTotal;
      durable &&= everyAcceptedStored;
      console.log(
        `round ${round + 1}: ${stored.kind}: events stored ${stored.stored} / 2xx responses ${stored.load.accepted2xxTotal} ` +
          `(warm-up included): ${everyAcceptedStored ? 'every 2xx is stored' : 'MISSING EVENTS'}; ` +
          `${stored.load.addressesUsed} source addresses, ${stored.load.socketErrors} socket errors`,
      );
    }
  }
  if (ratios.length > 1) {
    console.log(
      `ratio over ${ratios.length} rounds: median ${fixed(median(ratios), 2)}, ` +
        `min ${fixed(Math.min(...ratios), 2)}, max ${fixed(Math.max(...ratios), 2)}`,
    );
  }
  if (rollupRatios.length > 1) {
    console.log(
      `full/no-rollup over ${rollupRatios.length} rounds: median ${fixed(median(rollupRatios), 2)}, ` +
        `min ${fixed(Math.min(...rollupRatios), 2)}, max ${fixed(Math.max(...rollupRatios), 2)}`,
    );
  }
  const [loadAfter] = os.loadavg();
  console.log(
    `\n${settings.connections} connections, ${settings.requestsPerAddress} requests per source address, ` +
      `${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per target; ` +
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${fixed(settings.loadBefore, 2)} before / ` +
      `${fixed(loadAfter ?? 0, 2)} after (other work on the machine skews the numbers)`,
  );
  console.log(
    'srv/gen µs/req: CPU time of the server (all threads) and of the load generator per request; ' +
      'cpu wait: share of the window in which some task waited for a core (Linux PSI)',
  );
  return durable;
}

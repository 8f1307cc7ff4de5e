import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Measured } from './report.ts';

const run = promisify(execFile);

/** What `store-commit.ts` prints: the DuckDB store alone, no HTTP. */
interface CommitFloor {
  readonly batch: number;
  readonly cpuUsPerRow: number;
  readonly wallMsPerCommit: number;
}

/**
 * The store alone, committing batches of `batch` events: what the log's loader pays per event
 * behind the request path. Run in its own process so it shares nothing with the targets.
 */
export async function measureCommitFloor(batch: number): Promise<CommitFloor> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'store-commit.ts'),
      String(batch),
      String(Math.max(20, Math.ceil(40_000 / batch))),
    ],
    { cwd: path.resolve(import.meta.dirname, '..', '..') },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as CommitFloor;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Why the ratio is where it is, from numbers of this run. The box is CPU-bound (server and load
 * generator share its cores), so a target's rate is inversely proportional to the CPU one request
 * costs both processes. The 2xx waits only for the append log's fsync; the DuckDB commit happens
 * in the loader, in batches of what gathered in its delay (event-log/append-log.ts). Even if HTTP,
 * validation, geo, hashing and the log cost no more than in the bare server, the full server pays
 * the bare cost plus the store's per-event cost at that batch size.
 */
export function printCeiling(results: readonly Measured[], floor: CommitFloor): void {
  const perRequest = (m: Measured, cpuMs: number | null) =>
    cpuMs === null || m.load.requests === 0 ? null : (cpuMs * 1000) / m.load.requests;
  const bare = results.filter((m) => m.kind === 'bare');
  const server = bare.map((m) => perRequest(m, m.serverCpuMs)).filter((v): v is number => v !== null);
  const generator = bare
    .map((m) => perRequest(m, m.load.generatorCpuMs))
    .filter((v): v is number => v !== null);
  if (server.length === 0 || generator.length === 0) return;
  const bareCost = median(server) + median(generator);
  const ceiling = bareCost / (bareCost + floor.cpuUsPerRow);
  console.log(
    `\nceiling: the DuckDB store alone, committing ${floor.batch} events at a time (what the loader ` +
      `takes per load at the full rate), costs ${floor.cpuUsPerRow.toFixed(1)} µs of CPU per event (${floor.wallMsPerCommit.toFixed(1)} ms ` +
      `per commit); a bare request costs ${bareCost.toFixed(1)} µs (server + load generator). With everything ` +
      `else free, full/bare could reach at most ${ceiling.toFixed(2)}.`,
  );
}

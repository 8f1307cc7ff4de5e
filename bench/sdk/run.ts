// npm run bench:sdk [-- --events N] [--only zenovay,posthog-node,segment] [--worker-flags "--flag ..."]:
// @zenovay/node vs posthog-node vs @segment/analytics-node, each in its own process against the
// same local sink (bench/sdk/sink.ts), clean and with faults. `--worker-flags` passes Node/V8
// flags to every SDK's process (e.g. `--max-semi-space-size=4`, a host's memory trade-off).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startSink } from './sink.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    'shutdown-ms': { type: 'string', default: '120000' },
    only: { type: 'string' },
    'worker-flags': { type: 'string', default: '' },
  },
});
const events = Number(values.events);
const shutdownMs = Number(values['shutdown-ms']);
const workerFlags = values['worker-flags'].split(' ').filter((flag) => flag !== '');
const sdks = values.only ? values.only.split(',') : ['zenovay', 'posthog-node', 'segment'];
const labels: Record<string, string> = {
  zenovay: '@zenovay/node',
  'posthog-node': 'posthog-node',
  segment: '@segment/analytics-node',
};

// The SDK as published: built (ESM bundle) into a temporary directory, run by plain Node.
const build = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-node-bench-'));
await promisify(execFile)(process.execPath, ['packages/node/scripts/build.mjs', build]);

const sink = await startSink();
const rows: string[] = [];
try {
  for (const faults of [false, true]) {
    for (const sdk of sdks) {
      sink.reset(faults);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [...workerFlags, 'bench/sdk/worker.mjs', sdk, sink.url, String(events), String(shutdownMs), build],
        { timeout: shutdownMs + 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
      const line = stdout.trim().split('\n').at(-1) ?? '{}';
      const measured = JSON.parse(line) as {
        wallMs: number;
        cpuMs: number;
        peakRssMb: number;
        closeError: string;
      };
      const counts = sink.counts();
      const duplicates = counts.eventsReceived - counts.distinct;
      const row = [
        labels[sdk],
        faults ? 'faults' : 'clean',
        (measured.wallMs / 1000).toFixed(1),
        (measured.cpuMs / 1000).toFixed(2),
        String(measured.peakRssMb),
        String(counts.requests),
        `${counts.distinct} (${((100 * counts.distinct) / events).toFixed(1)}%)`,
        String(duplicates),
      ];
      rows.push(`| ${row.join(' | ')} |`);
      console.error(`${row.join('  ')}${measured.closeError ? `  close: ${measured.closeError}` : ''}`);
    }
  }
} finally {
  await sink.close();
  fs.rmSync(build, { recursive: true, force: true });
}
const flagsNote = workerFlags.length > 0 ? `, worker flags: ${workerFlags.join(' ')}` : '';
console.log(`\n${events.toLocaleString('en')} events per run, Node ${process.version}${flagsNote}\n`);
console.log(
  '| SDK | profile | wall s | CPU s | peak RSS MB | HTTP requests | events delivered | resent to sink |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

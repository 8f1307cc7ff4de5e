import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { AdminOps } from '../admin/admin-ops.ts';
import type { ExportFormat } from '../api/event-export.ts';
import { ExportRowCounter } from './row-counter.ts';

export interface ExportOptions {
  readonly site?: string;
  readonly from?: string;
  readonly to?: string;
  readonly format?: string;
  readonly out?: string;
}

export interface ExportIo {
  /** Where the export goes without `--out`. */
  readonly stdout: Writable;
  /** Progress and the summary line; never mixed with the data. */
  readonly stderr: NodeJS.WritableStream;
}

/**
 * `export --site ID --from DAY --to DAY --format csv|ndjson [--out FILE]`: streams the events
 * to the file (or stdout) with a progress bar on stderr. Nothing is held in memory beyond the
 * stream buffers, whatever the size of the export.
 */
export async function runExportCommand(ops: AdminOps, options: ExportOptions, io: ExportIo): Promise<number> {
  if (!options.site || !options.from || !options.to) {
    throw new Error('export needs --site ID --from YYYY-MM-DD --to YYYY-MM-DD');
  }
  const format = (options.format ?? 'ndjson') as ExportFormat;
  const exported = await ops.exportEvents({
    siteId: options.site,
    from: options.from,
    to: options.to,
    format,
  });
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr, format: 'exporting [{bar}] {percentage}% | {value}/{total} events', fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(exported.rows, 0);
  const counter = new ExportRowCounter(format, (rows) => bar.update(rows));
  const destination = options.out ? fs.createWriteStream(options.out, { mode: 0o600 }) : io.stdout;
  try {
    await pipeline(exported.stream, counter, destination, { end: destination !== io.stdout });
  } finally {
    bar.stop();
  }
  io.stderr.write(`Exported ${counter.rows} events${options.out ? ` to ${options.out}` : ''}\n`);
  return 0;
}

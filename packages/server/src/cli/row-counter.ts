import { Transform, type TransformCallback } from 'node:stream';
import type { ExportFormat } from '../api/event-export.ts';

/**
 * Passes export bytes through unchanged while counting finished rows, for the progress bar.
 * NDJSON: one row per line (JSON escapes newlines inside strings). CSV: a newline ends a row only
 * outside quotes (a `""` escape toggles twice, so it cancels out); the header line is not a row.
 */
export class ExportRowCounter extends Transform {
  rows = 0;
  private inQuotes = false;
  private headerPending: boolean;

  constructor(
    private readonly format: ExportFormat,
    private readonly onRows: (rows: number) => void = () => undefined,
  ) {
    super();
    this.headerPending = format === 'csv';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let ended = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x22 && this.format === 'csv') this.inQuotes = !this.inQuotes;
      else if (byte === 0x0a && !this.inQuotes) {
        if (this.headerPending) this.headerPending = false;
        else ended++;
      }
    }
    if (ended > 0) {
      this.rows += ended;
      this.onRows(this.rows);
    }
    done(null, chunk);
  }
}

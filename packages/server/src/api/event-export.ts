import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { resolveDateRange } from '../stats/date-range.ts';
import type { ResolvedRange } from '../stats/types.ts';
import { type EventReader, type ExportedEvent, exportedColumns } from '../store/event-reader.ts';
import type { Site } from '../store/types.ts';
import { spreadsheetSafe } from './spreadsheet-cell.ts';

export const exportFormats = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * The columns of an export (a CSV's, in this order): the stored ones the event reader yields, with
 * the properties as one JSON object, `props`, just before `event_id`.
 */
export const exportColumns = [
  ...exportedColumns.filter((column) => column !== 'event_id'),
  'props',
  'event_id',
] as const;

export interface EventExportRequest {
  /** First and last day, inclusive, in the site's time zone (`YYYY-MM-DD`). */
  readonly from: string;
  readonly to: string;
  readonly format: ExportFormat;
}

export interface EventExport {
  /** Rows the stream will carry (counted in the same snapshot the stream reads). */
  readonly rows: number;
  readonly range: ResolvedRange;
  /** Bytes of CSV (with a header line) or NDJSON; pulling drives the database read. */
  readonly stream: Readable;
}

/**
 * Opens a streaming export of one site's raw events. Memory stays constant whatever the size: the
 * event reader yields a batch (a few thousand rows) at a time, each is turned into text and handed
 * to a byte stream whose small buffer (64 KiB) makes the next fetch wait for the consumer.
 */
export async function openEventExport(
  events: EventReader,
  site: Site,
  request: EventExportRequest,
): Promise<EventExport> {
  const range = resolveDateRange({ kind: 'custom', start: request.from, end: request.to }, site.timezone, 0);
  const { rows, batches } = await events.streamEvents(site.id, range.startMs, range.endMs);
  const chunks = exportChunks(batches, request.format);
  return { rows, range, stream: Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 }) };
}

async function* exportChunks(
  batches: AsyncGenerator<ExportedEvent[]>,
  format: ExportFormat,
): AsyncGenerator<string> {
  let headerSent = false;
  try {
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const records = batch.map(exportRecord);
      if (format === 'ndjson') {
        yield `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
      } else {
        if (!headerSent) yield csvHeader;
        headerSent = true;
        const cells = records.map((record) => exportColumns.map((column) => csvCell(record[column])));
        // Every value quoted, not only those with a comma: a spreadsheet set to split on `;` or
        // tab (many locales) must not cut a cell in two and start a new one at a `=`.
        yield stringify(cells, { quoted: true });
      }
    }
    if (format === 'csv' && !headerSent) yield csvHeader;
  } finally {
    // Also runs when the consumer goes away early: the stream is destroyed, the generator returned,
    // and the reader releases its connection or response.
    await batches.return(undefined);
  }
}

function exportRecord(row: ExportedEvent): Record<(typeof exportColumns)[number], unknown> {
  const keys = row.prop_keys ?? [];
  const values = row.prop_values ?? [];
  // fromEntries defines own properties, so a "__proto__" key is data, not a prototype change.
  const props = Object.fromEntries(keys.map((key, index) => [key, values[index] ?? '']));
  const record: Record<string, unknown> = {};
  for (const column of exportColumns) record[column] = column === 'props' ? props : row[column];
  return record as Record<(typeof exportColumns)[number], unknown>;
}

/** Our own column names: plain words, so the header line stays unquoted as it always was. */
const csvHeader = stringify([[...exportColumns]]);

/** Text as stored (objects as JSON), made safe to open in a spreadsheet; NDJSON never goes here. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return spreadsheetSafe(typeof value === 'string' ? value : JSON.stringify(value));
}

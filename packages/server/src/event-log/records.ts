import { crc32 } from 'node:zlib';
import type { KeyedRow } from '../store/clickhouse/insert-once.ts';

/**
 * One record per line: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. The checksum is what tells a
 * torn or damaged record from a good one: after `kill -9` the last batch may be half on disk, and it
 * was never acknowledged (acknowledgement waits for the fsync of the whole batch). Lines written by
 * the scale-out spool of earlier versions (`{"k":…}` without a checksum) are still read.
 */
export function encodeRecords(rows: readonly KeyedRow[]): Buffer {
  let out = '';
  for (const item of rows) {
    const json = JSON.stringify({ k: item.key, r: item.row });
    out += `${checksum(json)} ${json}\n`;
  }
  return Buffer.from(out, 'utf8');
}

export interface DecodedRecords {
  readonly rows: KeyedRow[];
  /** Bytes of `data` consumed: through the last newline (a line without one is left for later). */
  readonly consumed: number;
  /** Whole lines that failed their checksum or did not parse, skipped. */
  readonly damaged: number;
}

/** The whole records in `data`; a trailing line without its newline is not consumed. */
export function decodeRecords(data: Buffer): DecodedRecords {
  const rows: KeyedRow[] = [];
  let damaged = 0;
  let start = 0;
  for (;;) {
    const end = data.indexOf(0x0a, start);
    if (end === -1) break;
    const line = data.toString('utf8', start, end);
    start = end + 1;
    if (line === '') continue;
    const row = decodeLine(line);
    if (row) rows.push(row);
    else damaged++;
  }
  return { rows, consumed: start, damaged };
}

function decodeLine(line: string): KeyedRow | null {
  let json = line;
  if (!line.startsWith('{')) {
    if (line.charCodeAt(8) !== 0x20 || line.slice(0, 8) !== checksum(line.slice(9))) return null;
    json = line.slice(9);
  }
  try {
    const record = JSON.parse(json) as { k?: unknown; r?: unknown };
    if (typeof record.k !== 'string' || typeof record.r !== 'object' || record.r === null) return null;
    return { key: record.k, row: record.r as KeyedRow['row'] };
  } catch {
    return null;
  }
}

function checksum(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

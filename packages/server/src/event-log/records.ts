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
    out += `${checksumOf(json)} ${json}\n`;
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
    const row = end === start ? undefined : decodeLine(data, start, end);
    start = end + 1;
    if (row) rows.push(row);
    else if (row === null) damaged++;
  }
  return { rows, consumed: start, damaged };
}

/**
 * One line, `data[start, end)`. The checksum is taken over the line's bytes as they are (the same
 * bytes `crc32` hashed as UTF-8 when writing), so only the JSON is turned into a string, once.
 */
function decodeLine(data: Buffer, start: number, end: number): KeyedRow | null {
  let jsonStart = start;
  if (data[start] !== 0x7b /* { */) {
    if (end - start < 9 || data[start + 8] !== 0x20) return null;
    const stored = data.toString('latin1', start, start + 8);
    if (stored !== checksumOf(data.subarray(start + 9, end))) return null;
    jsonStart = start + 9;
  }
  try {
    const record = JSON.parse(data.toString('utf8', jsonStart, end)) as { k?: unknown; r?: unknown };
    if (typeof record.k !== 'string' || typeof record.r !== 'object' || record.r === null) return null;
    return { key: record.k, row: record.r as KeyedRow['row'] };
  } catch {
    return null;
  }
}

function checksumOf(data: string | Buffer): string {
  return crc32(data).toString(16).padStart(8, '0');
}

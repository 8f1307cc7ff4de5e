import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EventRow } from '../ingest/types.ts';
import type { KeyedRow } from '../store/clickhouse/event-store.ts';

/** `seg-<sequence>.jsonl`: sequence order is acceptance order. */
const segmentPattern = /^seg-(\d{16})\.jsonl$/;

export function segmentName(sequence: number): string {
  return `seg-${String(sequence).padStart(16, '0')}.jsonl`;
}

/** The spool's segment files, oldest first, with their sizes. */
export function listSegments(dir: string): Array<{ sequence: number; file: string; bytes: number }> {
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, match: segmentPattern.exec(name) }))
    .filter((item) => item.match !== null)
    .map((item) => {
      const file = path.join(dir, item.name);
      return { sequence: Number(item.match![1]), file, bytes: fs.statSync(file).size };
    })
    .sort((a, b) => a.sequence - b.sequence);
}

/** One line per event: `{"k": key, "r": row}`. */
export function encodeRecords(rows: readonly KeyedRow[]): string {
  let out = '';
  for (const item of rows) out += `${JSON.stringify({ k: item.key, r: item.row })}\n`;
  return out;
}

/**
 * The records of a segment. A crash can leave a torn last line; it was never acknowledged (the
 * acknowledgement waits for fsync of the whole batch), so it is dropped, and so is the rest of an
 * unfinished batch whose lines did not all reach the disk.
 */
export function readSegment(file: string): KeyedRow[] {
  const text = fs.readFileSync(file, 'utf8');
  const rows: KeyedRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const record = JSON.parse(line) as { k: string; r: EventRow };
      rows.push({ key: record.k, row: record.r });
    } catch {
      // torn tail of a batch that was never acknowledged
    }
  }
  return rows;
}

/** Makes a new or removed directory entry durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A random name for this spool, kept in the spool directory so that it survives restarts: the
 * query ids of its inserts are built from it, so an insert retried after a restart carries the
 * same id as the attempt that may still be running (store/clickhouse/insert-once.ts).
 */
export function spoolIdentity(dir: string): string {
  const file = path.join(dir, 'spool-id');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{16}$/.test(existing)) return existing;
  } catch {
    // none yet
  }
  const id = randomBytes(8).toString('hex');
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.writeSync(fd, id);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(dir);
  return id;
}

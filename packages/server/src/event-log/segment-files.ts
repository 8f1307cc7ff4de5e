import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { KeyedRow } from '../store/clickhouse/insert-once.ts';
import { decodeRecords } from './records.ts';

/** `seg-<sequence>.jsonl`: sequence order is acceptance order. */
const segmentPattern = /^seg-(\d{16})\.jsonl$/;

export function segmentName(sequence: number): string {
  return `seg-${String(sequence).padStart(16, '0')}.jsonl`;
}

/** The log's segment files, oldest first, with their sizes. */
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

/** The whole, intact records of a segment file (a torn or damaged line is skipped). */
export function readSegment(file: string): KeyedRow[] {
  try {
    return decodeRecords(fs.readFileSync(file)).rows;
  } catch (error) {
    // Deleted since it was listed: the loader removes a segment only once it is loaded.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
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

/** `fsyncDir` on libuv's threads, for the running log: a directory fsync can take milliseconds. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A random name for this log, kept in its directory so that it survives restarts: the DuckDB load
 * position and the ClickHouse insert query ids are keyed by it, so an insert retried after a
 * restart carries the same id as the attempt that may still be running (insert-once.ts).
 */
export function logIdentity(dir: string): string {
  const file = path.join(dir, 'log-id');
  // `spool-id`: the name the scale-out spool of earlier versions gave it.
  for (const name of [file, path.join(dir, 'spool-id')]) {
    try {
      const existing = fs.readFileSync(name, 'utf8').trim();
      if (/^[0-9a-f]{16}$/.test(existing)) return existing;
    } catch {
      // none yet
    }
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

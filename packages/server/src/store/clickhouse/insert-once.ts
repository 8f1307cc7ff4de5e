import type { LogRow } from '../../ingest/heartbeat-types.ts';
import type { ClickHouseClient } from './client.ts';
import { sqlInt, sqlString } from './sql.ts';

/** An event with the key ClickHouse folds copies on (see schema.ts). */
export interface KeyedRow {
  readonly key: string;
  /** An event; in the append log also a heartbeat (ingest/heartbeat-types.ts). */
  readonly row: LogRow;
}

/**
 * Inserting a batch whose earlier insert may have landed (an answer lost to a timeout or a cut
 * connection, a crash between the insert and the spool's delete, ClickHouse restarting mid-way):
 * only the rows ClickHouse does not hold yet are sent again, so reads need no FINAL (schema.ts).
 * A row is "held" when a row with the same table key — site, UTC day and row key, exactly what
 * ReplacingMergeTree folds on — is stored.
 */

const dayMs = 86_400_000;

function dayOf(row: { readonly ts: number }): number {
  return Math.floor(Math.floor(row.ts) / dayMs);
}

function identity(siteId: string, day: number, key: string): string {
  return `${siteId}\u0000${day}\u0000${key}`;
}

/** Keeps the SELECT under ClickHouse's default max_query_size (256 KiB) even if escaping doubles every character. */
const maxKeyChars = 60_000;

/** The rows of `rows` that `events` does not hold yet, each table key once (the first wins). */
export async function rowsNotStored<T extends KeyedRow>(
  http: ClickHouseClient,
  events: string,
  rows: readonly T[],
): Promise<T[]> {
  const stored = new Set<string>();
  for (const chunk of chunks(rows)) {
    const sites = [...new Set(chunk.map(({ row }) => row.siteId))].map(sqlString);
    const keys = [...new Set(chunk.map(({ key }) => key))].map(sqlString);
    const days = chunk.map(({ row }) => dayOf(row));
    const from = (Math.min(...days) * dayMs) / 1000;
    const until = ((Math.max(...days) + 1) * dayMs) / 1000;
    const found = await http.rows<{ site_id: string; day: number; row_key: string }>(
      `SELECT site_id, toUInt32(intDiv(toUInt32(ts), 86400)) AS day, row_key FROM ${events}
       WHERE site_id IN (${sites.join(',')})
         AND ts >= toDateTime(${sqlInt(from)}) AND ts < toDateTime(${sqlInt(until)})
         AND row_key IN (${keys.join(',')})`,
    );
    for (const row of found) stored.add(identity(row.site_id, Number(row.day), row.row_key));
  }
  const missing: T[] = [];
  for (const item of rows) {
    const id = identity(item.row.siteId, dayOf(item.row), item.key);
    if (stored.has(id)) continue;
    stored.add(id);
    missing.push(item);
  }
  return missing;
}

function* chunks(rows: readonly KeyedRow[]): Generator<KeyedRow[]> {
  let chunk: KeyedRow[] = [];
  let chars = 0;
  for (const item of rows) {
    chunk.push(item);
    chars += item.key.length + item.row.siteId.length + 8;
    if (chars >= maxKeyChars) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Resolves once no statement with this query id runs on the server. An insert whose client gave
 * up (a timeout) may still be writing; asking which rows are stored before it ends would miss
 * its rows. The insert is retried under the same id, so ClickHouse also refuses to start it
 * while an earlier one runs.
 */
export async function untilNotRunning(
  http: ClickHouseClient,
  queryId: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await http.rows<{ n: number }>(
      `SELECT toUInt32(count()) AS n FROM system.processes WHERE query_id = ${sqlString(queryId)}`,
    );
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`an earlier insert ${queryId} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

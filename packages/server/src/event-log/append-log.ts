import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { EventRow } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import type { KeyedRow } from '../store/clickhouse/insert-once.ts';
import type { EventStore } from '../store/types.ts';
import { LogLoader, type LogPosition, type LogSink, type RecentRows } from './log-loader.ts';
import { encodeRecords } from './records.ts';
import { fsyncDirAsync, listSegments, logIdentity, readSegment, segmentName } from './segment-files.ts';

export interface AppendLogOptions {
  dir: string;
  sink: LogSink;
  log: Logger;
  /** Most bytes of accepted events not yet loaded; beyond it `append` refuses (the route answers 503). */
  capBytes: number;
  /** A segment is closed at this size and a new one begun. */
  segmentBytes?: number;
  /** Most bytes the loader reads and stores in one batch. */
  loadBytes?: number;
  /** Wait between load attempts while the store fails. */
  retryMs?: number;
  /**
   * Longest an acknowledged record waits before the loader is shown it (default
   * `defaultLoadDelayMs`), unless `loadBytes / 2` have gathered first or a reader waits for it.
   */
  loadDelayMs?: number;
  /** Loading waits for this (the store's upgrade work); ingest is acknowledged meanwhile. */
  sinkReady?: Promise<unknown>;
}

/**
 * A load into DuckDB costs a few milliseconds of CPU whatever its size (a transaction, appenders,
 * the visit rollup's merge, the position row), so loading every few records as they are fsync'd
 * spent more CPU than the requests did. Records are shown to the loader at most this often; a read
 * that wants "now" (`caughtUp`) shows them at once, so fresh reads do not wait for the delay.
 */
export const defaultLoadDelayMs = 500;

/** Encoded bytes of appended batches kept in memory for the loader (see `AppendLog.recentBatches`). */
const recentCapBytes = 16 * 1_048_576;

/** The log holds `capBytes` of unloaded events, or the disk is full: nothing more is accepted for now. */
export class LogFullError extends Error {
  constructor(reason: 'cap' | 'disk') {
    super(
      reason === 'cap'
        ? 'the ingest log is full: its loader is behind'
        : 'the disk holding the ingest log is full',
    );
  }
}

/**
 * The one write path of accepted events, in both modes. `append` resolves only once the batch is in
 * an fsync'd, checksummed segment file (the writer's group commit makes that one fsync per batch of
 * requests); a loader moves the records into the store behind it (DuckDB, or ClickHouse) in large
 * batches, resumes exactly where it stopped after a crash, and deletes segments once loaded. Readers
 * that want "now" wait for the loader with `caughtUp`.
 */
export class AppendLog implements EventStore {
  private current: { sequence: number; file: fs.promises.FileHandle; bytes: number } | null = null;
  private nextSequence: number;
  private usedBytes: number;
  /** The end of the last acknowledged batch. */
  private lastAppended: LogPosition = { sequence: 0, offset: 0 };
  private chain: Promise<unknown> = Promise.resolve();
  /** How far into the open segment the loader may read (see `defaultLoadDelayMs`). */
  private shownBytes = 0;
  private showTimer: NodeJS.Timeout | null = null;
  private readonly loader: LogLoader;
  /**
   * Batches this process appended that may not be loaded yet, oldest first, as handed to `append`:
   * the loader takes them from here rather than reading back and decoding its own writes. Bounded
   * by `recentCapBytes` (of their encoded size); beyond it batches are left to the file alone.
   */
  private recentBatches: Array<{ sequence: number; from: number; to: number; rows: readonly KeyedRow[] }> =
    [];
  private recentBytes = 0;
  readonly id: string;

  private constructor(private readonly options: AppendLogOptions) {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.id = logIdentity(options.dir);
    const existing = listSegments(options.dir);
    this.nextSequence = (existing.at(-1)?.sequence ?? 0) + 1;
    this.usedBytes = existing.reduce((sum, segment) => sum + segment.bytes, 0);
    // What a previous run acknowledged counts as appended: readers wait for it like for new events.
    const last = existing.at(-1);
    if (last) this.lastAppended = { sequence: last.sequence, offset: last.bytes };
    this.loader = new LogLoader({
      dir: options.dir,
      logId: this.id,
      sink: options.sink,
      log: options.log,
      openSegment: () => (this.current ? { sequence: this.current.sequence, offset: this.shownBytes } : null),
      recent: (sequence, from, end, maxBytes) => this.recentRows(sequence, from, end, maxBytes),
      onDeleted: (bytes) => {
        this.usedBytes -= bytes;
      },
      readBytes: options.loadBytes ?? 4 * 1_048_576,
      retryMs: options.retryMs ?? 1_000,
      ...(options.sinkReady ? { sinkReady: options.sinkReady } : {}),
    });
  }

  /** Opens the log and starts loading, beginning with whatever a previous run left behind. */
  static async open(options: AppendLogOptions): Promise<AppendLog> {
    const log = new AppendLog(options);
    await log.loader.start();
    // Never reuse a sequence the store's position names (its segment may be deleted already): the
    // loader would skip the new segment's first bytes as loaded.
    log.nextSequence = Math.max(log.nextSequence, log.loader.loaded.sequence + 1);
    return log;
  }

  append(rows: readonly EventRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const keyed = rows.map((row) => ({
      key: row.eventId !== '' ? `e:${row.eventId}` : `u:${randomUUID()}`,
      row,
    }));
    return this.serial(() => this.appendNow(keyed));
  }

  /** Write + fdatasync run on libuv's threads, so the event loop keeps serving while the disk works. */
  private async appendNow(rows: readonly KeyedRow[]): Promise<void> {
    const data = encodeRecords(rows);
    if (this.pendingBytes + data.length > this.options.capBytes) throw new LogFullError('cap');
    try {
      if (!this.current) {
        const sequence = this.nextSequence++;
        const file = `${this.options.dir}/${segmentName(sequence)}`;
        this.current = { sequence, file: await fs.promises.open(file, 'a', 0o600), bytes: 0 };
        this.shownBytes = 0;
        await fsyncDirAsync(this.options.dir);
      }
      await this.current.file.write(data);
      await this.current.file.datasync();
    } catch (error) {
      await this.abandonCurrent();
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new LogFullError('disk');
      throw error;
    }
    this.remember(this.current.sequence, this.current.bytes, this.current.bytes + data.length, rows);
    this.current.bytes += data.length;
    this.usedBytes += data.length;
    this.lastAppended = { sequence: this.current.sequence, offset: this.current.bytes };
    if (this.current.bytes >= (this.options.segmentBytes ?? 4 * 1_048_576)) {
      await this.closeCurrent();
      this.showAppended(); // a closed segment is read whole
    } else this.scheduleShow();
  }

  private remember(sequence: number, from: number, to: number, rows: readonly KeyedRow[]): void {
    if (this.recentBytes + (to - from) > recentCapBytes) return;
    this.recentBatches.push({ sequence, from, to, rows });
    this.recentBytes += to - from;
  }

  /**
   * The remembered rows of bytes [from, …) of `sequence`, whole batches up to `end` (and `maxBytes`,
   * unless the first batch alone is more), or null when the batch starting at `from` is not at
   * hand. Batches before `from` are loaded: they are forgotten here.
   */
  private recentRows(sequence: number, from: number, end: number, maxBytes: number): RecentRows | null {
    let dropped = 0;
    for (const batch of this.recentBatches) {
      if (batch.sequence > sequence || (batch.sequence === sequence && batch.to > from)) break;
      dropped++;
      this.recentBytes -= batch.to - batch.from;
    }
    if (dropped > 0) this.recentBatches.splice(0, dropped);
    const first = this.recentBatches[0];
    if (!first || first.sequence !== sequence || first.from !== from || first.to > end) return null;
    const rows: KeyedRow[] = [];
    let to = from;
    for (const batch of this.recentBatches) {
      if (batch.sequence !== sequence || batch.from !== to || batch.to > end) break;
      if (to > from && batch.to - from > maxBytes) break;
      for (const row of batch.rows) rows.push(row);
      to = batch.to;
    }
    return { rows, to };
  }

  /** Shows the loader what is appended once enough has gathered or the delay is over. */
  private scheduleShow(): void {
    const unshown = (this.current?.bytes ?? 0) - this.shownBytes;
    const delayMs = this.options.loadDelayMs ?? defaultLoadDelayMs;
    if (delayMs <= 0 || unshown >= (this.options.loadBytes ?? 4 * 1_048_576) / 2) this.showAppended();
    else this.showTimer ??= setTimeout(() => this.showAppended(), delayMs);
  }

  /** Lets the loader read everything acknowledged so far, and wakes it. */
  private showAppended(): void {
    if (this.showTimer) clearTimeout(this.showTimer);
    this.showTimer = null;
    this.shownBytes = this.current?.bytes ?? 0;
    this.loader.notify();
  }

  /**
   * After a failed write the segment may end in part of a record: cut it back to its last
   * acknowledged byte and close it, so the next batch starts a clean segment and the loader never
   * reads the partial record as the start of an acknowledged one.
   */
  private async abandonCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    await current.file.truncate(current.bytes).catch(() => undefined);
    await current.file.close().catch(() => undefined);
    this.loader.notify();
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    await current.file.close();
  }

  /** Bytes on disk not loaded yet (what the cap bounds). */
  get pendingBytes(): number {
    const loaded = this.loader.loaded;
    const loadedHere = loaded.sequence === this.current?.sequence ? loaded.offset : 0;
    return this.usedBytes - loadedHere;
  }

  /**
   * Resolves true once everything acknowledged before the call is in the store, false after
   * `timeoutMs` (a reader then answers from what is loaded rather than not at all).
   */
  caughtUp(timeoutMs: number): Promise<boolean> {
    if (this.shownBytes !== (this.current?.bytes ?? 0)) this.showAppended();
    return this.loader.reached(this.lastAppended, timeoutMs);
  }

  /** Like `caughtUp`, but rejects at the deadline: for tests and shutdown checks. */
  async loaded(timeoutMs: number): Promise<void> {
    if (!(await this.caughtUp(timeoutMs))) throw new Error(`the log still holds ${this.pendingBytes} bytes`);
  }

  /** The store's recent ids plus those still waiting here (a restart must not forget them). */
  async recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>> {
    const waiting = this.waitingRows()
      .filter(({ row }) => row.eventId !== '' && row.ts >= sinceMs)
      .map(({ row }) => ({ siteId: row.siteId, eventId: row.eventId, ts: row.ts }));
    return [...(await this.fromSink(() => this.options.sink.recentEventIds(sinceMs))), ...waiting];
  }

  async recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>> {
    const latest = new Map<
      string,
      { siteId: string; visitorId: string; sessionId: string; lastMs: number }
    >();
    const visits = await this.fromSink(() => this.options.sink.recentServerVisits(sinceMs));
    for (const visit of visits) latest.set(`${visit.siteId}\u0000${visit.visitorId}`, visit);
    for (const { row } of this.waitingRows()) {
      if (row.ts < sinceMs || !row.sessionId.startsWith('zs_')) continue;
      const key = `${row.siteId}\u0000${row.visitorId}`;
      const known = latest.get(key);
      if (!known || known.lastMs <= row.ts) {
        latest.set(key, {
          siteId: row.siteId,
          visitorId: row.visitorId,
          sessionId: row.sessionId,
          lastMs: row.ts,
        });
      }
    }
    return [...latest.values()].sort((a, b) => a.lastMs - b.lastMs);
  }

  /** While the store is down at start the node still starts, seeded from the log alone. */
  private async fromSink<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      this.options.log.warn('log: the event store is unreachable at start; seeding from the log only', {
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  /** Rows in segments still on disk (some may be loaded already: the seeds only need a superset). */
  private waitingRows(): KeyedRow[] {
    return listSegments(this.options.dir).flatMap((segment) => readSegment(segment.file));
  }

  /**
   * Stops taking events, gives the loader up to `drainMs` to store what is left, then stops it.
   * Whatever is still unloaded stays on disk for the next start.
   */
  async close(drainMs = 0): Promise<void> {
    await this.chain.catch(() => undefined);
    if (drainMs > 0) await this.caughtUp(drainMs);
    await this.serial(() => this.closeCurrent());
    this.showAppended(); // the closed segment is read whole; no timer outlives the log
    // Deletes the now closed last segment when it is fully loaded (and loads what is left, if it can).
    await this.loader.stop(drainMs > 0 ? 2_000 : 0);
  }

  /** Runs appends and rotations one at a time, in order. */
  private serial<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

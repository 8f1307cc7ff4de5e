import fs from 'node:fs';
import type { Logger } from '../log.ts';
import type { KeyedRow } from '../store/clickhouse/insert-once.ts';
import { decodeRecords } from './records.ts';
import { fsyncDirAsync, listSegments } from './segment-files.ts';

/** A place in the log: the byte `offset` of segment `sequence` (everything before it is meant). */
export interface LogPosition {
  readonly sequence: number;
  readonly offset: number;
}

/** Records read from bytes [from, to) of one segment, loaded as one batch. */
export interface LogBatch {
  readonly logId: string;
  readonly sequence: number;
  readonly from: number;
  readonly to: number;
  /**
   * The batch may be stored already (an attempt whose answer was lost, or a replay after a restart
   * into a store that cannot keep its position with the rows): store only the rows it lacks.
   */
  readonly replay: boolean;
}

/** Where the loader puts the log's records: the DuckDB or the ClickHouse event store. */
export interface LogSink {
  load(rows: readonly KeyedRow[], batch: LogBatch): Promise<void>;
  /**
   * How far this log was loaded, when the store commits that position together with the rows
   * (DuckDB), so a restart resumes exactly there. Null when it cannot (ClickHouse has no
   * transactions): every segment left on disk is then replayed with `replay` set.
   */
  loadedPosition(logId: string): Promise<LogPosition | null>;
  recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>>;
  recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>>;
}

export interface LogLoaderOptions {
  dir: string;
  logId: string;
  sink: LogSink;
  log: Logger;
  /** The segment being appended to and its fsync'd length; the loader reads no further. */
  openSegment(): LogPosition | null;
  /**
   * The rows of bytes [from, to) of a segment as this process appended them, `to` ≤ `end`, at most
   * `maxBytes` unless one batch alone is more; null when they are not at hand (appended before a
   * restart, or dropped to bound memory): then they are read back from the file.
   */
  recent?(sequence: number, from: number, end: number, maxBytes: number): RecentRows | null;
  /** Called with the size of each segment deleted once loaded. */
  onDeleted(bytes: number): void;
  /** Most bytes read (and so loaded) per batch. */
  readBytes: number;
  /** Wait between attempts while the sink fails. */
  retryMs: number;
  /** Loading starts once this settles (e.g. the store's upgrade work); appends are taken meanwhile. */
  sinkReady?: Promise<unknown>;
}

/** Rows appended by this process, with the end of the bytes they were written as. */
export interface RecentRows {
  readonly rows: readonly KeyedRow[];
  readonly to: number;
}

export function isBefore(a: LogPosition, b: LogPosition): boolean {
  return a.sequence < b.sequence || (a.sequence === b.sequence && a.offset < b.offset);
}

/**
 * Moves records from the log's segments into the store, oldest first, in batches as large as what
 * has accumulated (bounded by `readBytes`). A segment is deleted only once all of it is stored and
 * nothing more can be appended to it. Loading runs beside the request path, so a slow store makes
 * the log grow (up to its cap) instead of slowing acknowledgements.
 */
export class LogLoader {
  private position: LogPosition = { sequence: 0, offset: 0 };
  /** Segments that may be (partly) stored already: loaded with `replay`. */
  private readonly unsure = new Set<number>();
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Set by `notify`: something was appended since the loop last looked. */
  private dirty = false;
  private done: Promise<void> = Promise.resolve();
  private waiters: Array<{ target: LogPosition; resolve: () => void }> = [];

  constructor(private readonly options: LogLoaderOptions) {}

  /** Reads where loading stopped and starts the loop. */
  async start(): Promise<void> {
    const stored = await this.options.sink.loadedPosition(this.options.logId);
    if (stored) this.position = stored;
    else for (const segment of listSegments(this.options.dir)) this.unsure.add(segment.sequence);
    this.done = this.loop();
  }

  /** How far the store holds the log. */
  get loaded(): LogPosition {
    return this.position;
  }

  /** Resolves true once everything before `target` is stored, false after `timeoutMs`. */
  reached(target: LogPosition, timeoutMs: number): Promise<boolean> {
    if (!isBefore(this.position, target)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { target, resolve: () => resolve(true) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((item) => item !== waiter);
        resolve(false);
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(waiter);
    });
  }

  /** New records were appended. */
  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  /**
   * Stops the loop; then, for up to `settleMs`, keeps loading and deleting until nothing is left
   * (a clean stop leaves no segment that is already loaded). A failing store ends that at once.
   */
  async stop(settleMs = 0): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
    const deadline = Date.now() + settleMs;
    while (Date.now() < deadline) {
      const outcome = await this.step().catch(() => 'failed' as const);
      if (outcome !== 'loaded') break;
    }
  }

  private async loop(): Promise<void> {
    await this.options.sinkReady?.catch(() => undefined);
    while (!this.stopped) {
      let outcome: 'loaded' | 'idle' | 'failed';
      this.dirty = false;
      try {
        outcome = await this.step();
      } catch (error) {
        this.options.log.warn('log: loading into the event store failed; keeping the records and retrying', {
          error: error instanceof Error ? error.message : String(error),
        });
        outcome = 'failed';
      }
      if (outcome === 'failed') await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
      else if (outcome === 'idle') await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
      if (this.stopped || this.dirty) this.wake();
    });
  }

  /** Loads one batch, or deletes segments already loaded; 'idle' when there is nothing to do. */
  private async step(): Promise<'loaded' | 'idle' | 'failed'> {
    const open = this.options.openSegment();
    for (const segment of listSegments(this.options.dir)) {
      const isOpen = open?.sequence === segment.sequence;
      const end = isOpen ? open.offset : segment.bytes;
      const from = segment.sequence === this.position.sequence ? this.position.offset : 0;
      if (segment.sequence < this.position.sequence || from >= end) {
        if (isOpen) return 'idle';
        await this.remove(segment.file, segment.sequence, segment.bytes);
        continue;
      }
      // What this process appended is taken as it was handed over (checksummed, fsync'd): reading
      // it back and decoding it again cost about as much CPU as the requests that sent it.
      const recent = this.options.recent?.(segment.sequence, from, end, this.options.readBytes);
      if (recent) {
        await this.loadBatch(recent.rows, segment.sequence, from, recent.to);
        return 'loaded';
      }
      const data = await readRange(segment.file, from, Math.min(end, from + this.options.readBytes));
      const decoded = decodeRecords(data);
      if (decoded.damaged > 0) {
        this.options.log.warn('log: skipped damaged records (checksum or format)', {
          segment: segment.sequence,
          records: decoded.damaged,
        });
      }
      if (decoded.consumed === 0) {
        // A closed segment ending in a line without its newline: the torn last record of a batch
        // that was never acknowledged (the process died mid-write).
        if (!isOpen && from + data.length >= end) {
          this.options.log.warn('log: skipped a torn last record', {
            segment: segment.sequence,
            bytes: end - from,
          });
          await this.remove(segment.file, segment.sequence, segment.bytes);
          continue;
        }
        return 'idle';
      }
      await this.loadBatch(decoded.rows, segment.sequence, from, from + decoded.consumed);
      return 'loaded';
    }
    return 'idle';
  }

  /** Stores the rows of bytes [from, to) of a segment and moves the position past them. */
  private async loadBatch(
    rows: readonly KeyedRow[],
    sequence: number,
    from: number,
    to: number,
  ): Promise<void> {
    if (rows.length > 0) {
      const batch = { logId: this.options.logId, sequence, from, to, replay: this.unsure.has(sequence) };
      try {
        await this.options.sink.load(rows, batch);
      } catch (error) {
        this.unsure.add(sequence); // any failure may come after the store took some of it
        throw error;
      }
    }
    this.advance({ sequence, offset: to });
  }

  private advance(position: LogPosition): void {
    this.position = position;
    const reached = this.waiters.filter((waiter) => !isBefore(position, waiter.target));
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => isBefore(position, waiter.target));
    for (const waiter of reached) waiter.resolve();
  }

  /** Off the event loop: an unlink and a directory fsync, once a second under load, stalled requests. */
  private async remove(file: string, sequence: number, bytes: number): Promise<void> {
    await fs.promises.rm(file, { force: true });
    await fsyncDirAsync(this.options.dir);
    this.unsure.delete(sequence);
    this.options.onDeleted(bytes);
    if (this.position.sequence <= sequence) this.advance({ sequence, offset: bytes });
  }
}

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, from + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

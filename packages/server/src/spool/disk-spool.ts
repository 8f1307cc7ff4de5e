import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { EventRow } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import type { AppendOptions, KeyedRow } from '../store/clickhouse/event-store.ts';
import type { EventStore } from '../store/types.ts';
import {
  encodeRecords,
  fsyncDir,
  listSegments,
  readSegment,
  segmentName,
  spoolIdentity,
} from './segment-files.ts';

/** Where shipped events go (the ClickHouse event store). */
export interface SpoolSink {
  appendKeyed(rows: readonly KeyedRow[], options?: AppendOptions): Promise<void>;
  recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>>;
  recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>>;
}

export interface DiskSpoolOptions {
  dir: string;
  sink: SpoolSink;
  log: Logger;
  /** Most bytes of unshipped events on disk; beyond it `append` refuses (the route answers 503). */
  capBytes: number;
  /** A segment is closed for shipping at this size (or sooner, whenever the shipper is idle). */
  segmentBytes?: number;
  /** Most rows per insert. */
  shipBatchRows?: number;
  /** Wait between attempts while the sink fails. */
  retryMs?: number;
}

export class SpoolFullError extends Error {
  constructor() {
    super('the local spool is full while ClickHouse is unreachable');
  }
}

/**
 * The durable front of the ClickHouse event store. `append` resolves only once the batch is in an
 * fsync'd append-only segment file (the writer's group commit makes that one fsync per batch);
 * a background shipper sends closed segments to ClickHouse, oldest first, and deletes a segment
 * only after every insert of it was confirmed. After a crash the remaining segments are shipped
 * again. Each row carries a key (`e:<event_id>` or a random id given here, once). A segment whose
 * earlier shipping may have landed unseen — left over from a previous run, or after any failed
 * attempt — is sent again with only the rows ClickHouse does not hold yet, so it is stored once
 * (store/clickhouse/insert-once.ts); a segment shipped for the first time needs no such check.
 */
export class DiskSpool implements EventStore {
  private current: { sequence: number; file: fs.promises.FileHandle; bytes: number } | null = null;
  private nextSequence: number;
  /** The segment being appended to (set before its file is created); the shipper leaves it alone. */
  private openSequence: number | null = null;
  private usedBytes: number;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private wake: (() => void) | null = null;
  private shipperDone: Promise<void> = Promise.resolve();
  private shippedRows = 0;
  /** Segments that may be (partly) in ClickHouse already: shipped again with only missing rows. */
  private readonly unsure = new Set<number>();
  /** Names this spool's inserts (their query ids), the same across restarts. */
  private readonly identity: string;

  private constructor(private readonly options: DiskSpoolOptions) {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.identity = spoolIdentity(options.dir);
    const existing = listSegments(options.dir);
    for (const segment of existing) this.unsure.add(segment.sequence);
    this.nextSequence = (existing.at(-1)?.sequence ?? 0) + 1;
    this.usedBytes = existing.reduce((sum, segment) => sum + segment.bytes, 0);
  }

  /** Opens the spool and starts shipping, beginning with whatever a previous run left behind. */
  static open(options: DiskSpoolOptions): DiskSpool {
    const spool = new DiskSpool(options);
    spool.shipperDone = spool.shipLoop();
    return spool;
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
    const data = Buffer.from(encodeRecords(rows));
    if (this.usedBytes + data.length > this.options.capBytes) throw new SpoolFullError();
    if (!this.current) {
      const sequence = this.nextSequence++;
      this.openSequence = sequence; // before the file exists, so the shipper never takes it
      const file = `${this.options.dir}/${segmentName(sequence)}`;
      this.current = { sequence, file: await fs.promises.open(file, 'a', 0o600), bytes: 0 };
      fsyncDir(this.options.dir);
    }
    await this.current.file.write(data);
    await this.current.file.datasync();
    this.current.bytes += data.length;
    this.usedBytes += data.length;
    if (this.current.bytes >= (this.options.segmentBytes ?? 4 * 1_048_576)) await this.closeCurrent();
    this.wake?.();
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    await current.file.close();
    this.openSequence = null;
  }

  /** Ships closed segments; when none is waiting, closes the open one so events leave promptly. */
  private async shipLoop(): Promise<void> {
    while (!this.stopped) {
      let segments = listSegments(this.options.dir).filter((s) => s.sequence !== this.openSequence);
      if (segments.length === 0 && this.current && this.current.bytes > 0) {
        await this.serial(() => this.closeCurrent());
        segments = listSegments(this.options.dir).filter((s) => s.sequence !== this.openSequence);
      }
      if (segments.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      const segment = segments[0]!;
      try {
        await this.ship(segment.file, segment.sequence);
        fs.rmSync(segment.file);
        fsyncDir(this.options.dir);
        this.unsure.delete(segment.sequence);
        this.usedBytes -= segment.bytes;
      } catch (error) {
        // Any failure may come after ClickHouse took some of it (a lost answer, a timeout).
        this.unsure.add(segment.sequence);
        this.options.log.warn('spool: shipping to ClickHouse failed; keeping the segment and retrying', {
          error: error instanceof Error ? error.message : String(error),
          spooledBytes: this.usedBytes,
        });
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1_000));
      }
    }
  }

  private async ship(file: string, sequence: number): Promise<void> {
    const rows = readSegment(file);
    const batch = this.options.shipBatchRows ?? 20_000;
    const onlyMissing = this.unsure.has(sequence);
    for (let start = 0; start < rows.length; start += batch) {
      await this.options.sink.appendKeyed(rows.slice(start, start + batch), {
        onlyMissing,
        insertId: `zenovay-spool-${this.identity}-${sequence}-${start}`,
      });
    }
    this.shippedRows += rows.length;
  }

  /** The store's recent ids plus those still waiting here (a restart must not forget them). */
  async recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>> {
    const spooled = this.spooledRows()
      .filter(({ row }) => row.eventId !== '' && row.ts >= sinceMs)
      .map(({ row }) => ({ siteId: row.siteId, eventId: row.eventId, ts: row.ts }));
    return [...(await this.fromSink(() => this.options.sink.recentEventIds(sinceMs))), ...spooled];
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
    for (const { row } of this.spooledRows()) {
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

  /** While ClickHouse is down at start the node still starts, seeded from the spool alone. */
  private async fromSink<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      this.options.log.warn('spool: ClickHouse unreachable at start; seeding from the spool only', {
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  private spooledRows(): KeyedRow[] {
    return listSegments(this.options.dir).flatMap((segment) => readSegment(segment.file));
  }

  /** Bytes of accepted events not yet confirmed by ClickHouse. */
  get spooledBytes(): number {
    return this.usedBytes;
  }

  get rowsShipped(): number {
    return this.shippedRows;
  }

  /** Resolves once everything accepted so far is confirmed by ClickHouse, or rejects at the deadline. */
  async shipped(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.usedBytes > 0) {
      if (Date.now() > deadline) throw new Error(`spool still holds ${this.usedBytes} bytes`);
      this.wake?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops shipping; what is left stays on disk for the next start. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.chain.catch(() => undefined);
    await this.shipperDone;
    await this.closeCurrent();
  }

  /** Runs appends and rotations one at a time, in order. */
  private serial<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

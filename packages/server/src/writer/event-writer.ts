import type { Clock } from '../clock.ts';
import { LogFullError } from '../event-log/append-log.ts';
import type { LogRow } from '../ingest/heartbeat-types.ts';
import type { Logger } from '../log.ts';
import type { EventStore } from '../store/types.ts';
import { DedupeWindow } from './dedupe-window.ts';

export type WriteOutcome = { duplicate: boolean };

/**
 * See `EventWriterOptions.gatherMs`. Off by default since the commit is the append log's write +
 * fdatasync (light on CPU) rather than a DuckDB transaction: `npm run bench:ingest` measured the
 * same full-load rate with 0 as with 2 ms (16,553 and 16,358 req/s) and, at half that rate, the
 * median request 2.7 ms → 1.1 ms, the gather's own wait. Batches still form by themselves while the
 * previous one is being fsync'd.
 */
export const defaultGatherMs = 0;
/** Batches smaller than this mean light load: the next one is not held back to gather. */
const gatherFromBatch = 8;
const noAnswers = (): void => undefined;

export class QueueFullError extends Error {
  constructor() {
    super('the writer queue is full');
  }
}

export class StoreWriteError extends Error {}

interface Pending {
  row: LogRow;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
}

export interface EventWriterOptions {
  store: EventStore;
  clock: Clock;
  log: Logger;
  maxQueue: number;
  maxBatch: number;
  dedupeWindowMs: number;
  /**
   * Under load, how long a batch may wait for the senders just answered to send their next event
   * (default `defaultGatherMs`; 0 disables). Trades at most this much latency for fewer commits.
   */
  gatherMs?: number;
  /** The window shared by all nodes (Redis in scale-out); this node's own window is checked first. */
  shared?: SharedEventIdWindow;
}

/** A cross-node `event_id` window: the first claim of a pair wins; see limits/redis-idempotency.ts. */
export interface SharedEventIdWindow {
  claim(
    pairs: ReadonlyArray<{ siteId: string; eventId: string }>,
  ): Promise<Array<'new' | 'duplicate' | 'unknown'>>;
  release(pairs: ReadonlyArray<{ siteId: string; eventId: string }>): Promise<void>;
}

/**
 * The single owner of event writes (group commit). Requests queue their row; while one commit is
 * in flight the next batch gathers, so under load many requests share one commit and at rest a
 * lone event is written at once. Being the only writer also makes it the race-free place to decide
 * "new or duplicate" by `event_id`.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private writing = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  private readonly window: DedupeWindow;
  /** Set while the drain gathers a batch: ends the wait early (target reached, or closing). */
  private endGather: (() => void) | null = null;
  private gatherTarget = 0;

  private constructor(private readonly options: EventWriterOptions) {
    this.window = new DedupeWindow(options.dedupeWindowMs);
  }

  /** Seeds the dedupe window from the store so duplicates are caught across restarts. */
  static async start(options: EventWriterOptions): Promise<EventWriter> {
    const writer = new EventWriter(options);
    const since = options.clock.now() - options.dedupeWindowMs;
    for (const item of await options.store.recentEventIds(since)) {
      writer.window.add(DedupeWindow.key(item.siteId, item.eventId), item.ts);
    }
    return writer;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /** Resolves after the row is committed (or known to be a duplicate); rejects if it was not stored. */
  /** An event, or a heartbeat (never deduplicated by id: it has none; see heartbeat-types.ts). */
  write(row: LogRow): Promise<WriteOutcome> {
    if (this.closed) return Promise.reject(new StoreWriteError('the writer is shutting down'));
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new QueueFullError());
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.writing) void this.drain();
      else if (this.endGather && this.queue.length >= this.gatherTarget) this.endGather();
    });
  }

  /** Stops taking events and resolves once everything already accepted is committed. */
  async close(): Promise<void> {
    this.closed = true;
    this.endGather?.(); // nothing more can join: commit what is queued now
    await this.idle;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    this.idle = new Promise((resolve) => {
      this.markIdle = resolve;
    });
    // Each batch's requests are answered only after its COMMIT. Without gathering they are answered
    // once the next batch has been handed to the store: writing a few hundred responses takes
    // milliseconds of event-loop time, during which DuckDB would otherwise sit idle.
    let answerPrevious: () => void = () => undefined;
    try {
      const gatherMs = this.options.gatherMs ?? defaultGatherMs;
      let lastBatch = 0;
      for (;;) {
        // A commit costs ~1-3 ms of CPU whatever its size, so under load fewer, bigger batches are
        // the cheapest events. A lone event at rest is still written at once (lastBatch is 0).
        if (lastBatch >= gatherFromBatch && gatherMs > 0 && this.queue.length < this.options.maxBatch) {
          // Under load: answer the batch just committed first, and give its senders a moment
          // (at most gatherMs) to send their next event, so it joins this batch instead of
          // waiting for, and paying, a commit of its own. Done even when nothing is queued yet:
          // otherwise the first sender back would get a commit of its own.
          answerPrevious();
          answerPrevious = noAnswers;
          await this.gather(Math.min(this.options.maxBatch, this.queue.length + lastBatch), gatherMs);
        } else if (lastBatch > 0 && this.queue.length > 0 && this.queue.length < this.options.maxBatch) {
          await yieldToIo(); // let requests already waiting on sockets join this batch
        }
        if (this.queue.length === 0) break;
        const batch = this.queue.splice(0, this.options.maxBatch);
        lastBatch = batch.length;
        const committing = this.commit(batch);
        answerPrevious();
        answerPrevious = await committing;
      }
    } finally {
      answerPrevious();
      this.writing = false;
      this.markIdle();
    }
  }

  /** Resolves once `target` events are queued, or after `gatherMs`, whichever comes first. */
  private gather(target: number, gatherMs: number): Promise<void> {
    if (this.closed || this.queue.length >= target) return yieldToIo();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endGather = null;
        resolve();
      };
      const timer = setTimeout(done, gatherMs);
      this.gatherTarget = target;
      this.endGather = done;
    });
  }

  /**
   * Moves the events another node already stored (within the shared window) from `fresh` to
   * `duplicates`; returns the pairs claimed now. Redis unreachable ('unknown'): this node's window
   * alone decides, and ClickHouse still folds copies by event id.
   */
  private async claimShared(
    fresh: Pending[],
    duplicates: Pending[],
  ): Promise<Array<{ siteId: string; eventId: string }>> {
    const shared = this.options.shared;
    const withId = fresh.filter((item) => item.row.eventId !== '');
    if (!shared || withId.length === 0) return [];
    const pairs = withId.map((item) => ({ siteId: item.row.siteId, eventId: item.row.eventId }));
    const answers = await shared.claim(pairs);
    const claimed = pairs.filter((_, i) => answers[i] === 'new');
    const taken = new Set(withId.filter((_, i) => answers[i] === 'duplicate'));
    if (taken.size > 0) {
      const kept = fresh.filter((item) => !taken.has(item));
      fresh.splice(0, fresh.length, ...kept);
      duplicates.push(...taken);
    }
    return claimed;
  }

  /** Commits a batch and returns how to answer its requests (called once the next batch is started). */
  private async commit(batch: Pending[]): Promise<() => void> {
    this.window.expire(this.options.clock.now());
    const fresh: Pending[] = [];
    const duplicates: Pending[] = [];
    const keysInBatch = new Set<string>();
    for (const item of batch) {
      const eventId = item.row.eventId;
      if (eventId === '') {
        fresh.push(item);
        continue;
      }
      const key = DedupeWindow.key(item.row.siteId, eventId);
      if (this.window.has(key) || keysInBatch.has(key)) duplicates.push(item);
      else {
        keysInBatch.add(key);
        fresh.push(item);
      }
    }
    const claimed = await this.claimShared(fresh, duplicates);
    try {
      await this.options.store.append(fresh.map((item) => item.row));
    } catch (error) {
      await this.options.shared?.release(claimed);
      this.options.log.error('event batch was not committed', {
        events: fresh.length,
        error: error instanceof Error ? error.message : String(error),
      });
      // A full log is back-pressure, not a fault: the route says so with its own code.
      const failure =
        error instanceof LogFullError ? error : new StoreWriteError('the event store refused the batch');
      // A duplicate of an event in this failed batch was not stored either; it must be retried too.
      return () => {
        for (const item of batch) item.reject(failure);
      };
    }
    // Remember the ids now, before the next batch is checked against the window.
    const committedAt = this.options.clock.now();
    for (const item of fresh) {
      if (item.row.eventId !== '')
        this.window.add(DedupeWindow.key(item.row.siteId, item.row.eventId), committedAt);
    }
    return () => {
      for (const item of fresh) item.resolve({ duplicate: false });
      for (const item of duplicates) item.resolve({ duplicate: true });
    };
  }
}

/** Resolves after the event loop's next poll phase, i.e. once pending socket reads have run. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

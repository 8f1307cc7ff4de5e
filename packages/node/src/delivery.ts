import { setMaxListeners } from 'node:events';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { FlushTracker } from './flush-tracker.js';
import { MinHeap } from './heap.js';
import type { Outcome, SendResult } from './outcome.js';
import { eventBytes, eventIdOf, type QueuedEvent, retryState } from './queued-event.js';
import type { Timing, TrackResult } from './types.js';

export type { QueuedEvent } from './queued-event.js';

/** How events leave: one per request to `/e/{code}`, or batches to `/api/v1/events`. */
export interface Transport {
  readonly maxEvents: number;
  readonly maxBytes: number;
  /** How long a partial batch waits for company; 0 sends at once. */
  readonly lingerMs: number;
  readonly concurrency: number;
  /** Milliseconds the client-side budget asks to wait (Infinity: until a request finishes). */
  waitMs(nowMs: number): number;
  /** A request starts / has finished; the budget counts both. */
  reserve(): void;
  release(nowMs: number): void;
  send(events: readonly QueuedEvent[], cancel: AbortSignal): Promise<SendResult>;
}

export interface DeliveryOptions {
  readonly transport: Transport;
  readonly timing: Timing;
  readonly maxRetries: number;
  readonly backoff: BackoffOptions;
  readonly maxRetryAfterMs: number;
  readonly onFailure: (event: QueuedEvent, result: TrackResult, message: string) => void;
  /** Undefined when debug logging is off, so no message is even built. */
  readonly log: ((message: string) => void) | undefined;
}

/**
 * The queue and its workers. Events wait in `ready` (FIFO) or, after a failed try, in `delayed`
 * (by due time); up to `concurrency` requests run at once. A `Retry-After` pauses all sending,
 * since it speaks for the server, not for one event. Nothing here throws to the caller: every
 * event ends settled with a result.
 */
export class Delivery {
  private ready: QueuedEvent[] = [];
  private readyHead = 0;
  private readonly delayed = new MinHeap<QueuedEvent>((event) => event.retry!.readyAt);
  private pendingCount = 0;
  /** Units (requests) in flight, so a give-up can settle their events too. */
  private readonly sending = new Set<QueuedEvent[]>();
  private inFlight = 0;
  private pausedUntil = 0;
  private wakeAt = Number.POSITIVE_INFINITY;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private lingerDue = false;
  private flushDemand = 0;
  private readonly flushes = new FlushTracker();
  private readonly stopper = new AbortController();

  constructor(private readonly options: DeliveryOptions) {
    // Every request and delay listens for shutdown on this one signal; that is not a leak.
    setMaxListeners(0, this.stopper.signal);
  }

  get size(): number {
    return this.pendingCount;
  }

  add(event: QueuedEvent): void {
    event.epoch = this.flushes.added();
    this.pendingCount++;
    this.pushReady(event);
    this.pump();
  }

  /** Resolves once every event pending now is settled; partial batches go at once meanwhile. */
  async flush(): Promise<void> {
    if (this.pendingCount === 0) return;
    this.flushDemand++;
    const drained = this.flushes.drained();
    this.pump();
    await drained;
    this.flushDemand--;
  }

  /** Gives up: cancels requests and delays, settles what is left with `code`. */
  abandon(code: string, message: string): number {
    const left: QueuedEvent[] = this.ready.slice(this.readyHead);
    while (this.delayed.size > 0) left.push(this.delayed.pop()!);
    for (const unit of this.sending) left.push(...unit);
    let count = 0;
    for (const event of left) {
      if (event.resolve === null) continue;
      count++;
      this.settle(event, { ok: false, status: 0, code, eventId: eventIdOf(event) }, message);
    }
    this.stopper.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    return count;
  }

  /** Stops background timers once nothing is pending (shutdown after a clean drain). */
  stop(): void {
    this.stopper.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }

  private pushReady(event: QueuedEvent): void {
    this.ready.push(event);
  }

  private get readyCount(): number {
    return this.ready.length - this.readyHead;
  }

  private pump(): void {
    if (this.stopper.signal.aborted) return;
    const { transport, timing } = this.options;
    const now = timing.now();
    while (this.delayed.size > 0 && this.delayed.peek()!.retry!.readyAt <= now) {
      const event = this.delayed.pop()!;
      if (event.resolve !== null) this.pushReady(event);
      this.lingerDue = true; // a retried event has waited enough already
    }
    while (this.inFlight < transport.concurrency && this.readyCount > 0) {
      if (now < this.pausedUntil) {
        this.wakeUpAt(this.pausedUntil);
        break;
      }
      const wait = transport.waitMs(now);
      if (wait > 0) {
        if (Number.isFinite(wait)) this.wakeUpAt(now + wait); // else the next finished request pumps
        break;
      }
      const full = this.readyCount >= transport.maxEvents;
      if (!full && transport.lingerMs > 0 && !this.lingerDue && this.flushDemand === 0) {
        this.armLinger();
        break;
      }
      const unit = this.takeUnit();
      if (unit.length === 0) continue;
      transport.reserve();
      this.inFlight++;
      void this.run(unit);
    }
    if (this.readyCount === 0) this.lingerDue = false;
    if (this.delayed.size > 0) this.wakeUpAt(this.delayed.peek()!.retry!.readyAt);
  }

  /** The next request's events: FIFO, within the transport's count and byte limits. */
  private takeUnit(): QueuedEvent[] {
    const { maxEvents, maxBytes } = this.options.transport;
    const counting = Number.isFinite(maxBytes);
    const unit: QueuedEvent[] = [];
    let cap = maxEvents;
    let bytes = 0;
    while (this.readyHead < this.ready.length && unit.length < cap) {
      const event = this.ready[this.readyHead]!;
      if (event.resolve === null) {
        this.ready[this.readyHead++] = undefined as unknown as QueuedEvent;
        continue;
      }
      const unitCap = event.retry?.unitCap ?? Number.POSITIVE_INFINITY;
      const size = counting ? eventBytes(event) + 1 : 0;
      if (unit.length > 0 && (bytes + size > maxBytes || unit.length >= unitCap)) break;
      // The slot is cleared, so a settled event is garbage at once, not at the next compaction.
      this.ready[this.readyHead++] = undefined as unknown as QueuedEvent;
      unit.push(event);
      bytes += size;
      cap = Math.min(cap, unitCap);
    }
    if (this.readyHead === this.ready.length) {
      this.ready = [];
      this.readyHead = 0;
    } else if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead); // compact now and then, not per event
      this.readyHead = 0;
    }
    return unit;
  }

  private async run(unit: QueuedEvent[]): Promise<void> {
    let result: SendResult;
    const sentAt = this.options.timing.now();
    try {
      for (const event of unit) event.attempts++;
      this.sending.add(unit);
      result = await this.options.transport.send(unit, this.stopper.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        type: 'all',
        outcome: { type: 'retry', status: 0, code: 'NETWORK_ERROR', message, retryAfterMs: null },
      };
    }
    this.sending.delete(unit);
    this.inFlight--;
    this.options.transport.release(this.options.timing.now());
    if (result.type === 'split') this.split(unit);
    else if (result.type === 'all') for (const event of unit) this.apply(event, result.outcome);
    else if (result.outcomes.length !== unit.length) {
      const message = `the server answered ${result.outcomes.length} results for ${unit.length} events`;
      const outcome: Outcome = {
        type: 'retry',
        status: 200,
        code: 'BAD_RESPONSE',
        message,
        retryAfterMs: null,
      };
      for (const event of unit) this.apply(event, outcome);
    } else {
      for (let i = 0; i < unit.length; i++) this.apply(unit[i]!, result.outcomes[i]!);
    }
    const stored =
      (result.type === 'all' && result.outcome.type === 'stored') ||
      (result.type === 'each' && result.outcomes.some((outcome) => outcome.type === 'stored'));
    if (stored) this.recovered(sentAt);
    this.pump();
  }

  /**
   * A request sent after some events failed has just been stored: the server answers again, so
   * those events need not sit out the rest of a long backoff. Without this, a few unlucky events
   * whose tries failed many times in a row hold `flush()` for minutes after everything else is
   * through. Only a small tail is pulled forward (with jitter), and never during a Retry-After.
   */
  private recovered(sentAt: number): void {
    if (this.delayed.size === 0 || this.delayed.size > 1_000) return;
    const now = this.options.timing.now();
    if (now < this.pausedUntil) return;
    for (const event of this.delayed.drain()) {
      const retry = event.retry!;
      if (retry.failedAt < sentAt) {
        retry.readyAt = Math.min(retry.readyAt, now + Math.random() * this.options.backoff.baseMs);
      }
      this.delayed.push(event);
    }
  }

  /** A 413: halve the batch. One event alone that is still too large can never be stored. */
  private split(unit: QueuedEvent[]): void {
    if (unit.length === 1) {
      const event = unit[0]!;
      const result = { ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE', eventId: eventIdOf(event) };
      this.settle(event, result, 'the event alone is larger than the server accepts');
      return;
    }
    const cap = Math.ceil(unit.length / 2);
    this.options.log?.(`batch of ${unit.length} was too large; resending in batches of ${cap}`);
    for (const event of unit) {
      event.attempts--; // a split is not a failed try
      const retry = retryState(event);
      retry.unitCap = Math.min(retry.unitCap, cap);
    }
    // Back to the front of the queue, in order.
    this.ready = [...unit, ...this.ready.slice(this.readyHead)];
    this.readyHead = 0;
    this.lingerDue = true;
  }

  private apply(event: QueuedEvent, outcome: Outcome): void {
    if (event.resolve === null) return;
    if (outcome.type === 'stored') {
      const eventId = eventIdOf(event);
      this.settle(event, { ok: true, status: outcome.status, duplicate: outcome.duplicate, eventId }, '');
      return;
    }
    const failed = { ok: false, status: outcome.status, code: outcome.code, eventId: eventIdOf(event) };
    if (outcome.type === 'refused') {
      this.settle(event, failed, outcome.message);
      return;
    }
    const retry = retryState(event);
    // A refusal with Retry-After is the server pacing us, not the event failing: it costs no
    // retry (the wait is the server's to set; shutdown's timeout still bounds it).
    if (outcome.retryAfterMs === null) retry.strikes++;
    if (retry.strikes > this.options.maxRetries) {
      this.settle(event, failed, `gave up after ${event.attempts} tries: ${outcome.message}`);
      return;
    }
    const now = this.options.timing.now();
    const serverWait =
      outcome.retryAfterMs === null ? 0 : Math.min(outcome.retryAfterMs, this.options.maxRetryAfterMs);
    if (outcome.retryAfterMs !== null) this.pausedUntil = Math.max(this.pausedUntil, now + serverWait);
    const delay = Math.max(backoffDelay(Math.max(1, retry.strikes), this.options.backoff), serverWait);
    retry.readyAt = now + delay;
    retry.failedAt = now;
    this.delayed.push(event);
    this.options.log?.(`retry ${event.attempts} of ${failed.eventId} in ${delay} ms (${outcome.code})`);
  }

  private settle(event: QueuedEvent, result: TrackResult, message: string): void {
    const resolve = event.resolve;
    if (resolve === null) return;
    event.resolve = null;
    this.pendingCount--;
    if (!result.ok) this.options.onFailure(event, result, message);
    resolve(result);
    // After the caller's promise: a flush never finishes before the events it waited for.
    this.flushes.settled(event.epoch);
  }

  private armLinger(): void {
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.lingerDue = true;
      this.pump();
    }, this.options.transport.lingerMs);
    // A waiting partial batch must not keep the process alive; `beforeExit` flushes it instead.
    this.lingerTimer.unref?.();
  }

  /** Makes sure `pump` runs again at `at`; one pending wake-up covers every later one. */
  private wakeUpAt(at: number): void {
    if (at >= this.wakeAt) return;
    this.wakeAt = at;
    const ms = Math.max(0, at - this.options.timing.now());
    this.options.timing.sleep(ms, this.stopper.signal).then(
      () => {
        if (this.wakeAt === at) this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      () => undefined,
    );
  }
}

import { setMaxListeners } from 'node:events';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { type Batch, newBatch, pendingMembers } from './batch.js';
import { BlockWriter, type EventBlock, eventIdOf } from './event-block.js';
import { FlushTracker } from './flush-tracker.js';
import { MinHeap } from './heap.js';
import type { Outcome, SendResult } from './outcome.js';
import type { Transport } from './transport.js';
import type { FieldError, Timing, TrackResult } from './types.js';

export interface DeliveryOptions {
  readonly transport: Transport;
  readonly timing: Timing;
  readonly maxRetries: number;
  readonly backoff: BackoffOptions;
  readonly maxRetryAfterMs: number;
  /** Device fields of events without their own user agent. */
  readonly defaultTail: Buffer;
  readonly onFailure: (result: TrackResult, attempts: number, message: string) => void;
  /** Undefined when debug logging is off, so no message is even built. */
  readonly log: ((message: string) => void) | undefined;
}

/**
 * The queue and its workers. Events are packed into blocks (`BlockWriter`); a sealed block waits
 * as a batch in `ready` (FIFO) or, after a failed try, in `delayed` (by due time); up to
 * `concurrency` requests run at once. A `Retry-After` pauses all sending, since it speaks for the
 * server, not for one event. Nothing here throws to the caller: every event ends settled.
 */
export class Delivery {
  private ready: Batch[] = [];
  private readyHead = 0;
  private readonly delayed = new MinHeap<Batch>((batch) => batch.readyAt);
  private readonly writer: BlockWriter;
  private pendingCount = 0;
  /** Batches in flight, so a give-up can settle their events too. */
  private readonly sending = new Set<Batch>();
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
    const { maxEvents, maxBytes } = options.transport;
    this.writer = new BlockWriter(maxEvents, maxBytes, options.defaultTail, (block) =>
      this.ready.push(newBatch(block, null, 0, 0)),
    );
  }

  get size(): number {
    return this.pendingCount;
  }

  /** Queues one event's JSON (`event_id` first); it is the last event of the returned block. */
  add(json: string, tail: Buffer | undefined): EventBlock {
    const block = this.writer.append(json, tail, this.flushes.added());
    this.pendingCount++;
    this.pump();
    return block;
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
    this.writer.seal();
    const left: Batch[] = this.ready.slice(this.readyHead);
    while (this.delayed.size > 0) left.push(this.delayed.pop()!);
    left.push(...this.sending);
    let count = 0;
    for (const batch of left) {
      for (const index of pendingMembers(batch)) {
        count++;
        this.settle(batch.block, index, false, 0, false, code, message, batch.attempts);
      }
    }
    this.stop();
    return count;
  }

  /** Stops background timers once nothing is pending (shutdown after a clean drain). */
  stop(): void {
    this.stopper.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }

  private get readyCount(): number {
    return this.ready.length - this.readyHead;
  }

  private pump(): void {
    if (this.stopper.signal.aborted) return;
    const { transport, timing } = this.options;
    const now = timing.now();
    while (this.delayed.size > 0 && this.delayed.peek()!.readyAt <= now) {
      this.ready.push(this.delayed.pop()!);
      this.lingerDue = true; // a retried batch has waited enough already
    }
    while (this.inFlight < transport.concurrency) {
      if (this.readyCount === 0 && !this.sealIfDue()) break;
      if (now < this.pausedUntil) {
        this.wakeUpAt(this.pausedUntil);
        break;
      }
      const wait = transport.waitMs(now);
      if (wait > 0) {
        if (Number.isFinite(wait)) this.wakeUpAt(now + wait); // else the next finished request pumps
        break;
      }
      const batch = this.takeReady();
      const members = pendingMembers(batch);
      if (members.length === 0) continue;
      transport.reserve();
      this.inFlight++;
      void this.run(batch, members);
    }
    if (this.readyCount === 0 && this.writer.openCount === 0) this.lingerDue = false;
    if (this.delayed.size > 0) this.wakeUpAt(this.delayed.peek()!.readyAt);
  }

  /** Seals the partial open block if it should go now; else lets it wait for company. */
  private sealIfDue(): boolean {
    if (this.writer.openCount === 0) return false;
    if (this.options.transport.lingerMs > 0 && !this.lingerDue && this.flushDemand === 0) {
      this.armLinger();
      return false;
    }
    this.writer.seal();
    return true;
  }

  private takeReady(): Batch {
    const batch = this.ready[this.readyHead]!;
    // The slot is cleared, so a settled batch is garbage at once, not at the next compaction.
    this.ready[this.readyHead++] = undefined as unknown as Batch;
    if (this.readyHead === this.ready.length) {
      this.ready = [];
      this.readyHead = 0;
    } else if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead); // compact now and then, not per batch
      this.readyHead = 0;
    }
    return batch;
  }

  private async run(batch: Batch, members: readonly number[]): Promise<void> {
    let result: SendResult;
    const sentAt = this.options.timing.now();
    try {
      batch.attempts++;
      this.sending.add(batch);
      result = await this.options.transport.send(batch.block, members, this.stopper.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        type: 'all',
        outcome: { type: 'retry', status: 0, code: 'NETWORK_ERROR', message, retryAfterMs: null },
      };
    }
    this.sending.delete(batch);
    this.inFlight--;
    this.options.transport.release(this.options.timing.now());
    if (result.type === 'split') this.split(batch, members);
    else if (result.type === 'all') {
      const { outcome } = result;
      this.apply(batch, members, () => outcome);
    } else if (result.outcomes.length !== members.length) {
      const message = `the server answered ${result.outcomes.length} results for ${members.length} events`;
      const outcome: Outcome = {
        type: 'retry',
        status: 200,
        code: 'BAD_RESPONSE',
        message,
        retryAfterMs: null,
      };
      this.apply(batch, members, () => outcome);
    } else {
      const { outcomes } = result;
      this.apply(batch, members, (position) => outcomes[position]!);
    }
    const stored =
      (result.type === 'all' && result.outcome.type === 'stored') ||
      (result.type === 'each' && result.outcomes.some((outcome) => outcome.type === 'stored'));
    if (stored) this.recovered(sentAt);
    this.pump();
  }

  /**
   * A request sent after some events failed has just been stored: the server answers again, so
   * those events need not sit out the rest of a long backoff. Without this, a few unlucky batches
   * whose tries failed many times in a row hold `flush()` for minutes after everything else is
   * through. Only a small tail is pulled forward (with jitter), and never during a Retry-After.
   */
  private recovered(sentAt: number): void {
    if (this.delayed.size === 0 || this.delayed.size > 1_000) return;
    const now = this.options.timing.now();
    if (now < this.pausedUntil) return;
    for (const batch of this.delayed.drain()) {
      if (batch.failedAt < sentAt) {
        batch.readyAt = Math.min(batch.readyAt, now + Math.random() * this.options.backoff.baseMs);
      }
      this.delayed.push(batch);
    }
  }

  /** A 413: halve the batch. One event alone that is still too large can never be stored. */
  private split(batch: Batch, members: readonly number[]): void {
    const { block } = batch;
    if (members.length === 1) {
      const message = 'the event alone is larger than the server accepts';
      this.settle(block, members[0]!, false, 413, false, 'PAYLOAD_TOO_LARGE', message, batch.attempts);
      return;
    }
    const cap = Math.ceil(members.length / 2);
    this.options.log?.(`batch of ${members.length} was too large; resending in batches of ${cap}`);
    // A split is not a failed try. Both halves go back to the front of the queue, in order.
    const halves = [members.slice(0, cap), members.slice(cap)].map((half) =>
      newBatch(block, half, batch.attempts - 1, batch.strikes),
    );
    this.ready = [...halves, ...this.ready.slice(this.readyHead)];
    this.readyHead = 0;
    this.lingerDue = true;
  }

  /** Settles the members that are done; the rest of the batch is tried again later, or given up. */
  private apply(batch: Batch, members: readonly number[], outcomeOf: (position: number) => Outcome): void {
    const { block } = batch;
    let retry: Extract<Outcome, { type: 'retry' }> | null = null;
    for (let i = 0; i < members.length; i++) {
      const outcome = outcomeOf(i);
      if (outcome.type === 'stored') {
        this.settle(
          block,
          members[i]!,
          true,
          outcome.status,
          outcome.duplicate,
          undefined,
          '',
          batch.attempts,
        );
      } else if (outcome.type === 'refused') {
        const { status, code, message, fields } = outcome;
        this.settle(block, members[i]!, false, status, false, code, message, batch.attempts, fields);
      } else retry ??= outcome;
    }
    if (retry === null) return;
    // A refusal with Retry-After is the server pacing us, not the events failing: it costs no
    // retry (the wait is the server's to set; shutdown's timeout still bounds it).
    if (retry.retryAfterMs === null) batch.strikes++;
    if (batch.strikes > this.options.maxRetries) {
      for (let i = 0; i < members.length; i++) {
        const outcome = outcomeOf(i);
        if (outcome.type !== 'retry') continue;
        const message = `gave up after ${batch.attempts} tries: ${outcome.message}`;
        this.settle(block, members[i]!, false, outcome.status, false, outcome.code, message, batch.attempts);
      }
      return;
    }
    const now = this.options.timing.now();
    const serverWait =
      retry.retryAfterMs === null ? 0 : Math.min(retry.retryAfterMs, this.options.maxRetryAfterMs);
    if (retry.retryAfterMs !== null) this.pausedUntil = Math.max(this.pausedUntil, now + serverWait);
    const delay = Math.max(backoffDelay(Math.max(1, batch.strikes), this.options.backoff), serverWait);
    batch.readyAt = now + delay;
    batch.failedAt = now;
    this.delayed.push(batch);
    this.options.log?.(
      `retry ${batch.attempts} of ${members.length} event(s) in ${delay} ms (${retry.code})`,
    );
  }

  private settle(
    block: EventBlock,
    index: number,
    ok: boolean,
    status: number,
    duplicate: boolean,
    code: string | undefined,
    message: string,
    attempts: number,
    fields?: readonly FieldError[],
  ): void {
    if (!block.settle(index, ok, status, duplicate, code, fields)) return;
    this.pendingCount--;
    if (!ok) {
      const result = { ok, status, code: code ?? 'UNKNOWN', eventId: eventIdOf(block, index) };
      this.options.onFailure(fields ? { ...result, fields } : result, attempts, message);
    }
    block.takeListener(index)?.settled();
    // After the caller's promise: a flush never finishes before the events it waited for.
    this.flushes.settled(block.epoch);
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

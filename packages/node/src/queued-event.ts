import type { TrackResult } from './types.js';

/**
 * One tracked event on its way: serialised once, resent as is (same `event_id`) until settled.
 * Up to `maxQueueSize` (100,000 by default) of these wait at once, so it is kept small. Its JSON
 * is not a JS string but UTF-8 bytes in a shared slab outside the JS heap (see `EventSlabs`):
 * 100,000 strings would be copied into V8's old generation, which then grows well past them
 * before it collects; bytes in a slab are stored once, exactly, and copied into request bodies
 * without re-encoding. What only retries need lives in `retry`, made on the first failure.
 */
export interface QueuedEvent {
  /** Holds the event's JSON (without device fields, `event_id` first) at `start`..`end`. */
  readonly slab: Buffer;
  readonly start: number;
  readonly end: number;
  /** `,"device_type":…,"user_agent":…}`: the client's shared default, or this event's own agent. */
  readonly tail: Buffer;
  /** Resolves the caller's promise; null once settled, so a settled event holds nothing. */
  resolve: ((result: TrackResult) => void) | null;
  /** Which `flush` generation it belongs to; set by `Delivery.add`. */
  epoch: number;
  attempts: number;
  retry: RetryState | null;
}

/** What a failed (or split) event needs on top: made only for the few that are not stored at once. */
export interface RetryState {
  /** Failed tries that count toward `maxRetries`: those the server did not schedule by Retry-After. */
  strikes: number;
  readyAt: number;
  /** When its last try failed; a later success elsewhere lets it retry early (see `recovered`). */
  failedAt: number;
  /** Lowered when a batch holding this event was too large (413), so it travels in smaller ones. */
  unitCap: number;
}

const slabSize = 64 * 1024;

/**
 * Appends events' JSON to 64 KiB slabs. A slab is freed by the GC once no event in it is pending;
 * an event waiting to retry keeps its slab alive, which is bounded by the queue itself.
 */
export class EventSlabs {
  private slab = Buffer.allocUnsafeSlow(slabSize);
  private used = 0;

  /** A new event, not yet sent. `json` must begin with its `event_id` field (see `eventIdOf`). */
  add(json: string, tail: Buffer, resolve: (result: TrackResult) => void): QueuedEvent {
    const most = json.length * 3; // UTF-8 never needs more than 3 bytes per UTF-16 unit
    if (most > slabSize) {
      const own = Buffer.from(json, 'utf8'); // larger than a slab: a buffer of its own
      return { slab: own, start: 0, end: own.length, tail, resolve, epoch: 0, attempts: 0, retry: null };
    }
    if (this.used + most > slabSize) {
      this.slab = Buffer.allocUnsafeSlow(slabSize);
      this.used = 0;
    }
    const start = this.used;
    this.used += this.slab.write(json, start, 'utf8');
    return { slab: this.slab, start, end: this.used, tail, resolve, epoch: 0, attempts: 0, retry: null };
  }
}

export function retryState(event: QueuedEvent): RetryState {
  event.retry ??= { strikes: 0, readyAt: 0, failedAt: 0, unitCap: Number.POSITIVE_INFINITY };
  return event.retry;
}

/** The size of the event's full JSON: its closing brace gives way to the tail, which brings one. */
export function eventBytes(event: QueuedEvent): number {
  return event.end - event.start - 1 + event.tail.length;
}

/** Copies the event's full JSON into `body` at `at`; returns where it ends. */
function writeEvent(event: QueuedEvent, body: Buffer, at: number): number {
  const next = at + event.slab.copy(body, at, event.start, event.end - 1);
  return next + event.tail.copy(body, next);
}

/** The event's full JSON, device fields included: one event's request body. */
export function renderEvent(event: QueuedEvent): Buffer {
  const body = Buffer.allocUnsafe(eventBytes(event));
  writeEvent(event, body, 0);
  return body;
}

/**
 * A batch body, `head` + the events' full texts joined by commas + `end`: the stored bytes copied
 * into one Buffer, with no strings in between.
 */
export function renderBatch(head: string, events: readonly QueuedEvent[], end: string): Buffer {
  let size = Buffer.byteLength(head) + Buffer.byteLength(end) + events.length - 1;
  for (const event of events) size += eventBytes(event);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(head, 0, 'utf8');
  for (let i = 0; i < events.length; i++) {
    if (i > 0) body[at++] = 44; // ','
    at = writeEvent(events[i]!, body, at);
  }
  body.write(end, at, 'utf8');
  return body;
}

const idStart = Buffer.byteLength('{"event_id":');
const quote = 34;
const backslash = 92;

/** The `event_id` of a stored event, read back from its first field instead of kept twice. */
export function eventIdOf(event: QueuedEvent): string {
  const { slab, end } = event;
  const from = event.start + idStart;
  let to = from;
  let escaped = false;
  if (slab[from] === quote) {
    to++;
    while (to < end && slab[to] !== quote) {
      if (slab[to] === backslash) {
        escaped = true;
        to++;
      }
      to++;
    }
    // The common case, an id with nothing escaped, is its bytes as they are.
    if (!escaped) return slab.toString('utf8', from + 1, to);
    to++;
  } else {
    while (to < end && slab[to] !== 44 && slab[to] !== 125) to++; // not a string: up to ',' or '}'
  }
  const value: unknown = JSON.parse(slab.toString('utf8', from, to));
  return typeof value === 'string' ? value : String(value);
}

import type { TrackResult } from './types.js';

/**
 * One tracked event on its way: serialised once, resent as is (same `event_id`) until settled.
 * Up to `maxQueueSize` (100,000 by default) of these wait at once, so it is kept small: its JSON
 * (one flat string), the shared device tail, the caller's resolver and two small numbers; what
 * only retries need lives in `retry`, made on the first failure.
 */
export interface QueuedEvent {
  /** The event's JSON without its device fields; `event_id` is its first field (see `eventIdOf`). */
  readonly json: string;
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

/** A new event, not yet sent. `json` must begin with its `event_id` field (see `eventIdOf`). */
export function queuedEvent(json: string, tail: Buffer, resolve: (result: TrackResult) => void): QueuedEvent {
  // JSON.stringify returns a rope of pieces, about 1.5 times the text's size; reading a char
  // flattens it now, while it is young, not when it is first sent, by which time 100,000 of them
  // have moved to the old generation and each flat copy would be promoted there too.
  json.charCodeAt(0);
  return { json, tail, resolve, epoch: 0, attempts: 0, retry: null };
}

export function retryState(event: QueuedEvent): RetryState {
  event.retry ??= { strikes: 0, readyAt: 0, failedAt: 0, unitCap: Number.POSITIVE_INFINITY };
  return event.retry;
}

/** The size of the event's full JSON: its closing brace gives way to the tail, which brings one. */
export function eventBytes(event: QueuedEvent): number {
  return Buffer.byteLength(event.json) - 1 + event.tail.length;
}

/** Copies the event's full JSON into `body` at `at`; returns where it ends. */
function writeEvent(event: QueuedEvent, body: Buffer, at: number): number {
  const next = at + body.write(event.json, at, 'utf8') - 1; // the tail overwrites its closing brace
  body.set(event.tail, next);
  return next + event.tail.length;
}

/** The event's full JSON, device fields included: one event's request body. */
export function renderEvent(event: QueuedEvent): Buffer {
  const body = Buffer.allocUnsafe(eventBytes(event));
  writeEvent(event, body, 0);
  return body;
}

/** The size of `renderBatch`'s body. */
export function batchBytes(head: string, events: readonly QueuedEvent[], end: string): number {
  let size = Buffer.byteLength(head) + Buffer.byteLength(end) + events.length - 1;
  for (const event of events) size += eventBytes(event);
  return size;
}

/**
 * A batch body, `head` + the events' full texts joined by commas + `end`, written into `body`
 * (`batchBytes` long): the stored bytes copied, with no strings in between.
 */
export function renderBatch(head: string, events: readonly QueuedEvent[], end: string, body: Buffer): Buffer {
  let at = body.write(head, 0, 'utf8');
  for (let i = 0; i < events.length; i++) {
    if (i > 0) body[at++] = 44; // ','
    at = writeEvent(events[i]!, body, at);
  }
  body.write(end, at, 'utf8');
  return body;
}

/**
 * The `event_id` of an event, read back from its JSON's first field instead of kept twice. A copy
 * (JSON.parse), not a slice, so a caller keeping the result does not keep the whole JSON alive.
 */
export function eventIdOf(event: QueuedEvent): string {
  const { json } = event;
  const start = '{"event_id":'.length;
  let end = start;
  if (json.charCodeAt(start) === 34) {
    end++;
    while (end < json.length && json.charCodeAt(end) !== 34) end += json.charCodeAt(end) === 92 ? 2 : 1;
    end++;
  } else {
    while (end < json.length && json.charCodeAt(end) !== 44 && json.charCodeAt(end) !== 125) end++;
  }
  const value: unknown = JSON.parse(json.slice(start, end));
  return typeof value === 'string' ? value : String(value);
}

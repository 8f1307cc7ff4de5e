import type { FieldError, TrackResult } from './types.js';

/** Told when its event settles: the `TrackPromise` of a caller who is waiting for the result. */
export interface SettleListener {
  settled(): void;
}

const empty = Buffer.alloc(0);

/**
 * Up to one request's worth of tracked events, packed: their JSON back to back in one Buffer
 * (outside the JS heap) and their fates as numbers in typed arrays. A backlog of 100,000 events
 * is then about 1,000 heap objects, not 100,000 or more: few objects survive V8's young
 * generation, so it does not grow to its maximum, and the old generation holds almost nothing.
 * A block lives while any of its events is pending or any caller still holds one's promise.
 */
export class EventBlock {
  /** The events' JSON without their closing brace (the device tail brings it); set when sealed. */
  bytes: Buffer = empty;
  /** `ends[i]`: where event `i` ends in `bytes`; it starts where event `i - 1` ended. */
  readonly ends: Uint32Array;
  count = 0;
  /** The size of these events in a batch body, a comma each included. */
  bodyBytes = 0;
  /** Device tails of the events that have their own user agent; the rest use `defaultTail`. */
  tails: Array<Buffer | undefined> | null = null;
  /** 0 while pending, else `encodeState(…)`: what `TrackResult` says, without an object. */
  readonly states: Int32Array;
  /** Failure codes (for results asked for after settling), only once an event failed. */
  codes: Array<string | undefined> | null = null;
  /** The server's offending fields of refused events, only once one was refused with a list. */
  fields: Array<readonly FieldError[] | undefined> | null = null;
  /** Callers awaiting a result, only once someone awaits one. */
  listeners: Array<SettleListener | undefined> | null = null;

  constructor(
    capacity: number,
    /** The `flush` generation of all its events (see FlushTracker). */
    readonly epoch: number,
    readonly defaultTail: Buffer,
  ) {
    this.ends = new Uint32Array(capacity);
    this.states = new Int32Array(capacity);
  }

  start(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1]!;
  }

  tail(index: number): Buffer {
    return this.tails?.[index] ?? this.defaultTail;
  }

  /** The size of event `index`'s full JSON, device fields included. */
  eventBytes(index: number): number {
    return this.ends[index]! - this.start(index) + this.tail(index).length;
  }

  /** Marks event `index` settled; false if it already was. */
  settle(
    index: number,
    ok: boolean,
    status: number,
    duplicate: boolean,
    code: string | undefined,
    fields?: readonly FieldError[],
  ): boolean {
    if (this.states[index] !== 0) return false;
    this.states[index] = encodeState(ok, status, duplicate);
    if (code !== undefined && !ok) {
      this.codes ??= [];
      this.codes[index] = code;
    }
    if (fields !== undefined && !ok) {
      this.fields ??= [];
      this.fields[index] = fields;
    }
    return true;
  }

  /** The result of a settled event; null while it is pending. */
  resultOf(index: number, eventId: string): TrackResult | null {
    const state = this.states[index]!;
    if (state === 0) return null;
    const status = state >>> 3;
    if ((state & 2) !== 0) return { ok: true, status, duplicate: (state & 4) !== 0, eventId };
    const code = this.codes?.[index] ?? 'UNKNOWN';
    const fields = this.fields?.[index];
    return fields ? { ok: false, status, code, eventId, fields } : { ok: false, status, code, eventId };
  }

  listen(index: number, listener: SettleListener): void {
    this.listeners ??= [];
    this.listeners[index] = listener;
  }

  /** Takes (and forgets) the listener of event `index`, if any. */
  takeListener(index: number): SettleListener | undefined {
    const listener = this.listeners?.[index];
    if (listener !== undefined) this.listeners![index] = undefined;
    return listener;
  }
}

/** Bit 0: settled; bit 1: ok; bit 2: duplicate; the rest: the HTTP status (0 when none). */
function encodeState(ok: boolean, status: number, duplicate: boolean): number {
  return 1 | (ok ? 2 : 0) | (duplicate ? 4 : 0) | (status << 3);
}

/**
 * Fills blocks. The open block's bytes grow in one reused scratch buffer; sealing copies them
 * into a Buffer of their exact size, so a backlog holds no slack.
 */
export class BlockWriter {
  private scratch = Buffer.allocUnsafeSlow(16 * 1024);
  /** Bytes of the open block in `scratch`. */
  private used = 0;
  private open: EventBlock | null = null;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes: number,
    private readonly defaultTail: Buffer,
    private readonly onSealed: (block: EventBlock) => void,
  ) {}

  /** Events in the open block, not yet handed to `onSealed`. */
  get openCount(): number {
    return this.open?.count ?? 0;
  }

  /** Adds one event's JSON (`event_id` first); it becomes the last event of the returned block. */
  append(json: string, tail: Buffer | undefined, epoch: number): EventBlock {
    this.makeRoom(json.length * 3); // the most UTF-8 bytes a JS string of that length can take
    const from = this.used;
    // Without its closing brace: the device tail brings one.
    this.used += this.scratch.write(json, from, 'utf8') - 1;
    const size = this.used - from + (tail ?? this.defaultTail).length + 1;
    let block = this.open;
    if (block !== null && (block.epoch !== epoch || block.bodyBytes + size > this.maxBytes)) {
      this.seal(); // moves the new event's bytes to the front of the scratch buffer
      block = null;
    }
    if (block === null) {
      block = new EventBlock(this.capacity, epoch, this.defaultTail);
      this.open = block;
    }
    const index = block.count++;
    block.ends[index] = this.used;
    block.bodyBytes += size;
    if (tail !== undefined) {
      block.tails ??= [];
      block.tails[index] = tail;
    }
    if (block.count === this.capacity) this.seal();
    return block;
  }

  /** Closes the open block (if it has events) and hands it to `onSealed`. */
  seal(): void {
    const block = this.open;
    if (block === null) return;
    this.open = null;
    const end = block.ends[block.count - 1]!;
    block.bytes = Buffer.from(this.scratch.subarray(0, end)); // a copy of exactly its size
    this.scratch.copyWithin(0, end, this.used);
    this.used -= end;
    // One huge event must not keep a huge scratch buffer alive for good.
    if (this.scratch.length > 1024 * 1024 && this.used < 16 * 1024) this.resize(16 * 1024);
    this.onSealed(block);
  }

  private makeRoom(bytes: number): void {
    if (this.scratch.length - this.used >= bytes) return;
    this.resize(Math.max(this.scratch.length * 2, this.used + bytes));
  }

  private resize(size: number): void {
    const next = Buffer.allocUnsafeSlow(size);
    this.scratch.copy(next, 0, 0, this.used);
    this.scratch = next;
  }
}

/** Copies event `index`'s full JSON into `body` at `at`; returns where it ends. */
function writeEvent(block: EventBlock, index: number, body: Buffer, at: number): number {
  const start = block.start(index);
  const end = block.ends[index]!;
  block.bytes.copy(body, at, start, end);
  const tail = block.tail(index);
  tail.copy(body, at + end - start);
  return at + end - start + tail.length;
}

/** Event `index`'s full JSON, device fields included: one event's request body. */
export function renderEvent(block: EventBlock, index: number): Buffer {
  const body = Buffer.allocUnsafe(block.eventBytes(index));
  writeEvent(block, index, body, 0);
  return body;
}

/** The size of `renderBatch`'s body. */
export function batchBytes(head: string, block: EventBlock, members: readonly number[], end: string): number {
  let size = Buffer.byteLength(head) + Buffer.byteLength(end) + members.length - 1;
  for (const index of members) size += block.eventBytes(index);
  return size;
}

/**
 * A batch body, `head` + the members' full JSON joined by commas + `end`, written into `body`
 * (`batchBytes` long): the stored bytes copied, with no strings in between.
 */
export function renderBatch(
  head: string,
  block: EventBlock,
  members: readonly number[],
  end: string,
  body: Buffer,
): Buffer {
  let at = body.write(head, 0, 'utf8');
  for (let i = 0; i < members.length; i++) {
    if (i > 0) body[at++] = 44; // ','
    at = writeEvent(block, members[i]!, body, at);
  }
  body.write(end, at, 'utf8');
  return body;
}

/**
 * The `event_id` of event `index`, read back from its JSON's first field instead of kept twice.
 * The bytes of a multi-byte UTF-8 character are never `"` or `\`, so scanning bytes is safe.
 */
export function eventIdOf(block: EventBlock, index: number): string {
  const { bytes } = block;
  const start = block.start(index) + '{"event_id":'.length;
  const limit = block.ends[index]!;
  let end = start;
  if (bytes[start] === 34) {
    end++;
    while (end < limit && bytes[end] !== 34) end += bytes[end] === 92 ? 2 : 1;
    end++;
  } else {
    while (end < limit && bytes[end] !== 44 && bytes[end] !== 125) end++;
  }
  const value: unknown = JSON.parse(bytes.toString('utf8', start, end));
  return typeof value === 'string' ? value : String(value);
}

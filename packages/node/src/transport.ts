import type { EventBlock } from './event-block.js';
import type { SendResult } from './outcome.js';

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
  /** Sends events `members` of `block` (in that order) in one request. */
  send(block: EventBlock, members: readonly number[], cancel: AbortSignal): Promise<SendResult>;
}

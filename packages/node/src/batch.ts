import type { EventBlock } from './event-block.js';

/**
 * Events of one block that travel together: in one request, and after a failure in the next
 * try. They share their history, so retry bookkeeping is per batch, not per event. Usually a
 * batch is its whole block; a `413` splits it into halves (`members`) over the same block.
 */
export interface Batch {
  readonly block: EventBlock;
  /** The block's events it carries; null: all of them. Settled events are skipped when sent. */
  readonly members: readonly number[] | null;
  attempts: number;
  /** Failed tries that count toward `maxRetries`: those the server did not schedule by Retry-After. */
  strikes: number;
  readyAt: number;
  /** When its last try failed; a later success elsewhere lets it retry early (see `recovered`). */
  failedAt: number;
}

export function newBatch(
  block: EventBlock,
  members: readonly number[] | null,
  attempts: number,
  strikes: number,
): Batch {
  return { block, members, attempts, strikes, readyAt: 0, failedAt: 0 };
}

/** The batch's events still pending, in order: what its next request carries. */
export function pendingMembers(batch: Batch): number[] {
  const { block, members } = batch;
  const pending: number[] = [];
  if (members === null) {
    for (let i = 0; i < block.count; i++) if (block.states[i] === 0) pending.push(i);
  } else {
    for (const index of members) if (block.states[index] === 0) pending.push(index);
  }
  return pending;
}

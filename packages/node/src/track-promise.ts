import type { EventBlock, SettleListener } from './event-block.js';
import type { TrackResult } from './types.js';

/**
 * What `trackEvent` and `trackPageview` return: a promise of the event's result that makes the
 * real `Promise` only when someone asks for the result (`await`, `then`, `catch`, `finally`).
 * A fire-and-forget call (`void client.trackEvent(…)`) then leaves nothing behind per event:
 * a real promise and its resolver are ~160 bytes that would live until the event is sent, and
 * with 100,000 events waiting they were a third of the client's memory. Never rejects.
 */
export class TrackPromise implements Promise<TrackResult>, SettleListener {
  #block: EventBlock | null;
  readonly #index: number;
  readonly #eventId: string;
  #promise: Promise<TrackResult> | null = null;
  #resolve: ((result: TrackResult) => void) | null = null;

  constructor(block: EventBlock, index: number, eventId: string) {
    this.#block = block;
    this.#index = index;
    this.#eventId = eventId;
  }

  get [Symbol.toStringTag](): string {
    return 'Promise';
  }

  // biome-ignore lint/suspicious/noThenProperty: it is a promise; `await` must find `then`.
  then<A = TrackResult, B = never>(
    onFulfilled?: ((value: TrackResult) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#real().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<TrackResult | B> {
    return this.#real().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<TrackResult> {
    return this.#real().finally(onFinally);
  }

  /** Called by the delivery when the event has settled (only after `#real` asked to be told). */
  settled(): void {
    const block = this.#block;
    const resolve = this.#resolve;
    if (block === null || resolve === null) return;
    const result = block.resultOf(this.#index, this.#eventId);
    if (result === null) return;
    this.#block = null;
    this.#resolve = null;
    resolve(result);
  }

  #real(): Promise<TrackResult> {
    if (this.#promise !== null) return this.#promise;
    const block = this.#block!;
    const result = block.resultOf(this.#index, this.#eventId);
    if (result !== null) {
      this.#block = null;
      this.#promise = Promise.resolve(result);
      return this.#promise;
    }
    this.#promise = new Promise<TrackResult>((resolve) => {
      this.#resolve = resolve;
    });
    block.listen(this.#index, this);
    return this.#promise;
  }
}

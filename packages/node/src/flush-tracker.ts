/**
 * Knows when every event added before a `drained()` call has settled, without holding the events
 * or their promises (which would keep a drained backlog in memory). Each `drained()` call closes a
 * generation ("epoch") and resolves once no event of that epoch or an older one is pending.
 */
export class FlushTracker {
  private epoch = 0;
  /** Pending events per epoch. Map order is epoch order: keys are only ever added at the top. */
  private readonly pendingPerEpoch = new Map<number, number>();
  private waiters: Array<{ epoch: number; done: () => void }> = [];

  /** An event was added; returns the epoch to hand back to `settled`. */
  added(): number {
    this.pendingPerEpoch.set(this.epoch, (this.pendingPerEpoch.get(this.epoch) ?? 0) + 1);
    return this.epoch;
  }

  settled(epoch: number): void {
    const left = (this.pendingPerEpoch.get(epoch) ?? 1) - 1;
    if (left > 0) {
      this.pendingPerEpoch.set(epoch, left);
      return;
    }
    this.pendingPerEpoch.delete(epoch);
    this.release();
  }

  /** Resolves when everything added so far has settled. */
  drained(): Promise<void> {
    const epoch = this.epoch++;
    const done = new Promise<void>((resolve) => this.waiters.push({ epoch, done: resolve }));
    this.release();
    return done;
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const epoch of this.pendingPerEpoch.keys()) {
      oldest = epoch;
      break;
    }
    const ready = this.waiters.filter((waiter) => waiter.epoch < oldest);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.epoch >= oldest);
    for (const waiter of ready) waiter.done();
  }
}

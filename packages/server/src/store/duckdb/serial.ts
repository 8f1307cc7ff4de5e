/**
 * Runs async tasks one after another. A DuckDB connection runs one statement at a time, and a
 * transaction must not interleave with another caller's statements.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

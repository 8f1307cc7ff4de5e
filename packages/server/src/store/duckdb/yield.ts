/**
 * Lets pending I/O callbacks (requests, fsync completions) run before the caller goes on. The
 * loader hands rows to DuckDB's appender in slices with this between them: the appender's calls
 * are synchronous and would otherwise hold every request for the whole batch.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

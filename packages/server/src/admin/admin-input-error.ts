/**
 * A request the person must fix (unknown site, bad date…); the message says how. On its own so
 * the per-topic ops modules (goals, proxy keys, exchange rates) can throw it without importing
 * `admin-ops.ts`, which imports their types: that would be an import cycle.
 */
export class AdminInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

import type { StatsFieldError } from './types.ts';

/** A query the engine refuses; map it to `VALIDATION_ERROR` with `fields`. */
export class StatsQueryError extends Error {
  constructor(readonly fields: readonly StatsFieldError[]) {
    super(`Invalid stats query: ${fields.map((f) => `${f.field}: ${f.reason}`).join('; ')}`);
    this.name = 'StatsQueryError';
  }
}

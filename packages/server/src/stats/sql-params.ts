import type { ParamType, SqlDialect } from './dialect.ts';

export type SqlParam = string | number;

/**
 * Collects bound parameters while SQL is being built: every user-supplied value (site id, filter
 * values, property keys, time zone, limits) goes through `bind` and appears in SQL only as a
 * placeholder. Equal values share one placeholder.
 */
export class SqlParams {
  readonly values: SqlParam[] = [];
  private readonly seen = new Map<string, string>();

  constructor(private readonly dialect: SqlDialect) {}

  bind(value: SqlParam, type: ParamType): string {
    const key = `${type}:${typeof value}:${value}`;
    const existing = this.seen.get(key);
    if (existing) return existing;
    if (type === 'int' && !Number.isSafeInteger(value)) throw new Error(`not an integer parameter: ${value}`);
    this.values.push(value);
    const placeholder = this.dialect.placeholder(this.values.length, type);
    this.seen.set(key, placeholder);
    return placeholder;
  }
}

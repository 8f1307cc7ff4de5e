/**
 * The stats engine's public API: the one place where analytics questions become SQL.
 * Callers (REST API, dashboard, CLI) build or parse a `StatsQuery` and hand it to a `StatsEngine`;
 * they never see SQL or the dialect. Exports here are stable: add, never rename.
 */
import type { StatsFieldError } from './types.ts';

export { createClickHouseStatsEngine } from './clickhouse-engine.ts';
export { previousPeriod, resolveDateRange } from './date-range.ts';
export { createDuckDbStatsEngine } from './duckdb-engine.ts';
export { StatsQueryError } from './errors.ts';
export { type OverviewPanel, overviewQueries } from './overview.ts';
export { type ParseResult, parseStatsQuery, type SiteLookup } from './parse.ts';
export type { StatsEngine } from './stats-engine.ts';
export * from './types.ts';
export { validateStatsQuery } from './validate.ts';

export type { StatsFieldError };

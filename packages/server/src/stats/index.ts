/**
 * The stats engine's public API: the one place where analytics questions become SQL.
 * Callers (REST API, dashboard, CLI) build or parse a `StatsQuery` and hand it to a `StatsEngine`;
 * they never see SQL or the dialect. Exports here are stable: add, never rename.
 */
import type { Site } from '../store/types.ts';
import type { StatsFieldError, StatsQuery, StatsResponse } from './types.ts';

export { createClickHouseStatsEngine } from './clickhouse-engine.ts';
export { previousPeriod, resolveDateRange } from './date-range.ts';
export { createDuckDbStatsEngine } from './duckdb-engine.ts';
export { StatsQueryError } from './errors.ts';
export { type OverviewPanel, overviewQueries } from './overview.ts';
export { type ParseResult, parseStatsQuery, type SiteLookup } from './parse.ts';
export * from './types.ts';
export { validateStatsQuery } from './validate.ts';

/** Answers stats queries for one event store. */
export interface StatsEngine {
  /**
   * Runs a query for `site` (its time zone decides day boundaries and time buckets) as of `nowMs`.
   * Rejects with `StatsQueryError` (carrying `fields`) when the query is invalid; never with a SQL
   * error caused by user input.
   */
  query(query: StatsQuery, site: Site, nowMs: number): Promise<StatsResponse>;
  /**
   * Several queries about one site (a dashboard page, e.g. the values of `overviewQueries`),
   * answered in order. Same answers as `query` one by one, but queries over the same range share
   * one scan of the events: use it whenever more than one panel is loaded at once.
   */
  queryMany(queries: readonly StatsQuery[], site: Site, nowMs: number): Promise<StatsResponse[]>;
}

export type { StatsFieldError };

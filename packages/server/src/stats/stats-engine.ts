/**
 * The `StatsEngine` contract, on its own so the engines that implement it import it from here and
 * not from the `index.ts` barrel, which re-exports those engines (an import cycle otherwise).
 */
import type { Site } from '../store/types.ts';
import type { StatsQuery, StatsResponse } from './types.ts';

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

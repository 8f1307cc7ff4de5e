/**
 * Everything that differs between SQL engines, behind one interface: the compiler speaks only to
 * this, so a ClickHouse dialect can be added without touching the compiler or its callers.
 * Arguments named `expr` are SQL fragments the compiler built; none of them carries user text
 * except through `placeholder` (bound parameters) or `stringLiteral` (the tested escape).
 */

export type ParamType = 'string' | 'int';
export type TimeBucket = 'hour' | 'day' | 'week' | 'month';

/** A table joined to `agg a` in a statement's final select, by equal dimension columns. */
export interface FinalJoin {
  readonly table: string;
  readonly alias: string;
  readonly keys: readonly string[];
}

/** The last step of a statement: the page of result rows, with the count of all rows. */
export interface FinalStatement {
  /** Named subqueries (name, SQL), each may read earlier ones by name (see `inlineCtes`). */
  readonly ctes: ReadonlyArray<readonly [name: string, sql: string]>;
  /** Those of them read more than once and worth computing once (an engine may ignore it). */
  readonly materialized?: ReadonlySet<string>;
  /** Output columns (alias, expression over `qualify`d columns). */
  readonly columns: ReadonlyArray<readonly [alias: string, expr: string]>;
  /** The aggregated table, read as `a`. */
  readonly agg: string;
  readonly joins: readonly FinalJoin[];
  readonly orderBy: string;
  readonly limit: string;
  readonly offset: string;
}

export interface SqlDialect {
  readonly name: string;
  /**
   * True when the engine has no `WITH name AS (subquery)`: the compiler then writes each named
   * subquery inline where it is read, and a batch runs as separate statements.
   */
  readonly inlineCtes: boolean;
  readonly trueLiteral: string;
  readonly falseLiteral: string;
  /**
   * Whether `scanEvents` can return the column `event_row`: a number unique to each event within
   * one statement (DuckDB's rowid). A batch's shared visits then take each visit's first-event
   * fields by joining that row back (compile.ts `joinedVisitsSql`).
   */
  readonly eventRow?: boolean;
  /**
   * The store's write-time visit rollup (issue 16), which the compiler reads instead of rebuilding
   * visits from events: `edges` = one row per visit (DuckDB `visits`), straddlers of the range's
   * edges rebuilt (rollup-visits.ts); `buckets` = aggregate states per (site, 15-minute bucket,
   * session) in `visitRollupTable` (ClickHouse), merged over the range's buckets
   * (clickhouse-visit-buckets.ts). Absent: visits are rebuilt from the events of each query.
   */
  readonly visitRollup?: 'edges' | 'buckets';
  readonly visitRollupTable?: string;
  /** SELECT of `columns` of one site's events in [start, end) (ids hashed, `ts` a timestamp). */
  scanEvents(columns: readonly string[], site: string, start: string, end: string): string;
  /** A column of a table joined in the final statement, as the final columns refer to it. */
  qualify(alias: string, column: string): string;
  /** The whole final SELECT (with its CTEs): columns, then `total_rows`, ordered and paged. */
  finalStatement(statement: FinalStatement): string;
  /** The SQL text standing for the n-th (1-based) bound parameter. */
  placeholder(index: number, type: ParamType): string;
  /** A string constant as SQL text: the one escaping function. */
  stringLiteral(value: string): string;
  /** A TIMESTAMP (UTC) from an integer of milliseconds since the epoch. */
  timestampFromMs(msExpr: string): string;
  /** Milliseconds since the epoch of a TIMESTAMP, as a number. */
  epochMs(tsExpr: string): string;
  /** A timestamp moved by a number of milliseconds (UTC to wall-clock time). */
  addMs(tsExpr: string, msExpr: string): string;
  /** The start of the bucket holding a wall-clock timestamp (a sortable value); weeks start on Monday. */
  timeBucket(localTsExpr: string, bucket: TimeBucket): string;
  /** A bucket start as its label: `YYYY-MM-DD`, or `YYYY-MM-DD HH:00:00` for hours (applied to result rows only). */
  timeBucketLabel(bucketExpr: string, bucket: TimeBucket): string;
  /** The value of event property `keyExpr`, or NULL when the event lacks it. */
  propValue(keyExpr: string): string;
  /** Value of `valueExpr` at the least `byExpr` among rows matching `conditionExpr` (aggregate). */
  argMinIf(valueExpr: string, byExpr: string, conditionExpr: string): string;
  argMaxIf(valueExpr: string, byExpr: string, conditionExpr: string): string;
  argMin(valueExpr: string, byExpr: string): string;
  /** Aggregate: a record of named values taken from the row with the least `byExpr`. */
  argMinRecord(fields: ReadonlyArray<readonly [name: string, expr: string]>, byExpr: string): string;
  /** One named value of such a record. */
  recordField(recordExpr: string, name: string): string;
  countIf(conditionExpr: string): string;
  anyValue(expr: string): string;
  /** Unicode lower / upper case of a text. */
  lower(expr: string): string;
  upper(expr: string): string;
  /** Case-insensitive substring test (no pattern characters). */
  containsInsensitive(haystackExpr: string, needleExpr: string): string;
  startsWith(expr: string, prefixExpr: string): string;
  endsWith(expr: string, suffixExpr: string): string;
  /** Regular-expression test against a pattern written in our code (never user input). */
  regexMatch(expr: string, pattern: string): string;
  /** The first group of a constant RE2 `pattern` in `expr`, '' when it does not match. */
  regexExtract(expr: string, pattern: string): string;
  /** A number parsed from text, NULL when it is not one. */
  tryToDouble(expr: string): string;
  /** Aggregate: the (a, b) pairs of a group, read back in JS as `[a, b][]`. */
  pairList(aExpr: string, bExpr: string): string;
  /** A 64-bit hash of an id: grouping and distinct-counting numbers is much cheaper than text. */
  hashId(expr: string): string;
  /**
   * A common table expression evaluated once however many parts of the statement read it (a
   * batch's events and visits). An engine that cannot materialize CTEs may return a plain one:
   * answers stay the same, only the shared scan is lost.
   */
  materializedCte(name: string, selectSql: string): string;
  /** Scalar subquery: all rows of `selectSql` as one JSON array text (NULL when none), in `orderBy` order. */
  rowsAsJson(selectSql: string, orderBy: string): string;
  /** Text cast of a value. */
  toText(expr: string): string;
  /**
   * One output row per case whose condition holds, carrying its label (set-returning, in a SELECT
   * list); a row matching none disappears. Labels are bound strings.
   */
  matchingLabels(cases: ReadonlyArray<readonly [condition: string, label: string]>): string;
  /** The UTC calendar day (`YYYY-MM-DD` text) of a scanned event's `ts`. */
  utcDay(tsExpr: string): string;
  /** The heartbeats folded per pageview (issue 15, stats/engagement.ts), as a table name. */
  readonly engagementTable: string;
  /** Exchange rates (`day`, `currency`, `per_eur`: units per 1 EUR), one row per day and currency. */
  readonly fxRates: string;
}

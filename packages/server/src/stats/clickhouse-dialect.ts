/**
 * ClickHouse SQL, in the subset 18.16 (Debian's) shares with current releases: no query
 * parameters, no `WITH name AS (subquery)`, no window functions, no `TRUE`, no named tuples, one
 * JOIN per SELECT (18.16 crashed on two). So:
 * - a bound parameter is a marker (NUL, index, NUL) that the runner replaces with a literal from
 *   `sqlString` / `sqlInt` (a literal from `sqlString` never holds a raw NUL, so markers are unambiguous);
 * - named subqueries are written inline (`inlineCtes`), and batches run as separate statements;
 * - timestamps are integer milliseconds (`ts_ms`); the coarse `ts` only prunes the scan;
 * - the page and its total come from one array of all rows (`groupArray` + `ARRAY JOIN`);
 * - the final joins use `USING` (nested when there are two), so columns are not qualified; each
 *   side of a join has an alias, which current releases require (`joined_subquery_requires_alias`).
 * Reads need no FINAL: each event is stored once (store/clickhouse/schema.ts).
 */
import { sqlIdentifier, sqlString } from '../store/clickhouse/sql.ts';
import type { FinalStatement, SqlDialect, TimeBucket } from './dialect.ts';
import { entryFieldNames } from './fields.ts';

/** The marker standing for the n-th bound parameter until the runner inlines it. */
export const parameterMarker = /\0(\d+)\0/g;

const bucketStart: Record<TimeBucket, (dateTime: string) => string> = {
  hour: (t) => `toStartOfHour(${t})`,
  day: (t) => `toStartOfDay(${t})`,
  week: (t) => `toMonday(${t})`,
  month: (t) => `toStartOfMonth(${t})`,
};

export function createClickHouseDialect(database: string): SqlDialect {
  const events = `${sqlIdentifier(database)}.events`;
  const dialect: SqlDialect = {
    name: 'clickhouse',
    inlineCtes: true,
    visitRollup: 'buckets',
    visitRollupTable: `${sqlIdentifier(database)}.visit_buckets`,
    trueLiteral: '1',
    falseLiteral: '0',
    placeholder: (index) => `\0${index}\0`,
    stringLiteral: (value) => sqlString(value),
    scanEvents: (columns, site, start, end) => {
      // The inner SELECT names ts_ms apart from `ts` so that the WHERE still reads the stored column.
      const inner = columns.map((c) => (c === 'ts' ? 'ts_ms AS zv_ts' : c));
      const outer = columns.map((c) =>
        c === 'ts'
          ? 'zv_ts AS ts'
          : c === 'session_id' || c === 'visitor_id'
            ? `${dialect.hashId(c)} AS ${c}`
            : c,
      );
      return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${events} WHERE site_id = ${site} AND ts >= toDateTime(intDiv(${start}, 1000)) AND ts <= toDateTime(intDiv(${end}, 1000)) AND ts_ms >= ${start} AND ts_ms < ${end})`;
    },
    qualify: (_alias, column) => column,
    finalStatement: (statement) => clickHouseFinalStatement(statement),
    timestampFromMs: (msExpr) => `(${msExpr})`,
    epochMs: (tsExpr) => tsExpr,
    addMs: (tsExpr, msExpr) => `(${tsExpr} + ${msExpr})`,
    timeBucket: (localTsExpr, bucket) =>
      bucketStart[bucket](`toDateTime(intDiv(${localTsExpr}, 1000), 'UTC')`),
    timeBucketLabel: (bucketExpr, bucket) =>
      bucket === 'hour' ? `toString(${bucketExpr})` : `toString(toDate(${bucketExpr}))`,
    propValue: (keyExpr) =>
      `if(has(prop_keys, ${keyExpr}), prop_values[indexOf(prop_keys, ${keyExpr})], NULL)`,
    argMinIf: (value, by, condition) => `argMinIf(${value}, ${by}, ${condition})`,
    argMaxIf: (value, by, condition) => `argMaxIf(${value}, ${by}, ${condition})`,
    argMin: (value, by) => `argMin(${value}, ${by})`,
    // A tuple over every entry field in a fixed order ('' for those not asked), read by position.
    // Only the asked fields are aggregated (one arg-min of their tuple, so that they all come from
    // the same event; ClickHouse computes the repeated aggregate once): 18.16 keeps a tuple state
    // as generic values, and padding it to every field cost ~1/3 of a page's visit build.
    argMinRecord: (fields, by) => {
      for (const [name] of fields)
        if (!entryFieldNames.includes(name)) throw new Error(`not an entry field: ${name}`);
      const asked = entryFieldNames.filter((name) => fields.some(([field]) => field === name));
      const expr = (name: string) => fields.find(([field]) => field === name)![1];
      const single = asked.length === 1;
      const aggregate = single
        ? `argMin(${expr(asked[0]!)}, ${by})`
        : `argMin(tuple(${asked.map(expr).join(', ')}), ${by})`;
      const slot = (name: string) => {
        const index = asked.indexOf(name);
        if (index < 0) return "''";
        return single ? aggregate : `tupleElement(${aggregate}, ${index + 1})`;
      };
      return `tuple(${entryFieldNames.map(slot).join(', ')})`;
    },
    recordField: (record, name) => {
      const index = entryFieldNames.indexOf(name);
      if (index < 0) throw new Error(`not an entry field: ${name}`);
      return `tupleElement(${record}, ${index + 1})`;
    },
    countIf: (condition) => `countIf(${condition})`,
    anyValue: (expr) => `any(${expr})`,
    lower: (expr) => `lowerUTF8(${expr})`,
    upper: (expr) => `upperUTF8(${expr})`,
    containsInsensitive: (haystack, needle) =>
      `(positionUTF8(lowerUTF8(${haystack}), lowerUTF8(${needle})) > 0)`,
    startsWith: (expr, prefix) => `startsWith(${expr}, ${prefix})`,
    endsWith: (expr, suffix) => `endsWith(${expr}, ${suffix})`,
    regexMatch: (expr, pattern) => `match(${expr}, ${sqlString(pattern)})`,
    regexExtract: (expr, pattern) => `extract(${expr}, ${sqlString(pattern)})`,
    // As DuckDB's TRY_CAST: surrounding white space and a leading '+' are allowed. (DuckDB also
    // reads '1_000' as 1000; ClickHouse does not.)
    tryToDouble: (expr) =>
      `toFloat64OrNull(replaceRegexpOne(replaceRegexpAll(${expr}, ${sqlString('^\\s+|\\s+$')}, ''), ${sqlString('^\\+([0-9.])')}, ${sqlString('\\1')}))`,
    pairList: (a, b) => `groupArray([${a}, toString(${b})])`,
    hashId: (expr) => `cityHash64(${expr})`,
    materializedCte: () => {
      throw new Error('ClickHouse 18.16 has no CTE subqueries: batches run as separate statements');
    },
    rowsAsJson: () => {
      throw new Error('ClickHouse 18.16 has no CTE subqueries: batches run as separate statements');
    },
    toText: (expr) => `toString(${expr})`,
    matchingLabels: (cases) =>
      `arrayJoin(arrayFilter(v -> v != '', [${cases.map(([condition, label]) => `if(${condition}, ${label}, '')`).join(', ')}]))`,
    utcDay: (tsExpr) => `toString(toDate(toDateTime(intDiv(${tsExpr}, 1000), 'UTC')))`,
    // Read with a max() fold per pageview (stats/engagement.ts): rows not merged yet answer the same.
    engagementTable: `${sqlIdentifier(database)}.engagement`,
    // The latest import wins per day and currency (ReplacingMergeTree may not have merged yet).
    fxRates: `(SELECT day, currency, argMax(per_eur, source_version) AS per_eur FROM ${sqlIdentifier(database)}.fx_rates GROUP BY day, currency)`,
  };
  return dialect;
}

/**
 * All rows as one array (with their count as the total), unrolled again, ordered and paged: the
 * same page and `total_rows` as a window count, without window functions.
 */
function clickHouseFinalStatement(s: FinalStatement): string {
  let from = s.agg;
  s.joins.forEach((join, i) => {
    const left = i === 0 ? `${from} AS a` : `(SELECT * FROM ${from}) AS a${i}`;
    from =
      join.keys.length > 0
        ? `${left} LEFT JOIN ${join.table} AS ${join.alias} USING (${join.keys.join(', ')})`
        : `${left} CROSS JOIN ${join.table} AS ${join.alias}`;
  });
  const tuple = `tuple(${s.columns.map(([, expr]) => expr).join(', ')})`;
  const unrolled = s.columns.map(([alias], i) => `tupleElement(zv_row, ${i + 1}) AS ${alias}`);
  return `SELECT ${[...unrolled, 'total_rows'].join(', ')} FROM (SELECT groupArray(${tuple}) AS zv_rows, count() AS total_rows FROM ${from}) ARRAY JOIN zv_rows AS zv_row ORDER BY ${s.orderBy} LIMIT ${s.limit} OFFSET ${s.offset}`;
}
